"""The local face engine: models run in this process, embeddings kept in an EmbeddingStore.

Search goes through a FaceIndex (search_index.py): approximate candidates from an HNSW file
shared by the processes of the machine, re-ranked with the faces' float32 embeddings, plus the
faces added since that file, searched exactly; each process catches up with the collection's
change feed, never reloading the whole collection. Small collections are searched exactly.
"""

from __future__ import annotations

import copy
import re
import uuid

import numpy as np

from . import images
from .base import DEFAULT_THRESHOLD, MAX_FACES_PER_IMAGE, FaceEngine
from .compare import LocalCompare
from .details import box_dict, check_quality_filter, face_detail, reasons, wants_all
from .errors import InvalidParameter, ResourceNotFound, Validation
from .local_users import LocalUsers
from .models import DetectedFace, load_model, model_version
from .neighbours import LocalNeighbours
from .paging import decode_token, encode_token
from .search_index import DELTA_LIMIT, EXACT_BELOW, FaceIndex
from .store import EmbeddingStore, StoredFace

COLLECTION_ID = re.compile(r"^[a-zA-Z0-9_.\-]{1,255}$")
EXTERNAL_IMAGE_ID = re.compile(r"^[a-zA-Z0-9_.\-:]{1,255}$")
NO_FACE = "There are no faces in the image. Should be at least 1."  # Rekognition's words


