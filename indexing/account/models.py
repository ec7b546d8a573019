"""Per-account choices: consent to face indexing."""

from __future__ import annotations

from django.conf import settings
from django.db import models


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
