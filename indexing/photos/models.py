"""Albums, photos and faces of a user (faces as indexed in the owner's engine collection)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce

from ..engine.local import EXTERNAL_IMAGE_ID

# When a photo was taken (EXIF or its source's date), else when it came in: the timelines' order.
TAKEN = Coalesce("taken_at", "created_at")
THUMBNAIL_SIZE = 640  # the long side of a thumbnail, in pixels (the pipeline makes it, the pages size it)


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


class PhotoQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PhotoQuerySet":
        """The photos `user` may see: their own, less those a moderator hid. Every read outside the admin
        starts here (views, selectors, JSON endpoints, exports)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner=user, hidden=False)


class FaceQuerySet(models.QuerySet):
    def visible_to(self, user) -> "FaceQuerySet":
        """The faces `user` may see: their own, in photos they may see (see PhotoQuerySet.visible_to)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner=user, photo__hidden=False)


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
    hidden = models.BooleanField(default=False, db_index=True, help_text="Hidden by a moderator: gone for its owner")

    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [  # a page of the newest photos reads 48 index entries, never sorts the whole library
            models.Index(fields=["owner", "-created_at", "-id"], name="photo_owner_newest"),
            models.Index(fields=["album", "-created_at", "-id"], name="photo_album_newest"),
            models.Index(fields=["-created_at", "-id"], name="photo_newest"),  # the admin's list
            # The timelines (selectors.by_date_taken, newest taken first): a page seeks its 48 entries. The
            # album's starts with the owner too, so that SQLite (no statistics) prefers it for an album over
            # the owner's; an album's capped photo count reads only it (hidden is in it).
            models.Index(F("owner"), TAKEN.desc(), F("id").desc(), name="photo_owner_timeline"),
            models.Index(
                F("owner"), F("album"), TAKEN.desc(), F("id").desc(), F("hidden"), name="photo_album_timeline"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["owner", "content_hash"], name="photo_content_unique_per_owner"),
            models.UniqueConstraint(
                fields=["owner", "source_id"], condition=~Q(source_id=""), name="photo_source_unique_per_owner"
            ),
        ]

    def __str__(self):
        return self.file_name

    @property
    def has_thumbnail(self) -> bool:
        """bool(self.thumbnail) without making the FieldFile that self.thumbnail is (~10 us, 48-50 a page)."""
        name = self.__dict__.get("thumbnail")  # the column's value, until the FieldFile replaces it
        return bool(self.thumbnail if name is None else name)

    @property
    def external_image_id(self) -> str:
        """The engine's ExternalImageId: the source id (e.g. the Instagram media id) when it is a valid one."""
        if self.source_id and EXTERNAL_IMAGE_ID.match(self.source_id):
            return self.source_id
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
    cluster = models.ForeignKey("FaceCluster", null=True, blank=True, on_delete=models.SET_NULL, related_name="faces")

    objects = FaceQuerySet.as_manager()

    class Meta:
        ordering = ["left", "id"]

    def __str__(self):
        return f"face {self.pk} of {self.photo}"

    @property
    def box(self) -> dict:
        return {"Left": self.left, "Top": self.top, "Width": self.width, "Height": self.height}
