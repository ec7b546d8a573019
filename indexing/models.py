"""Every table of the app: albums, photos and faces of a user, and the local engine's own store."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class Album(models.Model):
    class Source(models.TextChoices):
        UPLOAD = "upload", "Uploaded"
        FOLDER = "folder", "Imported from a folder"
        INSTAGRAM = "instagram", "Instagram"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="albums")
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.UPLOAD)
    featured_photo = models.ForeignKey("Photo", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["owner", "title"], name="album_title_unique_per_owner")]

    def __str__(self):
        return self.title


def _original_path(photo: "Photo", filename: str) -> str:
    # Unguessable: the content hash, not the user's file name, names the stored file.
    return f"originals/{photo.owner_id}/{photo.content_hash[:2]}/{photo.content_hash}{_suffix(photo.format)}"


def _thumbnail_path(photo: "Photo", filename: str) -> str:
    return f"thumbnails/{photo.owner_id}/{photo.content_hash[:2]}/{photo.content_hash}.jpg"


def _crop_path(face: "Face", filename: str) -> str:
    return f"faces/{face.photo.owner_id}/{face.engine_face_id}.jpg"


def _suffix(image_format: str) -> str:
    return {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif", "HEIF": ".heic"}.get(image_format, "")


class Photo(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be indexed"
        PROCESSING = "processing", "Indexing"
        INDEXED = "indexed", "Indexed"
        FAILED = "failed", "Failed"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="photos")
    album = models.ForeignKey(Album, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos")
    original = models.FileField(upload_to=_original_path, max_length=300)
    thumbnail = models.ImageField(upload_to=_thumbnail_path, max_length=300, blank=True)
    file_name = models.CharField(max_length=255, help_text="The name the file had when it came in")
    format = models.CharField(max_length=10)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveBigIntegerField()
    taken_at = models.DateTimeField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the original bytes")
    source_id = models.CharField(max_length=255, blank=True, help_text="e.g. the Instagram media id")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    failure_reason = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    indexed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "content_hash"], name="photo_content_unique_per_owner"),
            models.UniqueConstraint(fields=["owner", "source_id"], condition=~Q(source_id=""),
                                    name="photo_source_unique_per_owner"),
        ]

    def __str__(self):
        return self.file_name

    @property
    def external_image_id(self) -> str:
        return f"photo-{self.pk}"


class Face(models.Model):
    """A face of a photo as indexed in the owner's engine collection."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="faces")
    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="faces")
    engine_face_id = models.CharField(max_length=64, unique=True)
    left = models.FloatField()
    top = models.FloatField()
    width = models.FloatField()
    height = models.FloatField()
    confidence = models.FloatField()
    quality = models.FloatField()
    crop = models.ImageField(upload_to=_crop_path, max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # People (indexing/people.py): who this face is; unconfirmed = suggested by auto-tagging.
    person = models.ForeignKey("Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="faces")
    person_confirmed = models.BooleanField(default=False)
    person_similarity = models.FloatField(null=True, blank=True)
    cluster = models.ForeignKey("FaceCluster", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="faces")

    class Meta:
        ordering = ["left", "id"]

    def __str__(self):
        return f"face {self.pk} of {self.photo}"

    @property
    def box(self) -> dict:
        return {"Left": self.left, "Top": self.top, "Width": self.width, "Height": self.height}


class EngineCollection(models.Model):
    """The local engine's collection (what Rekognition keeps on its side)."""

    collection_id = models.CharField(max_length=255, unique=True)
    model = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveBigIntegerField(default=0)
    face_count = models.PositiveIntegerField(default=0)

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

    def __str__(self):
        return self.face_id


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


class Person(models.Model):
    """Someone a user named; their faces point here (Face.person). Merged people are kept for undo."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=100)
    cover_face = models.ForeignKey(Face, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    hidden = models.BooleanField(default=False)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    engine_face_ids = models.JSONField(default=list, blank=True,
                                       help_text="The faces associated with its engine user at the last sync")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = [Lower("name"), "id"]
        constraints = [models.UniqueConstraint(Lower("name"), "owner", condition=Q(merged_into__isnull=True),
                                               name="person_name_unique_per_owner")]

    def __str__(self):
        return self.name

    @property
    def engine_user_id(self) -> str:
        return f"person-{self.pk}"


class FaceCluster(models.Model):
    """A group of unnamed faces that look alike, made by the clustering job; named in one step."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="face_clusters")
    hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"group {self.pk}"


class FaceDecision(models.Model):
    """What a user said about a face, kept by photo and box so that re-indexing the photo keeps it."""

    class Kind(models.TextChoices):
        REJECTED = "rejected", "Not this person"
        NOT_A_FACE = "not_a_face", "Not a face"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="face_decisions")
    face = models.ForeignKey(Face, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    left = models.FloatField()
    top = models.FloatField()
    width = models.FloatField()
    height = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)


class PeopleEvent(models.Model):
    """One change to people (naming, merge, split, ...) with what undoing it needs."""

    class Action(models.TextChoices):
        NAME = "name", "Named"
        ASSIGN = "assign", "Assigned faces"
        ACCEPT = "accept", "Accepted suggestions"
        REJECT = "reject", "Rejected suggestions"
        RENAME = "rename", "Renamed"
        MERGE = "merge", "Merged"
        SPLIT = "split", "Split off faces"
        HIDE = "hide", "Hid or showed"
        COVER = "cover", "Chose the cover face"
        NOT_A_FACE = "not_a_face", "Marked not a face"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    summary = models.CharField(max_length=300)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class PeopleSettings(models.Model):
    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="people_settings")
    match_threshold = models.FloatField(help_text="Auto-tag a face with a person from this similarity (0-100)")
    clustering_due = models.BooleanField(default=False, help_text="New faces wait for the grouping job")


class LivingAlbum(models.Model):
    """Every photo of some people, as a saved search: it fills itself as photos are indexed."""

    class Rule(models.TextChoices):
        ANY = "any", "Any of these people"
        ALL = "all", "All of these people together"
        ONLY = "only", "Only these people, nobody else"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="living_albums")
    title = models.CharField(max_length=200)
    people = models.ManyToManyField(Person, related_name="living_albums")
    rule = models.CharField(max_length=10, choices=Rule.choices, default=Rule.ANY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self):
        return self.title


class TaggingCredential(models.Model):
    """A user's key to the tagging API (stored hashed) and the secret that signs their webhooks."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tagging_credential")
    token_hash = models.CharField(max_length=64, unique=True)
    token_hint = models.CharField(max_length=12)
    webhook_id = models.CharField(max_length=32, unique=True)
    webhook_secret = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)


class WebhookDelivery(models.Model):
    """A signed notification received: refused when seen before, then fetched and tagged by a task."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        DONE = "done", "Indexed and tagged"
        FAILED = "failed", "Failed"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    signature = models.CharField(max_length=64)
    url = models.URLField(max_length=2000)
    label = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    detail = models.TextField(blank=True)
    photo = models.ForeignKey(Photo, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "signature"], name="webhook_delivery_once")]
