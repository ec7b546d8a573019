"""Every table of the app: albums, photos and faces of a user, and the local engine's own store."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

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
        constraints = [
            models.UniqueConstraint(fields=["owner", "content_hash"], name="photo_content_unique_per_owner"),
            models.UniqueConstraint(
                fields=["owner", "source_id"], condition=~Q(source_id=""), name="photo_source_unique_per_owner"
            ),
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
    seq = models.PositiveBigIntegerField(default=0, help_text="Its collection's change sequence when added")

    class Meta:
        indexes = [models.Index(fields=["collection", "seq"], name="engine_face_seq")]

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


class ApiAccessKey(models.Model):
    """An access key to the Rekognition-compatible API of the local engine (SigV4, as AWS keys).

    An owner key reaches its owner's collections only; a service key reaches every collection (for
    an app server that uses this engine for all its users). See indexing/rekognition_api/.
    """

    class Scope(models.TextChoices):
        OWNER = "owner", "The owner's collections"
        SERVICE = "service", "Every collection (an app server using this engine)"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100, blank=True)
    access_key_id = models.CharField(max_length=32, unique=True)
    # SigV4 is verified by recomputing the signature, which needs the secret itself, not a hash:
    # it is kept encrypted with a key derived from SECRET_KEY (rotating SECRET_KEY voids every key).
    secret_encrypted = models.TextField()
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.OWNER)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.access_key_id

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AccountSettings(models.Model):
    """Per-account choices. Face indexing is off until the user switches it on (faces are biometric data)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_settings")
    face_indexing_enabled = models.BooleanField(default=False)
    face_indexing_consented_at = models.DateTimeField(null=True, blank=True)
    face_indexing_withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "account settings"

    def __str__(self):
        return f"settings of {self.user}"


class Report(models.Model):
    """A user's report of a photo or a face, waiting for a moderator's decision."""

    class Reason(models.TextChoices):
        NOT_ME = "not_me", "This is someone who did not agree to be here"
        INAPPROPRIATE = "inappropriate", "Inappropriate or offensive"
        ILLEGAL = "illegal", "Illegal content"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DISMISSED = "dismissed", "Dismissed"
        HIDDEN = "hidden", "Photo hidden"
        DELETED = "deleted", "Photo deleted"
        BANNED = "banned", "Owner banned"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reports_made"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="reports_received",
        help_text="Whose photo or face it is",
    )
    photo = models.ForeignKey(Photo, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    face = models.ForeignKey(Face, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    reason = models.CharField(max_length=20, choices=Reason.choices, default=Reason.OTHER)
    note = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"report {self.pk} ({self.get_status_display()})"


class ModerationAction(models.Model):
    """Who did what to what, when: one row per moderator action, written by indexing.moderation."""

    class Kind(models.TextChoices):
        PHOTO_HIDE = "photo_hide", "Hid a photo"
        PHOTO_UNHIDE = "photo_unhide", "Unhid a photo"
        PHOTO_REINDEX = "photo_reindex", "Re-indexed a photo"
        PHOTO_DELETE = "photo_delete", "Deleted a photo with its faces"
        FACE_REMOVE = "face_remove", "Removed a face from the collection"
        USER_BAN = "user_ban", "Banned a user"
        USER_UNBAN = "user_unban", "Lifted a ban"
        USER_DELETE = "user_delete", "Deleted a user and their data"
        REPORT_DISMISS = "report_dismiss", "Dismissed a report"

    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=40, choices=Kind.choices)
    target_type = models.CharField(max_length=40)
    target_id = models.CharField(max_length=64)
    target_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.moderator} {self.get_action_display().lower()} ({self.target_type} {self.target_id})"


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
    engine_face_ids = models.JSONField(
        default=list, blank=True, help_text="The faces associated with its engine user at the last sync"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = [Lower("name"), "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "owner", condition=Q(merged_into__isnull=True), name="person_name_unique_per_owner"
            )
        ]

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
