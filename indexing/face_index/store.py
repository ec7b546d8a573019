"""The local engine's EmbeddingStore on the app's database (EngineCollection, EngineFace)."""

from __future__ import annotations

import json

import numpy as np
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F

from ..engine.errors import ResourceAlreadyExists, ResourceNotFound
from ..engine.store import (
    CollectionInfo,
    EmbeddingStore,
    StoredFace,
    StoredUser,
    UserStore,
    changes,
    trim_where_complete,
)
from .models import EngineCollection, EngineFace, EngineFaceTombstone, EngineUser, EngineUserFace


def _info(c: EngineCollection) -> CollectionInfo:
    return CollectionInfo(c.collection_id, c.model, c.created_at.timestamp(), c.face_count, c.version, c.pruned_seq)


def _stored(f: EngineFace) -> StoredFace:
    return StoredFace(
        f.face_id,
        f.image_id,
        f.external_image_id or None,
        f.box,
        f.confidence,
        np.frombuffer(bytes(f.embedding), dtype=np.float32),
    )


READ_THROUGH = 20_000  # get_vectors of more faces than this reads the collection through


# Every search reads faces by id twice (the query face, then its candidates) and their engine users
# once. Through the ORM, building those queries cost more CPU than the search itself (0.7 ms against
# 0.17 ms of SQL for 16 faces); the two reads below are plain SQL, the same on SQLite and PostgreSQL.
def _by_id_sql(columns: str) -> str:
    return (
        f"SELECT c.collection_id, f.face_id, {columns}"
        f" FROM {EngineFace._meta.db_table} f INNER JOIN {EngineCollection._meta.db_table} c ON c.id = f.collection_id"
        " WHERE f.face_id IN ({})"
    )


_FACES_BY_ID = _by_id_sql("f.image_id, f.external_image_id, f.box, f.confidence, f.embedding")
_VECTORS_BY_ID = _by_id_sql("f.embedding")
_USERS_OF_FACES = (
    "SELECT f.face_id, u.user_id"
    f" FROM {EngineUserFace._meta.db_table} uf INNER JOIN {EngineFace._meta.db_table} f ON f.id = uf.face_id"
    f" INNER JOIN {EngineUser._meta.db_table} u ON u.id = uf.user_id"
    f" INNER JOIN {EngineCollection._meta.db_table} c ON c.id = u.collection_id"
    " WHERE f.face_id IN ({}) AND c.collection_id = %s"
)


def _select(sql: str, values: list, *more) -> list[tuple]:
    """The rows of `sql` (one `{}` for the IN list of `values`, then the `more` parameters)."""
    if not values:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql.format(", ".join(["%s"] * len(values))), [*values, *more])
        return cursor.fetchall()


VECTOR = ("face_id", "embedding")


def _stored_values(face_id, image_id, external_image_id, box, confidence, embedding) -> StoredFace:
    box = json.loads(box) if isinstance(box, str) else box  # JSON text from plain SQL
    return StoredFace(
        face_id, image_id, external_image_id or None, box, confidence, np.frombuffer(bytes(embedding), np.float32)
    )


