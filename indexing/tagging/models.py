"""The tagging API: a user's credential and the webhook deliveries received."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ..photos.models import Photo


class TaggingCredential(models.Model):
    """A user's key to the tagging API (stored hashed) and the secret that signs their webhooks (stored sealed)."""

    owner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tagging_credential")
    token_hash = models.CharField(max_length=64, unique=True)
    token_hint = models.CharField(max_length=12)
    webhook_id = models.CharField(max_length=32, unique=True)
    webhook_secret = models.CharField(
        max_length=255, help_text="Sealed (indexing/sealed.py): shown once, when made, then only used to check"
    )
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
