"""The local engine's EmbeddingStore on the app's database (EngineCollection, EngineFace)."""
from __future__ import annotations

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import F

from .engine.errors import ResourceAlreadyExists, ResourceNotFound
from .engine.store import CollectionInfo, EmbeddingStore, StoredFace
from .models import EngineCollection, EngineFace


def _info(c: EngineCollection) -> CollectionInfo:
    return CollectionInfo(c.collection_id, c.model, c.created_at.timestamp(), c.face_count, c.version)


def _stored(f: EngineFace) -> StoredFace:
    return StoredFace(f.face_id, f.image_id, f.external_image_id or None, f.box, f.confidence,
                      np.frombuffer(bytes(f.embedding), dtype=np.float32))


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
        return EngineCollection.objects.filter(collection_id=collection_id).delete()[0] > 0

    def list_collections(self, after, limit):
        qs = EngineCollection.objects.order_by("collection_id")
        if after:
            qs = qs.filter(collection_id__gt=after)
        return [_info(c) for c in qs[:limit]]

    def add_faces(self, collection_id, faces):
        with transaction.atomic():
            c = self._row(collection_id)
            EngineFace.objects.bulk_create(
                EngineFace(collection=c, face_id=f.face_id, image_id=f.image_id,
                           external_image_id=f.external_image_id or "", box=f.box, confidence=f.confidence,
                           model=c.model, embedding=np.asarray(f.embedding, np.float32).tobytes())
                for f in faces)
            self._touch(c)

    def list_faces(self, collection_id, after, limit):
        qs = self._row(collection_id).faces.order_by("face_id")
        if after:
            qs = qs.filter(face_id__gt=after)
        return [_stored(f) for f in qs[:limit]]

    def get_faces(self, collection_id, face_ids):
        by_id = {f.face_id: f for f in self._row(collection_id).faces.filter(face_id__in=face_ids)}
        return [_stored(by_id[i]) for i in face_ids if i in by_id]

    def delete_faces(self, collection_id, face_ids):
        with transaction.atomic():
            c = self._row(collection_id)
            qs = c.faces.filter(face_id__in=face_ids)
            gone = list(qs.values_list("face_id", flat=True))
            qs.delete()
            self._touch(c)
        return gone

    def load_vectors(self, collection_id):
        rows = list(self._row(collection_id).faces.order_by("id").values_list("face_id", "embedding"))
        if not rows:
            return [], np.zeros((0, 0), np.float32)
        matrix = np.frombuffer(b"".join(bytes(e) for _, e in rows), dtype=np.float32).reshape(len(rows), -1)
        return [i for i, _ in rows], matrix

    @staticmethod
    def _touch(c: EngineCollection) -> None:
        EngineCollection.objects.filter(pk=c.pk).update(
            version=F("version") + 1, face_count=EngineFace.objects.filter(collection=c).count())