class DatabaseStore(EmbeddingStore):
    def _row(self, collection_id: str) -> EngineCollection:
        try:
            return EngineCollection.objects.get(collection_id=collection_id)
        except EngineCollection.DoesNotExist:
            raise ResourceNotFound(f"The collection id: {collection_id} does not exist") from None

    def create_collection(self, collection_id, model):
        try:
            with transaction.atomic():
                return _info(EngineCollection.objects.create(collection_id=collection_id, model=model))
        except IntegrityError:
            raise ResourceAlreadyExists(f"The collection id: {collection_id} already exists") from None

    def get_collection(self, collection_id):
        c = EngineCollection.objects.filter(collection_id=collection_id).first()
        return _info(c) if c else None

    def delete_collection(self, collection_id):
        """The collection with its faces, tombstones and users. Its row is locked first and the rows that
        cascade are collected inside the same transaction: collected before it (QuerySet.delete), a face
        a worker added in between stayed behind and the commit failed on its foreign key (an erasure
        while indexing)."""
        with transaction.atomic():
            found = EngineCollection.objects.select_for_update().filter(collection_id=collection_id).first()
            return found is not None and found.delete()[0] > 0

    def list_collections(self, after, limit):
        qs = EngineCollection.objects.order_by("collection_id")
        if after:
            qs = qs.filter(collection_id__gt=after)
        return [_info(c) for c in qs[:limit]]

    def _locked(self, collection_id: str) -> EngineCollection:
        """The collection's row, locked until the transaction ends: sequence numbers commit in order."""
        try:
            return EngineCollection.objects.select_for_update().get(collection_id=collection_id)
        except EngineCollection.DoesNotExist:
            raise ResourceNotFound(f"The collection id: {collection_id} does not exist") from None

    def add_faces(self, collection_id, faces):
        with transaction.atomic():
            c = self._locked(collection_id)
            EngineFace.objects.bulk_create(
                EngineFace(
                    collection=c,
                    face_id=f.face_id,
                    image_id=f.image_id,
                    external_image_id=f.external_image_id or "",
                    box=f.box,
                    confidence=f.confidence,
                    model=c.model,
                    embedding=np.asarray(f.embedding, np.float32).tobytes(),
                    seq=c.version + n,
                )
                for n, f in enumerate(faces, start=1)
            )
            self._touch(c, len(faces), len(faces))

    def list_faces(self, collection_id, after, limit):
        qs = self._row(collection_id).faces.order_by("face_id")
        if after:
            qs = qs.filter(face_id__gt=after)
        return [_stored(f) for f in qs[:limit]]

    def _by_id(self, sql: str, collection_id: str, face_ids) -> dict[str, tuple]:
        """{face id: (face id, the other columns of `sql`)} of these faces of the collection. Read by
        face_id alone (unique), the collection checked on the rows: with both in one WHERE, SQLite scans
        the whole collection through its collection_id index (it keeps no statistics)."""
        wanted = list(dict.fromkeys(face_ids))
        found = {r[1]: r[1:] for r in _select(sql, wanted) if r[0] == collection_id}
        if len(found) < len(wanted):
            self._row(collection_id)  # ResourceNotFound when the collection is gone
        return found

    def get_faces(self, collection_id, face_ids):
        by_id = self._by_id(_FACES_BY_ID, collection_id, face_ids)
        return [_stored_values(*by_id[i]) for i in face_ids if i in by_id]

    def get_vectors(self, collection_id, face_ids):
        wanted = set(face_ids)
        if len(wanted) < READ_THROUGH:
            found = self._by_id(_VECTORS_BY_ID, collection_id, wanted).values()
            yield from ((i, np.frombuffer(bytes(e), np.float32)) for i, e in found)
            return
        rows = self._row(collection_id).faces.values_list(*VECTOR).iterator(chunk_size=2000)  # no 100k parameters
        yield from ((i, np.frombuffer(bytes(e), np.float32)) for i, e in rows if i in wanted)

    def delete_faces(self, collection_id, face_ids):
        with transaction.atomic():
            c = self._locked(collection_id)
            qs = c.faces.filter(face_id__in=face_ids)
            gone = dict(qs.values_list("face_id", "seq"))
            qs.delete()
            EngineFaceTombstone.objects.bulk_create(
                EngineFaceTombstone(collection=c, face_id=i, face_seq=s, seq=c.version + n)
                for n, (i, s) in enumerate(gone.items(), start=1)
            )
            self._touch(c, len(gone), -len(gone))
        return list(gone)

    def load_vectors(self, collection_id):
        rows = list(self._row(collection_id).faces.order_by("id").values_list("face_id", "embedding"))
        if not rows:
            return [], np.zeros((0, 0), np.float32)
        matrix = np.frombuffer(b"".join(bytes(e) for _, e in rows), dtype=np.float32).reshape(len(rows), -1)
        return [i for i, _ in rows], matrix

    def changes_since(self, collection_id, seq, limit=None):
        c = self._row(collection_id)  # read before the events: they hold at least every number up to it
        adds = c.faces.filter(seq__gt=seq).order_by("seq").values_list("seq", "face_id", "embedding")
        tombs = c.tombstones.filter(seq__gt=seq).order_by("seq").values_list("seq", "face_id", "face_seq")
        adds, tombs = (list(adds[:limit]), list(tombs[:limit])) if limit is not None else (list(adds), list(tombs))
        adds, tombs, upto = trim_where_complete(adds, tombs, limit)
        added = [(s, i, np.frombuffer(bytes(e), dtype=np.float32)) for s, i, e in adds]
        reached = max([c.version, seq] + [a[0] for a in adds] + [t[0] for t in tombs])
        return changes(added, {i: s for _, i, s in tombs}, upto or reached, upto is not None)

    def prune_tombstones(self, collection_id, upto):
        with transaction.atomic():
            c = self._locked(collection_id)
            pruned = c.tombstones.filter(seq__lte=upto).delete()[0]
            EngineCollection.objects.filter(pk=c.pk, pruned_seq__lt=upto).update(pruned_seq=upto)
        return pruned

    @property
    def users(self) -> DatabaseUserStore:
        return DatabaseUserStore(self)

    @staticmethod
    def _touch(c: EngineCollection, events: int, faces: int) -> None:
        """`events` more changes, `faces` more (or fewer) faces: counted, not recounted (a COUNT of the
        collection would cost every photo 5-10 ms at 100k faces); the row is locked, so it stays exact."""
        EngineCollection.objects.filter(pk=c.pk).update(
            version=F("version") + events, face_count=F("face_count") + faces
        )


