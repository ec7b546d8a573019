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
