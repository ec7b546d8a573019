"""The face engine contract: Rekognition's collection operations.

Every method answers a dict shaped like the Rekognition response of the same name (PascalCase
keys, BoundingBox as ratios, Similarity 0-100) and raises `errors.EngineError` subclasses named
like Rekognition's error types. Implementations: `local.LocalEngine` (models run here,
embeddings in a store) and `rekognition.RekognitionEngine` (boto3).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from .errors import InvalidParameter
from .images import DECODE_LONG_SIDE

DEFAULT_THRESHOLD = 80.0
MAX_FACES_PER_IMAGE = 100
MAX_FACES_PER_USER = 100
DEFAULT_USER_MATCH_THRESHOLD = 80.0  # SearchUsers, SearchUsersByImage
DEFAULT_ASSOCIATE_THRESHOLD = 75.0  # AssociateFaces


class FaceEngine(ABC):
    """A face engine holding named collections of indexed faces."""

    # the long side (pixels) to decode a photo at for index_faces_decoded, its thumbnail and crops
    decode_long_side: int = DECODE_LONG_SIDE

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
    def index_faces(
        self,
        collection_id: str,
        image_bytes: bytes,
        external_image_id: str | None = None,
        max_faces: int = MAX_FACES_PER_IMAGE,
        quality_filter: str = "AUTO",
        detection_attributes: list[str] | None = None,
    ) -> dict:
        """{FaceRecords: [{Face, FaceDetail}], UnindexedFaces: [{Reasons, FaceDetail}], FaceModelVersion}.

        Faces are largest first; FaceDetail carries BoundingBox, Confidence, Landmarks, Pose and
        Quality ({Brightness, Sharpness}); detection_attributes ["ALL"] asks for every attribute.
        """

    def index_faces_decoded(
        self,
        collection_id: str,
        image_bytes: bytes,
        picture,
        external_image_id: str | None = None,
        max_faces: int = MAX_FACES_PER_IMAGE,
        quality_filter: str = "AUTO",
        detection_attributes: list[str] | None = None,
    ) -> dict:
        """IndexFaces of `image_bytes` whose `picture` (images.load_image at `decode_long_side`, with the
        engine's limits) the caller already decoded: an engine running its own model detects on it
        instead of decoding the bytes again. This default sends the bytes (Rekognition)."""
        return self.index_faces(
            collection_id, image_bytes, external_image_id, max_faces, quality_filter, detection_attributes
        )

    @abstractmethod
    def list_faces(self, collection_id: str, next_token: str | None = None, max_results: int = 1000) -> dict:
        """{Faces, NextToken?, FaceModelVersion}."""

    @abstractmethod
    def search_faces(
        self, collection_id: str, face_id: str, threshold: float = DEFAULT_THRESHOLD, max_faces: int = 4096
    ) -> dict:
        """{SearchedFaceId, FaceMatches: [{Similarity, Face}] highest first, FaceModelVersion}.

        The searched face itself is not among the matches.
        """

    @abstractmethod
    def search_faces_by_image(
        self,
        collection_id: str,
        image_bytes: bytes,
        threshold: float = DEFAULT_THRESHOLD,
        max_faces: int = 4096,
        quality_filter: str = "NONE",
    ) -> dict:
        """Rekognition's answer for the largest face: {SearchedFaceBoundingBox,
        SearchedFaceConfidence, FaceMatches, FaceModelVersion}; InvalidParameter if no face, or if
        the largest face does not pass quality_filter."""

    @abstractmethod
    def search_every_face_by_image(
        self, collection_id: str, image_bytes: bytes, threshold: float = DEFAULT_THRESHOLD, max_faces: int = 4096
    ) -> list[dict]:
        """Like search_faces_by_image for every face of the image, largest first
        (Rekognition searches only the largest; this app searches them all). [] if no face."""

    @abstractmethod
    def delete_faces(self, collection_id: str, face_ids: list[str]) -> dict:
        """{DeletedFaces, UnsuccessfulFaceDeletions}."""

    def detect_faces(self, image_bytes: bytes, attributes: list[str] | None = None) -> dict:
        """Rekognition's DetectFaces: {FaceDetails: [FaceDetail]} largest first, no collection involved.
        attributes ["ALL"] asks for every attribute (["DEFAULT"] or None: the default ones)."""
        raise NotImplementedError

    def compare_faces(
        self,
        source_bytes: bytes,
        target_bytes: bytes,
        similarity_threshold: float = DEFAULT_THRESHOLD,
        quality_filter: str = "NONE",
    ) -> dict:
        """Rekognition's CompareFaces: the largest face of the source against each face of the
        target: {SourceImageFace: {BoundingBox, Confidence}, FaceMatches: [{Similarity, Face:
        ComparedFace}] highest first, UnmatchedFaces: [ComparedFace]}; InvalidParameter when either
        image has no face (that passes quality_filter)."""
        raise NotImplementedError("compare_faces")

    def ensure_collection(self, collection_id: str) -> None:
        """Create the collection unless it exists."""
        from .errors import ResourceAlreadyExists

        try:
            self.create_collection(collection_id)
        except ResourceAlreadyExists:
            pass

    # Users: Rekognition's named groups of up to 100 faces of a collection (CreateUser ... SearchUsersByImage).
    # A face belongs to at most one user; UserStatus is CREATED until a face is associated, ACTIVE after.
    # Not abstract, so that an engine without them still serves faces: it raises NotImplementedError,
    # and the contract suite (tests/indexing/engine/test_users.py) names what is missing.
    def create_user(self, collection_id: str, user_id: str, client_request_token: str | None = None) -> dict:
        """{}; Conflict if the user exists (unless this is a retry with the same token)."""
        raise NotImplementedError("create_user")

    def delete_user(self, collection_id: str, user_id: str, client_request_token: str | None = None) -> dict:
        """{}; ResourceNotFound if absent. The user's faces stay in the collection, unassociated."""
        raise NotImplementedError("delete_user")

    def list_users(self, collection_id: str, next_token: str | None = None, max_results: int | None = None) -> dict:
        """{Users: [{UserId, UserStatus}], NextToken?}, ordered by UserId."""
        raise NotImplementedError("list_users")

    def associate_faces(
        self,
        collection_id: str,
        user_id: str,
        face_ids: list[str],
        user_match_threshold: float = DEFAULT_ASSOCIATE_THRESHOLD,
        client_request_token: str | None = None,
    ) -> dict:
        """{AssociatedFaces: [{FaceId}], UnsuccessfulFaceAssociations: [{FaceId, UserId?, Confidence?,
        Reasons}], UserStatus}. Reasons: FACE_NOT_FOUND, ASSOCIATED_TO_A_DIFFERENT_USER,
        LOW_MATCH_CONFIDENCE (the face matches the user's faces below the threshold; a user with no
        face yet takes any face). ServiceQuotaExceeded past 100 faces for the user."""
        raise NotImplementedError("associate_faces")

    def disassociate_faces(
        self, collection_id: str, user_id: str, face_ids: list[str], client_request_token: str | None = None
    ) -> dict:
        """{DisassociatedFaces: [{FaceId}], UnsuccessfulFaceDisassociations: [{FaceId, UserId?, Reasons}],
        UserStatus}. Reasons: FACE_NOT_FOUND, ASSOCIATED_TO_A_DIFFERENT_USER."""
        raise NotImplementedError("disassociate_faces")

    def search_users(
        self,
        collection_id: str,
        user_id: str | None = None,
        face_id: str | None = None,
        user_match_threshold: float = DEFAULT_USER_MATCH_THRESHOLD,
        max_users: int = 500,
    ) -> dict:
        """{UserMatches: [{Similarity, User: {UserId, UserStatus}}] highest first, FaceModelVersion,
        SearchedFace: {FaceId} | SearchedUser: {UserId}}. Exactly one of user_id and face_id."""
        raise NotImplementedError("search_users")

    def search_users_by_image(
        self,
        collection_id: str,
        image_bytes: bytes,
        user_match_threshold: float = DEFAULT_USER_MATCH_THRESHOLD,
        max_users: int = 500,
        quality_filter: str = "NONE",
    ) -> dict:
        """Users matching the largest face: {UserMatches, FaceModelVersion, SearchedFace: {FaceDetail},
        UnsearchedFaces: [{FaceDetails, Reasons}]}; InvalidParameter if no face."""
        raise NotImplementedError("search_users_by_image")

    def face_similarities(
        self, collection_id: str, face_ids: list[str], threshold: float
    ) -> dict[str, dict[str, float]]:
        """For each face id, the other faces among `face_ids` with similarity >= threshold.

        Not a Rekognition operation: the app's clustering uses it. This default asks SearchFaces once
        per face (what a Rekognition engine can do); the local engine answers in matrix products.
        """
        wanted = set(face_ids)
        answer: dict[str, dict[str, float]] = {}
        for face_id in face_ids:
            matches = self.search_faces(collection_id, face_id, threshold, 4096)["FaceMatches"]
            answer[face_id] = {m["Face"]["FaceId"]: m["Similarity"] for m in matches if m["Face"]["FaceId"] in wanted}
        return answer

    def search_faces_many(
        self, collection_id: str, face_ids: list[str], threshold: float = DEFAULT_THRESHOLD, max_faces: int = 4096
    ) -> list[list[dict]]:
        """search_faces' FaceMatches of each face, [] for a face no longer in the collection; of each
        match only Similarity and Face.FaceId are promised.

        Not a Rekognition operation: auto-tagging searches with the faces a photo's IndexFaces has just
        stored. This default asks SearchFaces once per face (Rekognition searches by FaceId on its side:
        it never hands out embeddings); the local engine reads the collection and the embeddings once
        and not the matched faces' other fields.
        """
        answers = []
        for face_id in face_ids:
            try:
                answers.append(self.search_faces(collection_id, face_id, threshold, max_faces)["FaceMatches"])
            except InvalidParameter:  # the face left the collection
                answers.append([])
        return answers

    def neighbour_graph(self, collection_id: str, face_ids: list[str], threshold: float, k: int) -> Neighbours:
        """Each face's (at most) k most similar faces among `face_ids` with similarity >= threshold.

        Not a Rekognition operation: the app's full regrouping builds its sparse k-nearest-neighbour
        graph from it. This default asks SearchFaces once per face for its k best matches (what a
        Rekognition engine can do); the local engine searches its index in batches (neighbours.py).
        """
        wanted = list(dict.fromkeys(face_ids))
        row_of = {face_id: r for r, face_id in enumerate(wanted)}
        rows, cols, sims = [], [], []
        for r, face_id in enumerate(wanted):
            for m in self.search_faces(collection_id, face_id, threshold, k)["FaceMatches"]:
                if m["Face"]["FaceId"] in row_of:
                    rows.append(r)
                    cols.append(row_of[m["Face"]["FaceId"]])
                    sims.append(m["Similarity"])
        return Neighbours(wanted, np.array(rows, np.int64), np.array(cols, np.int64), np.array(sims, np.float64))

    def face_neighbours(
        self, collection_id: str, face_ids: list[str], threshold: float, k: int
    ) -> dict[str, dict[str, float]]:
        """neighbour_graph as {face id: {neighbour id: similarity}} (small sets: tests, benches)."""
        return self.neighbour_graph(collection_id, face_ids, threshold, k).as_dict()


@dataclass
class Neighbours:
    """A sparse neighbour graph over `ids`: edge i goes from ids[rows[i]] to ids[cols[i]], similarity sims[i]."""

    ids: list[str]
    rows: np.ndarray
    cols: np.ndarray
    sims: np.ndarray

    @classmethod
    def from_dict(cls, ids: list[str], similarities: dict[str, dict[str, float]]) -> Neighbours:
        row_of = {face_id: r for r, face_id in enumerate(ids)}
        edges = [(row_of[f], row_of[g], s) for f, near in similarities.items() for g, s in near.items()]
        rows, cols, sims = zip(*edges) if edges else ((), (), ())
        return cls(list(ids), np.array(rows, np.int64), np.array(cols, np.int64), np.array(sims, np.float64))

    def as_dict(self) -> dict[str, dict[str, float]]:
        answer: dict[str, dict[str, float]] = {i: {} for i in self.ids}
        for r, c, s in zip(self.rows.tolist(), self.cols.tolist(), self.sims.tolist()):
            answer[self.ids[r]][self.ids[c]] = s
        return answer