class DatabaseUserStore(UserStore):
    """The local engine's users on the app's database (EngineUser, EngineUserFace)."""

    def __init__(self, store: DatabaseStore):
        self._store = store

    def _users(self, collection_id: str):
        return EngineUser.objects.filter(collection=self._store._row(collection_id))

    def add_user(self, collection_id, user_id, request_token):
        try:
            with transaction.atomic():
                EngineUser.objects.create(
                    collection=self._store._row(collection_id), user_id=user_id, request_token=request_token or ""
                )
        except IntegrityError:
            return False
        return True

    def get_user(self, collection_id, user_id):
        found = self._stored(self._users(collection_id).filter(user_id=user_id))
        return found[0] if found else None

    def remove_user(self, collection_id, user_id):
        return self._users(collection_id).filter(user_id=user_id).delete()[0] > 0

    def list_users(self, collection_id, after, limit):
        qs = self._users(collection_id).order_by("user_id")
        if after:
            qs = qs.filter(user_id__gt=after)
        return self._stored(qs[:limit])

    def count_users(self, collection_id):
        return self._users(collection_id).count()

    def face_users(self, collection_id, face_ids=None):
        if face_ids is None:
            qs = EngineUserFace.objects.filter(user__collection=self._store._row(collection_id))
            return dict(qs.values_list("face__face_id", "user__user_id"))
        return dict(_select(_USERS_OF_FACES, list(dict.fromkeys(face_ids)), collection_id))  # by the faces' ids

    def set_face_user(self, collection_id, user_id, face_ids, associate):
        with transaction.atomic():
            user = self._users(collection_id).get(user_id=user_id)
            if not associate:
                EngineUserFace.objects.filter(user=user, face__face_id__in=face_ids).delete()
                return
            faces = EngineFace.objects.filter(collection_id=user.collection_id, face_id__in=face_ids)
            EngineUserFace.objects.bulk_create(
                [EngineUserFace(user=user, face=f) for f in faces], ignore_conflicts=True
            )

    @staticmethod
    def _stored(qs) -> list[StoredUser]:
        return [StoredUser(u.user_id, u.n, u.request_token or None) for u in qs.annotate(n=Count("faces"))]
