"""The face engine contract: Rekognition's collection operations.

Every method answers a dict shaped like the Rekognition response of the same name (PascalCase
keys, BoundingBox as ratios, Similarity 0-100) and raises `errors.EngineError` subclasses named
like Rekognition's error types. Implementations: `local.LocalEngine` (models run here,
embeddings in a store) and `rekognition.RekognitionEngine` (boto3).
"""
from __future__ import annotations

from abc import ABC, abstractmethod

DEFAULT_THRESHOLD = 80.0
MAX_FACES_PER_IMAGE = 100


class FaceEngine(ABC):
    """A face engine holding named collections of indexed faces."""

    @abstractmethod
    def create_collection(self, collection_id: str) -> dict:
        """{StatusCode, CollectionArn, FaceModelVersion}; ResourceAlreadyExists if present."""

    @abstractmethod
    def delete_collection(self, collection_id: str) -> dict:
        """{StatusCode}; ResourceNotFound if absent. Removes every face of the collection."""

    @abstractmethod
    def list_collections(self, next_token: str | None = None, max_results: int = 1000) -> dict:
        """{CollectionIds, FaceModelVersions, NextToken?}."""

    @abstractmethod
    def describe_collection(self, collection_id: str) -> dict:
        """{FaceCount, FaceModelVersion, CollectionARN, CreationTimestamp, UserCount}."""

    @abstractmethod
    def index_faces(self, collection_id: str, image_bytes: bytes, external_image_id: str | None = None,
                    max_faces: int = MAX_FACES_PER_IMAGE, quality_filter: str = "AUTO") -> dict:
        """{FaceRecords: [{Face, FaceDetail}], UnindexedFaces: [{Reasons, FaceDetail}], FaceModelVersion}.

        Faces are largest first; FaceDetail carries BoundingBox, Confidence and Quality
        ({Brightness, Sharpness}).
        """

    @abstractmethod
    def list_faces(self, collection_id: str, next_token: str | None = None, max_results: int = 1000) -> dict:
        """{Faces, NextToken?, FaceModelVersion}."""

    @abstractmethod
    def search_faces(self, collection_id: str, face_id: str, threshold: float = DEFAULT_THRESHOLD,
                     max_faces: int = 4096) -> dict:
        """{SearchedFaceId, FaceMatches: [{Similarity, Face}] highest first, FaceModelVersion}.

        The searched face itself is not among the matches.
        """

    @abstractmethod
    def search_faces_by_image(self, collection_id: str, image_bytes: bytes, threshold: float = DEFAULT_THRESHOLD,
                              max_faces: int = 4096) -> dict:
        """Rekognition's answer for the largest face: {SearchedFaceBoundingBox,
        SearchedFaceConfidence, FaceMatches, FaceModelVersion}; InvalidParameter if no face."""

    @abstractmethod
    def search_every_face_by_image(self, collection_id: str, image_bytes: bytes,
                                   threshold: float = DEFAULT_THRESHOLD, max_faces: int = 4096) -> list[dict]:
        """Like search_faces_by_image for every face of the image, largest first
        (Rekognition searches only the largest; this app searches them all). [] if no face."""

    @abstractmethod
    def delete_faces(self, collection_id: str, face_ids: list[str]) -> dict:
        """{DeletedFaces, UnsuccessfulFaceDeletions}."""

    def detect_faces(self, image_bytes: bytes) -> dict:
        """Rekognition's DetectFaces: {FaceDetails: [FaceDetail]} largest first, no collection involved."""
        raise NotImplementedError

    def ensure_collection(self, collection_id: str) -> None:
        """Create the collection unless it exists."""
        from .errors import ResourceAlreadyExists

        try:
            self.create_collection(collection_id)
        except ResourceAlreadyExists:
            pass
