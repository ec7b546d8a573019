"""Access keys to the Rekognition-compatible API."""

from __future__ import annotations

from django.conf import settings
from django.db import models


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
