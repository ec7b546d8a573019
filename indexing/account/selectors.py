"""Reads for a user's own account page."""

from __future__ import annotations

from ..photos.models import Face, Photo
from .models import AccountSettings


def account_summary(user) -> dict:
    """The user's settings row (None before any choice) and how many photos and faces they can see."""
    return {
        "account": AccountSettings.objects.filter(user=user).first(),
        "photo_count": Photo.objects.visible_to(user).count(),
        "face_count": Face.objects.visible_to(user).count(),
    }
