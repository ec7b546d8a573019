"""Reads of a user's account: the rule of who may have faces indexed (written here once, as filters the
pipeline, the API and the services reuse) and the account page's summary."""

from __future__ import annotations

from django.db.models import Q, prefetch_related_objects

from ..models import AccountSettings, Face, Photo


def consent_given_filter(path: str = "") -> Q:
    """Users whose face indexing is on (banned or not); `path` reaches the user from another model
    ("owner__" on a Photo)."""
    return Q(**{f"{path}account_settings__face_indexing_enabled": True})


def indexing_allowed_filter(path: str = "") -> Q:
    """The rule: faceapp may index this user's faces now, for they are active (not banned) and their face
    indexing is on. As a filter on users, or through `path` on a model that leads to one ("owner__")."""
    return Q(**{f"{path}is_active": True}) & consent_given_filter(path)


def account_summary(user) -> dict:
    """The user's settings row (None before any choice) and how many photos and faces they can see."""
    return {
        "account": AccountSettings.objects.filter(user=user).first(),
        "photo_count": Photo.objects.visible_to(user).count(),
        "face_count": Face.objects.visible_to(user).count(),
    }


def face_indexing_on_for_page(user) -> bool:
    """services.indexing_allowed (the rule above) for a page, which also shows the user's settings
    (base.html's consent banner): the row loaded once onto `user` (or its absence), one query, not two."""
    prefetch_related_objects([user], "account_settings")
    try:
        return user.is_active and user.account_settings.face_indexing_enabled
    except AccountSettings.DoesNotExist:
        return False
