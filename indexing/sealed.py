"""Secrets kept at rest encrypted (webhook signing secrets; the API keys do the same in
rekognition_api/keys.py): Fernet with a key derived from SECRET_KEY and a purpose, so rotating
SECRET_KEY voids them (their owners make new ones) and one purpose's token never opens another's."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from django.utils.crypto import salted_hmac


def _fernet(purpose: str) -> Fernet:
    digest = salted_hmac(f"faceapp.sealed.{purpose}", "secret encryption", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(secret: str, purpose: str) -> str:
    return _fernet(purpose).encrypt(secret.encode()).decode()


def unseal(token: str, purpose: str) -> str | None:
    """The secret, or None when it cannot be opened (SECRET_KEY changed, or not a sealed value)."""
    try:
        return _fernet(purpose).decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None


# OAuth tokens in social_django's UserSocialAuth.extra_data: sealed in the database, open in memory,
# so social-core (login, refresh) and instagram/accounts.token_for read them as before.
SOCIAL_TOKEN_KEYS = ("access_token", "refresh_token")
SOCIAL_TOKENS = "social_auth.tokens"
MARK = "sealed:"


def _sealed_tokens(extra_data: dict) -> dict:
    sealed = dict(extra_data)
    for key in SOCIAL_TOKEN_KEYS:
        value = sealed.get(key)
        if isinstance(value, str) and value and not value.startswith(MARK):
            sealed[key] = MARK + seal(value, SOCIAL_TOKENS)
    return sealed


def _opened_tokens(extra_data: dict) -> dict:
    opened = dict(extra_data)
    for key in SOCIAL_TOKEN_KEYS:
        value = opened.get(key)
        if isinstance(value, str) and value.startswith(MARK):
            opened[key] = unseal(value[len(MARK) :], SOCIAL_TOKENS)  # None: SECRET_KEY changed, log in again
    return opened


def _seal_before_save(sender, instance, **kwargs) -> None:
    if isinstance(instance.extra_data, dict):
        instance.extra_data = _sealed_tokens(instance.extra_data)


def _open_in_memory(sender, instance, **kwargs) -> None:
    if isinstance(instance.extra_data, dict):
        instance.extra_data = _opened_tokens(instance.extra_data)


def connect_social_tokens() -> None:
    """Seal UserSocialAuth tokens on every save and open them on every load (called by IndexingConfig.ready)."""
    from django.db.models.signals import post_init, post_save, pre_save
    from social_django.models import UserSocialAuth

    pre_save.connect(_seal_before_save, sender=UserSocialAuth, dispatch_uid="faceapp.seal_social_tokens")
    post_save.connect(_open_in_memory, sender=UserSocialAuth, dispatch_uid="faceapp.open_social_tokens_saved")
    post_init.connect(_open_in_memory, sender=UserSocialAuth, dispatch_uid="faceapp.open_social_tokens_loaded")