class LocalEngine(LocalCompare, LocalUsers, LocalNeighbours, FaceEngine):
    """Rekognition's collection operations on a local model.

    `model` is 'arcface' or 'dlib'; each collection records the model that indexed it and
    refuses to mix with another. `index_dir` holds the search index files that the processes of
    one machine share (None: a private temporary directory, for an engine used alone).
    """

    def __init__(
        self,
        store: EmbeddingStore,
        model: str = "arcface",
        model_dir: str | None = None,
        region: str = "local",
        account: str = "000000000000",
        max_pixels: int = images.MAX_PIXELS,
        max_bytes: int = images.MAX_BYTES,
        small_faces: bool = True,
        index_dir: str | None = None,
        exact_below: int = EXACT_BELOW,
        delta_limit: int = DELTA_LIMIT,
    ):
        self.store = store
        self.model_name = model
        self.model_dir = model_dir
        self.small_faces = small_faces
        self.version = model_version(model)
        self.region, self.account = region, account
        self.max_pixels, self.max_bytes = max_pixels, max_bytes
        self.index = FaceIndex(store, index_dir, exact_below=exact_below, delta_limit=delta_limit)

    @property
    def model(self):
        return load_model(self.model_name, self.model_dir, self.small_faces)

    @property
    def decode_long_side(self) -> int:
        return self.model.decode_long_side

    def for_region(self, region: str) -> LocalEngine:
        """This engine answering ARNs of `region` (the API's: the region that signed the request);
        the store, models and caches are shared."""
        if region == self.region:
            return self
        other = copy.copy(self)
        other.region = region
        return other

    # collections
    def _arn(self, collection_id: str) -> str:
        return f"arn:aws:rekognition:{self.region}:{self.account}:collection/{collection_id}"

    def _collection(self, collection_id: str):
        _check_collection_id(collection_id)
        info = self.store.get_collection(collection_id)
        if info is None:
            raise ResourceNotFound(f"The collection id: {collection_id} does not exist")
        if info.model != self.version:
            raise InvalidParameter(
                f"Collection {collection_id} holds faces of model {info.model}; "
                f"this engine runs {self.version}. Re-index into a new collection."
            )
        return info

    def create_collection(self, collection_id):
        _check_collection_id(collection_id)
        self.store.create_collection(collection_id, self.version)
        return {"StatusCode": 200, "CollectionArn": self._arn(collection_id), "FaceModelVersion": self.version}

    def delete_collection(self, collection_id):
        _check_collection_id(collection_id)
        if not self.store.delete_collection(collection_id):
            raise ResourceNotFound(f"The collection id: {collection_id} does not exist")
        self.index.forget(collection_id)
        return {"StatusCode": 200}

    def list_collections(self, next_token=None, max_results=1000):
        infos = self.store.list_collections(decode_token(next_token), _limit(max_results))
        answer = {"CollectionIds": [i.collection_id for i in infos], "FaceModelVersions": [i.model for i in infos]}
        if len(infos) == _limit(max_results):
            following = self.store.list_collections(infos[-1].collection_id, 1)
            if following:
                answer["NextToken"] = encode_token(infos[-1].collection_id)
        return answer

    def describe_collection(self, collection_id):
        _check_collection_id(collection_id)
        info = self.store.get_collection(collection_id)
        if info is None:
            raise ResourceNotFound(f"The collection id: {collection_id} does not exist")
        return {
            "FaceCount": info.face_count,
            "FaceModelVersion": info.model,
            "UserCount": self.users.count_users(collection_id),
            "CollectionARN": self._arn(collection_id),
            "CreationTimestamp": info.created,
        }

    # faces
    def detect(self, image_bytes: bytes, all_attributes: bool = False) -> list[DetectedFace]:
        """Every face of the image, largest first (no collection involved); with every landmark
        type when `all_attributes`."""
        loaded = images.load_image(
            image_bytes, max_pixels=self.max_pixels, max_bytes=self.max_bytes, long_side=self.decode_long_side
        )
        return self._analyze(loaded, all_attributes)

    def _analyze(self, loaded: images.LoadedImage, all_attributes: bool) -> list[DetectedFace]:
        picture, source = loaded.image, max(loaded.width, loaded.height)
        faces = self.model.analyze(picture, max_faces=MAX_FACES_PER_IMAGE, source_long_side=source)
        if all_attributes and faces:
            self.model.add_landmarks(picture, faces)
        return faces

    def detect_faces(self, image_bytes, attributes=None):
        return {"FaceDetails": [face_detail(face) for face in self.detect(image_bytes, wants_all(attributes))]}

    def index_faces(
        self,
        collection_id,
        image_bytes,
        external_image_id=None,
        max_faces=MAX_FACES_PER_IMAGE,
        quality_filter="AUTO",
        detection_attributes=None,
    ):
        self._check_index(collection_id, external_image_id, max_faces, quality_filter)
        faces = self.detect(image_bytes, wants_all(detection_attributes))
        return self._index(collection_id, faces, external_image_id, max_faces, quality_filter)

    def index_faces_decoded(
        self,
        collection_id,
        image_bytes,
        picture,
        external_image_id=None,
        max_faces=MAX_FACES_PER_IMAGE,
        quality_filter="AUTO",
        detection_attributes=None,
    ):
        self._check_index(collection_id, external_image_id, max_faces, quality_filter)
        faces = self._analyze(picture, wants_all(detection_attributes))  # no second decode
        return self._index(collection_id, faces, external_image_id, max_faces, quality_filter)

    def _check_index(self, collection_id, external_image_id, max_faces, quality_filter) -> None:
        self._collection(collection_id)
        if external_image_id is not None and not EXTERNAL_IMAGE_ID.match(external_image_id):
            raise Validation("ExternalImageId must match [a-zA-Z0-9_.\\-:]+ (1-255 characters)")
        check_quality_filter(quality_filter)
        if max_faces < 1:
            raise Validation("MaxFaces must be at least 1")

    def _index(self, collection_id, faces: list[DetectedFace], external_image_id, max_faces, quality_filter) -> dict:
        image_id = str(uuid.uuid4())
        records, unindexed, stored = [], [], []
        for face in faces:
            why = reasons(face, quality_filter)
            if not why and len(records) >= max_faces:
                why = ["EXCEEDS_MAX_FACES"]
            if why:
                unindexed.append({"Reasons": why, "FaceDetail": face_detail(face)})
                continue
            s = StoredFace(
                str(uuid.uuid4()),
                image_id,
                external_image_id,
                box_dict(face.box),
                face.confidence,
                face.embedding.astype(np.float32),
            )
            stored.append(s)
            records.append({"Face": self._face(s), "FaceDetail": face_detail(face)})
        if stored:
            self.store.add_faces(collection_id, stored)
        return {"FaceRecords": records, "UnindexedFaces": unindexed, "FaceModelVersion": self.version}

    def _face(self, s: StoredFace, user_id: str | None = None) -> dict:
        face = {
            "FaceId": s.face_id,
            "BoundingBox": s.box,
            "ImageId": s.image_id,
            "Confidence": s.confidence,
            "IndexFacesModelVersion": self.version,
        }
        if s.external_image_id:
            face["ExternalImageId"] = s.external_image_id
        if user_id:
            face["UserId"] = user_id
        return face

    def faces_of(self, collection_id: str, stored: list[StoredFace]) -> list[dict]:
        """Rekognition's Face of each stored face, with the UserId of those associated to a user."""
        owners = self.users.face_users(collection_id, [s.face_id for s in stored]) if stored else {}
        return [self._face(s, owners.get(s.face_id)) for s in stored]

    def list_faces(self, collection_id, next_token=None, max_results=1000):
        self._collection(collection_id)
        limit = _limit(max_results)
        faces = self.store.list_faces(collection_id, decode_token(next_token), limit + 1)
        answer = {"Faces": self.faces_of(collection_id, faces[:limit]), "FaceModelVersion": self.version}
        if len(faces) > limit:
            answer["NextToken"] = encode_token(faces[limit - 1].face_id)
        return answer

    def delete_faces(self, collection_id, face_ids):
        self._collection(collection_id)
        if not 1 <= len(face_ids) <= 4096:
            raise Validation("FaceIds must hold 1 to 4096 ids")
        gone = self.store.delete_faces(collection_id, list(face_ids))
        missing = [i for i in face_ids if i not in set(gone)]
        return {
            "DeletedFaces": gone,
            "UnsuccessfulFaceDeletions": [{"FaceId": i, "Reasons": ["FACE_NOT_FOUND"]} for i in missing],
        }

    # search
    def _nearest(self, info, query: np.ndarray, k: int):
        """(face ids, float32 vectors, {face id: stored face fetched on the way}) of the k nearest."""
        index = self.index.collection(info)
        with index.lock:
            found = index.nearest(query, k, lambda ids: self.store.get_faces(info.collection_id, ids))
        vectors = np.stack([v for _, v, _ in found]) if found else np.zeros((0, len(query)), np.float32)
        return [i for i, _, _ in found], vectors, {i: s for i, _, s in found if s is not None}

    def _matches(self, info, query: np.ndarray, threshold: float, max_faces: int, exclude: str | None = None):
        """Faces of the collection (`info`: as _collection answered it) at or above the threshold."""
        chosen, stored = self._chosen(info, query, threshold, max_faces, exclude)
        collection_id = info.collection_id
        missing = [i for i, _ in chosen if i not in stored]
        stored.update({f.face_id: f for f in self.store.get_faces(collection_id, missing)} if missing else {})
        found = [stored[i] for i, _ in chosen if i in stored]
        faces = {f["FaceId"]: f for f in self.faces_of(collection_id, found)}
        return [{"Similarity": round(sim, 4), "Face": faces[i]} for i, sim in chosen if i in faces]

    def _chosen(self, info, query: np.ndarray, threshold: float, max_faces: int, exclude: str | None):
        """([(face id, similarity)] at or above the threshold, best first; {face id: stored face} read on the way)."""
        if not 0 <= threshold <= 100:
            raise Validation("FaceMatchThreshold must be between 0 and 100")
        if not 1 <= max_faces <= 4096:
            raise Validation("MaxFaces must be between 1 and 4096")
        k = min(max_faces + 1, 64)
        while True:  # until the k-th nearest is below the threshold, or k covers what is asked
            ids, vectors, stored = self._nearest(info, query, k)
            sims = self.model.similarity(query, vectors)
            if len(ids) < k or sims[-1] < threshold or k > max_faces:
                break
            k = min(4 * k, max_faces + 1)
        keep = np.flatnonzero(sims >= threshold)
        keep = keep[np.argsort(-sims[keep], kind="stable")]
        return [(ids[i], float(sims[i])) for i in keep if ids[i] != exclude][:max_faces], stored

    def search_faces(self, collection_id, face_id, threshold=DEFAULT_THRESHOLD, max_faces=4096):
        info = self._collection(collection_id)
        found = self.store.get_faces(collection_id, [face_id])
        if not found:
            raise InvalidParameter(f"Face {face_id} is not in collection {collection_id}")
        matches = self._matches(info, found[0].embedding, threshold, max_faces, exclude=face_id)
        return {"SearchedFaceId": face_id, "FaceMatches": matches, "FaceModelVersion": self.version}

    def search_faces_many(self, collection_id, face_ids, threshold=DEFAULT_THRESHOLD, max_faces=4096):
        """The collection and the faces' embeddings read once for all, the index caught up once; each
        match lean ({Similarity, Face: {FaceId}}): the matched faces' other fields are not read."""
        info = self._collection(collection_id)
        found = {f.face_id: f.embedding for f in self.store.get_faces(collection_id, list(face_ids))}
        chosen = [self._chosen(info, found[i], threshold, max_faces, i)[0] if i in found else [] for i in face_ids]
        return [[{"Similarity": round(sim, 4), "Face": {"FaceId": i}} for i, sim in c] for c in chosen]

    def search_every_face_by_image(self, collection_id, image_bytes, threshold=DEFAULT_THRESHOLD, max_faces=4096):
        info = self._collection(collection_id)
        return [
            {
                "SearchedFaceBoundingBox": box_dict(face.box),
                "SearchedFaceConfidence": face.confidence,
                "FaceMatches": self._matches(info, face.embedding, threshold, max_faces),
                "FaceModelVersion": self.version,
            }
            for face in self.detect(image_bytes)
        ]

    def search_faces_by_image(
        self, collection_id, image_bytes, threshold=DEFAULT_THRESHOLD, max_faces=4096, quality_filter="NONE"
    ):
        info = self._collection(collection_id)
        check_quality_filter(quality_filter)
        faces = self.detect(image_bytes)
        if not faces:
            raise InvalidParameter(NO_FACE)
        face = faces[0]  # the largest face, as Rekognition; the filter applies to it
        if reasons(face, quality_filter):
            raise InvalidParameter(f"The largest face of the image does not pass QualityFilter {quality_filter}.")
        return {
            "SearchedFaceBoundingBox": box_dict(face.box),
            "SearchedFaceConfidence": face.confidence,
            "FaceMatches": self._matches(info, face.embedding, threshold, max_faces),
            "FaceModelVersion": self.version,
        }


def _check_collection_id(collection_id: str) -> None:
    if not isinstance(collection_id, str) or not COLLECTION_ID.match(collection_id):
        raise Validation("CollectionId must match [a-zA-Z0-9_.\\-]+ (1-255 characters)")


def _limit(max_results: int | None) -> int:
    if max_results is None:
        return 1000
    if not 0 <= max_results <= 4096:
        raise Validation("MaxResults must be between 0 and 4096")
    return max_results or 1000
