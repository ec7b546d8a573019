"""Every table of the app: albums, photos and faces of a user, and the local engine's own store."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from .engine.local import EXTERNAL_IMAGE_ID


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


# Instagram: the connected account's state, each crawl of its feed, and each media item seen.
# The OAuth token itself stays in social_django's UserSocialAuth.extra_data, server-side only.

class InstagramAccount(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="instagram_account")
    instagram_id = models.CharField(max_length=64)
    username = models.CharField(max_length=150, blank=True)
    needs_relogin = models.BooleanField(default=False)
    problem = models.TextField(blank=True, help_text="What Instagram said when it refused the token")
    connected_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"@{self.username}" if self.username else self.instagram_id


class InstagramCrawl(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        WALKING = "walking", "Reading the feed"
        WAITING = "waiting", "Waiting for Instagram's rate limit"
        INDEXING = "indexing", "Indexing the last photos"
        DONE = "done", "Done"
        STOPPED = "stopped", "Stopped: log in with Instagram again"
        FAILED = "failed", "Failed"

    ACTIVE = (State.QUEUED, State.WALKING, State.WAITING, State.INDEXING)

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="instagram_crawls")
    full = models.BooleanField(default=True, help_text="The first crawl of the account (later ones fetch new posts)")
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED, db_index=True)
    next_url = models.TextField(blank=True, help_text="The next page to read (the token is never stored here)")
    posts_total = models.PositiveIntegerField(default=0, help_text="media_count from /me when the crawl began")
    posts_seen = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0, help_text="Failed attempts at the current page in a row")
    throttled = models.PositiveIntegerField(default=0, help_text="Times Instagram's rate limit made it wait")
    resume_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["owner"], condition=Q(state__in=[
            "queued", "walking", "waiting", "indexing"]), name="one_active_instagram_crawl_per_owner")]

    def __str__(self):
        return f"crawl {self.pk} of {self.owner} ({self.state})"


class InstagramMedia(models.Model):
    """One image of the feed: a single photo, a carousel child or a video's thumbnail."""

    class Status(models.TextChoices):
        PENDING = "pending", "To fetch"
        DONE = "done", "Fetched"
        FAILED = "failed", "Could not be fetched"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    media_id = models.CharField(max_length=64)
    post_id = models.CharField(max_length=64, help_text="The carousel's id for its children, else the media id")
    media_type = models.CharField(max_length=20)
    url = models.TextField(blank=True, help_text="Instagram's signed CDN link (it expires within days)")
    crawl = models.ForeignKey(InstagramCrawl, null=True, on_delete=models.SET_NULL, related_name="media",
                              help_text="The crawl that fetches it")
    seen_by = models.ForeignKey(InstagramCrawl, null=True, on_delete=models.SET_NULL, related_name="+",
                                help_text="The last crawl that found it in the feed")
    photo = models.ForeignKey(Photo, null=True, blank=True, on_delete=models.SET_NULL, related_name="instagram_media")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    failure_reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "media_id"], name="instagram_media_unique_per_owner")]
        indexes = [models.Index(fields=["crawl", "status"])]

    def __str__(self):
        return self.media_id
