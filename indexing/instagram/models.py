"""Instagram: the connected account's state, each crawl of its feed, and each media item seen.

The OAuth token itself stays in social_django's UserSocialAuth.extra_data, server-side only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..photos.models import Photo


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
        constraints = [
            models.UniqueConstraint(
                fields=["owner"],
                condition=Q(state__in=["queued", "walking", "waiting", "indexing"]),
                name="one_active_instagram_crawl_per_owner",
            )
        ]

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
    crawl = models.ForeignKey(
        InstagramCrawl,
        null=True,
        on_delete=models.SET_NULL,
        related_name="media",
        help_text="The crawl that fetches it",
    )
    seen_by = models.ForeignKey(
        InstagramCrawl,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The last crawl that found it in the feed",
    )
    photo = models.ForeignKey(Photo, null=True, blank=True, on_delete=models.SET_NULL, related_name="instagram_media")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    failure_reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "media_id"], name="instagram_media_unique_per_owner")]
        indexes = [models.Index(fields=["crawl", "status"])]

    def __str__(self):
        return self.media_id


class InstagramImport(models.Model):
    """One import of Instagram data-download ZIPs (several parts of one export are one import)."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        READING = "reading", "Reading the export"
        INDEXING = "indexing", "Indexing the photos"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    ACTIVE = (State.QUEUED, State.READING, State.INDEXING)

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="instagram_imports")
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED, db_index=True)
    files = models.JSONField(default=list, help_text="Paths of the ZIP files, removed once read when uploaded")
    uploaded = models.BooleanField(default=False, help_text="The ZIPs were uploaded (deleted after the import)")
    posts_seen = models.PositiveIntegerField(default=0)
    already_imported = models.PositiveIntegerField(default=0, help_text="Media files a previous import took")
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"import {self.pk} of {self.owner} ({self.state})"


class InstagramExportItem(models.Model):
    """One media file of a data download: a post's photo, a carousel child, a story, a profile photo."""

    class Status(models.TextChoices):
        PENDING = "pending", "To store"
        DONE = "done", "Stored"
        FAILED = "failed", "Could not be stored"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(InstagramImport, null=True, on_delete=models.SET_NULL, related_name="items")
    uri = models.CharField(max_length=500, help_text="The media file's path in the export (its only stable name)")
    kind = models.CharField(max_length=20, help_text="posts, archived_posts, stories or profile_photos")
    taken_at = models.DateTimeField(null=True, blank=True, help_text="creation_timestamp")
    caption = models.TextField(blank=True)
    photo = models.ForeignKey(
        Photo, null=True, blank=True, on_delete=models.SET_NULL, related_name="instagram_export_items"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    failure_reason = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "uri"], name="instagram_export_item_unique_uri")]
        indexes = [models.Index(fields=["run", "status"])]

    def __str__(self):
        return self.uri


class InstagramUpload(models.Model):
    """A ZIP arriving in chunks (resumable): its bytes are appended to `path` as they come."""

    key = models.CharField(max_length=64, unique=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    received = models.PositiveBigIntegerField(default=0)
    path = models.CharField(max_length=500)
    run = models.ForeignKey(InstagramImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.file_name} ({self.received}/{self.size})"


class InstagramDeletion(models.Model):
    """A data deletion request Meta sent (signed_request); its status page is public by confirmation code."""

    class State(models.TextChoices):
        PENDING = "pending", "In progress"
        DONE = "done", "Done"

    confirmation_code = models.CharField(max_length=64, unique=True)
    instagram_user_id = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    photos_deleted = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.confirmation_code
