"""Where the local engine keeps collections and embeddings.

`EmbeddingStore` is the contract; `MemoryStore` keeps everything in this process (for the
engine used alone and for benchmarks). The app's database store lives outside the engine
(indexing/engine_store.py) so that the engine never imports Django.
"""
from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import numpy as np

from .errors import ResourceAlreadyExists, ResourceNotFound


@dataclass
class StoredFace:
    face_id: str
    image_id: str
    external_image_id: str | None
    box: dict  # Rekognition BoundingBox
    confidence: float
    embedding: np.ndarray  # float32, L2-normalised


@dataclass
class CollectionInfo:
    collection_id: str
    model: str
    created: float  # epoch seconds
    face_count: int
    version: int  # changes whenever the collection's faces change


class EmbeddingStore(ABC):
    """Collections of faces with embeddings. Lists are ordered by id for stable paging."""

    @abstractmethod
    def create_collection(self, collection_id: str, model: str) -> CollectionInfo:
        """Raises ResourceAlreadyExists."""

    @abstractmethod
    def get_collection(self, collection_id: str) -> CollectionInfo | None: ...

    @abstractmethod
    def delete_collection(self, collection_id: str) -> bool: ...

    @abstractmethod
    def list_collections(self, after: str | None, limit: int) -> list[CollectionInfo]: ...

    @abstractmethod
    def add_faces(self, collection_id: str, faces: list[StoredFace]) -> None: ...

    @abstractmethod
    def list_faces(self, collection_id: str, after: str | None, limit: int) -> list[StoredFace]: ...

    @abstractmethod
    def get_faces(self, collection_id: str, face_ids: list[str]) -> list[StoredFace]: ...

    @abstractmethod
    def delete_faces(self, collection_id: str, face_ids: list[str]) -> list[str]:
        """The ids that were there and are now gone."""

    @abstractmethod
    def load_vectors(self, collection_id: str) -> tuple[list[str], np.ndarray]:
        """Every face id of the collection and its embeddings as one (n, dim) float32 matrix."""


@dataclass
class _MemoryCollection:
    info: CollectionInfo
    faces: dict[str, StoredFace] = field(default_factory=dict)


class MemoryStore(EmbeddingStore):
    """Everything in a dict; thread-safe; gone with the process."""

    def __init__(self):
        self._collections: dict[str, _MemoryCollection] = {}
        self._lock = threading.Lock()

    def _get(self, collection_id: str) -> _MemoryCollection:
        try:
            return self._collections[collection_id]
        except KeyError:
            raise ResourceNotFound(f"The collection id: {collection_id} does not exist") from None

    def create_collection(self, collection_id, model):
        with self._lock:
            if collection_id in self._collections:
                raise ResourceAlreadyExists(f"The collection id: {collection_id} already exists")
            info = CollectionInfo(collection_id, model, time.time(), 0, 0)
            self._collections[collection_id] = _MemoryCollection(info)
            return info

    def get_collection(self, collection_id):
        c = self._collections.get(collection_id)
        return c.info if c else None

    def delete_collection(self, collection_id):
        with self._lock:
            return self._collections.pop(collection_id, None) is not None

    def list_collections(self, after, limit):
        ids = sorted(i for i in self._collections if after is None or i > after)[:limit]
        return [self._collections[i].info for i in ids]

    def add_faces(self, collection_id, faces):
        with self._lock:
            c = self._get(collection_id)
            for f in faces:
                c.faces[f.face_id] = f
            self._touch(c)

    def list_faces(self, collection_id, after, limit):
        c = self._get(collection_id)
        ids = sorted(i for i in c.faces if after is None or i > after)[:limit]
        return [c.faces[i] for i in ids]

    def get_faces(self, collection_id, face_ids):
        c = self._get(collection_id)
        return [c.faces[i] for i in face_ids if i in c.faces]

    def delete_faces(self, collection_id, face_ids):
        with self._lock:
            c = self._get(collection_id)
            gone = [i for i in face_ids if c.faces.pop(i, None) is not None]
            self._touch(c)
            return gone

    def load_vectors(self, collection_id):
        c = self._get(collection_id)
        ids = list(c.faces)
        if not ids:
            return [], np.zeros((0, 0), np.float32)
        return ids, np.stack([c.faces[i].embedding for i in ids]).astype(np.float32, copy=False)

    @staticmethod
    def _touch(c: _MemoryCollection) -> None:
        c.info.version += 1
        c.info.face_count = len(c.faces)
