"""The last step of social-auth's login pipeline (SOCIAL_AUTH_PIPELINE in faceapp/settings.py)."""

from __future__ import annotations

from ..account.services import face_indexing_enable
from .accounts import PROVIDER
from .crawl import crawl_start
from .models import InstagramAccount


def on_instagram_login(backend, user=None, social=None, response=None, **kwargs):
    """Last step of the login pipeline: note the account, clear any relogin flag, start or resume the crawl."""
    if backend.name != PROVIDER or user is None or social is None:
        return None
    profile = (response or {}).get("user") or {}
    account, _ = InstagramAccount.objects.update_or_create(
        user=user,
        defaults={
            "instagram_id": social.uid,
            "username": profile.get("username", ""),
            "needs_relogin": False,
            "problem": "",
        },
    )
    if backend.strategy.session_get("face_indexing") == "on":  # ticked beside the login button
        face_indexing_enable(user)
    crawl_start(user)
    return {"instagram_account": account}
