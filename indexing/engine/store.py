"""Where the local engine keeps collections and embeddings.

`EmbeddingStore` is the contract; `MemoryStore` keeps everything in this process (for the
engine used alone and for benchmarks). The app's database store lives outside the engine
(indexing/face_index/store.py) so that the engine never imports Django.
"""

from __future__ import annotations

import bisect
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

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
    version: int  # the collection's change sequence: +1 per face added or deleted (see changes_since)
    pruned: int = 0  # deletions up to this number are no longer in the change feed (prune_tombstones)


@dataclass
class Changes:
    """What happened to a collection after a sequence number (`EmbeddingStore.changes_since`).

    Every face added gets the next sequence number of its collection, every deletion too (a
    tombstone); the collection's version is the last number given.
    """

    seqs: np.ndarray  # int64, ascending: the numbers of the faces added (and still there)
    face_ids: list[str]
    vectors: np.ndarray  # (len(seqs), dim) float32
    removed: dict[str, int]  # face id -> the number it was added with, for each face deleted
    seq: int  # the number these changes reach: ask again from there
    more: bool = False  # the limit cut the answer short: ask again from `seq`


def changes(added: list[tuple[int, str, np.ndarray]], removed: dict[str, int], seq: int, more: bool) -> Changes:
    vectors = (
        np.stack([v for _, _, v in added]).astype(np.float32, copy=False) if added else np.zeros((0, 0), np.float32)
    )
    return Changes(np.array([s for s, _, _ in added], np.int64), [i for _, i, _ in added], vectors, removed, seq, more)


def trim_where_complete(adds: list, tombs: list, limit: int | None) -> tuple[list, list, int | None]:
    """Both lists (ascending by their first item, each at most `limit` long) cut where neither can
    miss an event: at the last number of a list that reached the limit. Returns that number too
    (None when neither list reached the limit: nothing was trimmed)."""
    full = [lst[-1][0] for lst in (adds, tombs) if limit is not None and len(lst) >= limit]
    if not full:
        return adds, tombs, None
    upto = min(full)
    return [a for a in adds if a[0] <= upto], [t for t in tombs if t[0] <= upto], upto


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

    def get_vectors(self, collection_id: str, face_ids: list[str]) -> Iterable[tuple[str, np.ndarray]]:
        """(face id, float32 embedding) of these faces (the ones present, in any order): get_faces
        without the rest, for many faces at once."""
        return [(f.face_id, f.embedding) for f in self.get_faces(collection_id, face_ids)]

    @abstractmethod
    def delete_faces(self, collection_id: str, face_ids: list[str]) -> list[str]:
        """The ids that were there and are now gone."""

    @abstractmethod
    def load_vectors(self, collection_id: str) -> tuple[list[str], np.ndarray]:
        """Every face id of the collection and its embeddings as one (n, dim) float32 matrix."""

    @abstractmethod
    def changes_since(self, collection_id: str, seq: int, limit: int | None = None) -> Changes:
        """The faces added and deleted after `seq` (at most `limit` of each; `more` says to ask again)."""

    @abstractmethod
    def prune_tombstones(self, collection_id: str, upto: int) -> int:
        """Forgets the deletions numbered up to `upto` (how many); `CollectionInfo.pruned` says so:
        a reader holding the collection at an older number must start again from 0 or a file."""

    @property
    def users(self) -> UserStore:
        """The users of this store's collections (Rekognition's user operations)."""
        raise NotImplementedError("this store keeps no users")


@dataclass
class _MemoryCollection:
    info: CollectionInfo
    faces: dict[str, StoredFace] = field(default_factory=dict)
    seq_of: dict[str, int] = field(default_factory=dict)  # face id -> its sequence number
    added: list[tuple[int, str]] = field(default_factory=list)  # (seq, face id), ascending
    tombs: list[tuple[int, str, int]] = field(default_factory=list)  # (seq, face id, its added seq)

    def next_seq(self) -> int:
        self.info.version += 1
        return self.info.version


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
                if f.face_id in c.faces:  # replaced: the old one is deleted
                    c.tombs.append((c.next_seq(), f.face_id, c.seq_of[f.face_id]))
                c.faces[f.face_id] = f
                c.seq_of[f.face_id] = c.next_seq()
                c.added.append((c.info.version, f.face_id))
            c.info.face_count = len(c.faces)

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
            gone = [i for i in dict.fromkeys(face_ids) if c.faces.pop(i, None) is not None]
            for i in gone:
                c.tombs.append((c.next_seq(), i, c.seq_of.pop(i)))
            c.info.face_count = len(c.faces)
            return gone

    def load_vectors(self, collection_id):
        c = self._get(collection_id)
        ids = list(c.faces)
        if not ids:
            return [], np.zeros((0, 0), np.float32)
        return ids, np.stack([c.faces[i].embedding for i in ids]).astype(np.float32, copy=False)

    def changes_since(self, collection_id, seq, limit=None):
        with self._lock:
            c = self._get(collection_id)
            start = bisect.bisect_right(c.added, (seq, "\uffff"))
            adds = [(s, i) for s, i in c.added[start:] if c.seq_of.get(i) == s]
            tombs = c.tombs[bisect.bisect_right(c.tombs, (seq, "\uffff", 0)) :]
            adds, tombs = (adds[:limit], tombs[:limit]) if limit is not None else (adds, tombs)
            adds, tombs, upto = trim_where_complete(adds, tombs, limit)
            added = [(s, i, c.faces[i].embedding) for s, i in adds]
            return changes(added, {i: s for _, i, s in tombs}, upto or c.info.version, upto is not None)

    def prune_tombstones(self, collection_id, upto):
        with self._lock:
            c = self._get(collection_id)
            kept = [t for t in c.tombs if t[0] > upto]
            pruned, c.tombs = len(c.tombs) - len(kept), kept
            c.info.pruned = max(c.info.pruned, upto)
            return pruned

    @cached_property
    def users(self) -> MemoryUserStore:
        return MemoryUserStore(self)


