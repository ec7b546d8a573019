"""Reads for a user's own account page."""

from __future__ import annotations

from django.db.models import prefetch_related_objects

from ..photos.models import Face, Photo
from .models import AccountSettings


def account_summary(user) -> dict:
    """The user's settings row (None before any choice) and how many photos and faces they can see."""
    return {
        "account": AccountSettings.objects.filter(user=user).first(),
        "photo_count": Photo.objects.visible_to(user).count(),
        "face_count": Face.objects.visible_to(user).count(),
    }


def face_indexing_on_for_page(user) -> bool:
    """services.indexing_allowed for a page, which also shows the user's settings (base.html's consent
    banner): the row loaded once onto `user` (or its absence), one query instead of two."""
    prefetch_related_objects([user], "account_settings")
    try:
        return user.is_active and user.account_settings.face_indexing_enabled
    except AccountSettings.DoesNotExist:
        return False
