"""The last step of social-auth's login pipeline (SOCIAL_AUTH_PIPELINE in faceapp/settings.py)."""

from __future__ import annotations

from django.urls import reverse
from social_core.exceptions import AuthAssociationError
from social_core.pipeline.social_auth import social_user

from ...account.services import face_indexing_enable
from ..models import InstagramAccount
from .accounts import PROVIDER
from .crawl import crawl_start

LINKED_ELSEWHERE_KEY = "instagram_linked_elsewhere"  # the Instagram username, for the page that explains


def social_user_or_explain(backend, uid, user=None, *args, **kwargs):
    """social-auth's social_user step; when a signed-in user connects an Instagram account that another
    faceapp account holds, it lands on a page saying so in plain words instead of the bare error."""
    try:
        return social_user(backend, uid, user, *args, **kwargs)
    except AuthAssociationError:
        if backend.name != PROVIDER:
            raise
        profile = (kwargs.get("response") or {}).get("user") or {}
        backend.strategy.session_set(LINKED_ELSEWHERE_KEY, str(profile.get("username") or ""))
        return backend.strategy.redirect(reverse("instagram_linked_elsewhere"))


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
