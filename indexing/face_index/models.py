"""The local engine's own tables (what Rekognition keeps on its side), used by store.py (DatabaseStore)."""

from __future__ import annotations

from django.db import models


class EngineCollection(models.Model):
    """The local engine's collection (what Rekognition keeps on its side)."""

    collection_id = models.CharField(max_length=255, unique=True)
    model = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveBigIntegerField(default=0)
    face_count = models.PositiveIntegerField(default=0)
    pruned_seq = models.PositiveBigIntegerField(
        default=0, help_text="Tombstones up to this sequence number were pruned from the change feed"
    )

    def __str__(self):
        return self.collection_id


class EngineFace(models.Model):
    """A face in the local engine: its embedding as float32 bytes, with the model that made it."""

    collection = models.ForeignKey(EngineCollection, on_delete=models.CASCADE, related_name="faces")
    face_id = models.CharField(max_length=64, unique=True)
    image_id = models.CharField(max_length=64)
    external_image_id = models.CharField(max_length=255, blank=True)
    box = models.JSONField()
    confidence = models.FloatField()
    model = models.CharField(max_length=64)
    embedding = models.BinaryField()
    seq = models.PositiveBigIntegerField(default=0, help_text="Its collection's change sequence when added")

    class Meta:
        indexes = [
            models.Index(fields=["collection", "seq"], name="engine_face_seq"),
            # a collection's faces by id (get, delete, list in order): without it SQLite answers
            # `collection_id = ? AND face_id IN (...)` by scanning the whole collection (1 s at 100k)
            models.Index(fields=["collection", "face_id"], name="engine_face_collection_id"),
        ]

    def __str__(self):
        return self.face_id


class EngineFaceTombstone(models.Model):
    """A face deleted from a local engine collection, in the change feed (EngineCollection.version)."""

    collection = models.ForeignKey(EngineCollection, on_delete=models.CASCADE, related_name="tombstones")
    face_id = models.CharField(max_length=64)
    face_seq = models.PositiveBigIntegerField(help_text="The sequence number the face was added with")
    seq = models.PositiveBigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["collection", "seq"], name="engine_tombstone_seq")]


class EngineUser(models.Model):
    """A user of the local engine (Rekognition's CreateUser): a named group of faces of a collection."""

    collection = models.ForeignKey(EngineCollection, on_delete=models.CASCADE, related_name="users")
    user_id = models.CharField(max_length=128)
    request_token = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["collection", "user_id"], name="engine_user_unique")]

    def __str__(self):
        return self.user_id


class EngineUserFace(models.Model):
    """A face associated with an engine user (a face belongs to at most one user)."""

    user = models.ForeignKey(EngineUser, on_delete=models.CASCADE, related_name="faces")
    face = models.OneToOneField(EngineFace, on_delete=models.CASCADE, related_name="user_link")
