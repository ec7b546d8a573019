"""The owner's people settings row (its match threshold), made on first use."""

from __future__ import annotations

from django.conf import settings

from ..models import PeopleSettings


def people_settings(owner, *, lock: bool = False) -> PeopleSettings:
    """The owner's people settings (made on first use); `lock`: the row locked until the transaction ends."""
    rows = PeopleSettings.objects.select_for_update() if lock else PeopleSettings.objects
    found, _ = rows.get_or_create(owner=owner, defaults={"match_threshold": settings.FACE_MATCH_THRESHOLD})
    return found