@dataclass
class StoredUser:
    user_id: str
    face_count: int
    request_token: str | None = None

    @property
    def status(self) -> str:
        return "ACTIVE" if self.face_count else "CREATED"


class UserStore(ABC):
    """Users of a collection and which faces they hold (a face belongs to at most one user).

    A store raises ResourceNotFound for a missing collection; faces deleted from the collection
    leave their user with them.
    """

    @abstractmethod
    def add_user(self, collection_id: str, user_id: str, request_token: str | None) -> bool:
        """False if the user already exists (nothing changes then)."""

    @abstractmethod
    def get_user(self, collection_id: str, user_id: str) -> StoredUser | None: ...

    @abstractmethod
    def remove_user(self, collection_id: str, user_id: str) -> bool: ...

    @abstractmethod
    def list_users(self, collection_id: str, after: str | None, limit: int) -> list[StoredUser]: ...

    @abstractmethod
    def count_users(self, collection_id: str) -> int: ...

    @abstractmethod
    def face_users(self, collection_id: str, face_ids: list[str] | None = None) -> dict[str, str]:
        """face id -> user id for the associated faces among `face_ids` (None: every one)."""

    @abstractmethod
    def set_face_user(self, collection_id: str, user_id: str, face_ids: list[str], associate: bool) -> None:
        """Associate the faces with the user, or (associate=False) remove them from it."""


@dataclass
class _MemoryUser:
    request_token: str | None
    faces: set[str] = field(default_factory=set)


class MemoryUserStore(UserStore):
    """The users of a MemoryStore's collections, kept beside it (`MemoryStore.users`)."""

    def __init__(self, store: MemoryStore):
        self._store = store
        self._users: dict[str, tuple[_MemoryCollection, dict[str, _MemoryUser]]] = {}

    def _of(self, collection_id: str) -> dict[str, _MemoryUser]:
        c = self._store._get(collection_id)
        owner, users = self._users.get(collection_id, (None, {}))
        if owner is not c:  # a collection deleted and created again starts with no user
            users = {}
            self._users[collection_id] = (c, users)
        for u in users.values():  # faces deleted from the collection leave their user
            u.faces &= c.faces.keys()
        return users

    def add_user(self, collection_id, user_id, request_token):
        with self._store._lock:
            users = self._of(collection_id)
            if user_id in users:
                return False
            users[user_id] = _MemoryUser(request_token)
            return True

    def get_user(self, collection_id, user_id):
        u = self._of(collection_id).get(user_id)
        return StoredUser(user_id, len(u.faces), u.request_token) if u else None

    def remove_user(self, collection_id, user_id):
        with self._store._lock:
            return self._of(collection_id).pop(user_id, None) is not None

    def list_users(self, collection_id, after, limit):
        users = self._of(collection_id)
        ids = sorted(i for i in users if after is None or i > after)[:limit]
        return [StoredUser(i, len(users[i].faces), users[i].request_token) for i in ids]

    def count_users(self, collection_id):
        return len(self._of(collection_id))

    def face_users(self, collection_id, face_ids=None):
        wanted = None if face_ids is None else set(face_ids)
        return {
            f: user_id
            for user_id, u in self._of(collection_id).items()
            for f in u.faces
            if wanted is None or f in wanted
        }

    def set_face_user(self, collection_id, user_id, face_ids, associate):
        with self._store._lock:
            faces = self._of(collection_id)[user_id].faces
            faces.update(face_ids) if associate else faces.difference_update(face_ids)
