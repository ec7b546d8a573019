"""Reports of users and the record of what moderators did."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ..photos.models import Face, Photo


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
