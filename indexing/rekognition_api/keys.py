"""Access keys of the Rekognition-compatible API: issued to a user, shown once, revocable."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import ApiAccessKey

TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often per key


@dataclass
class IssuedKey:
    key: ApiAccessKey
    secret: str  # shown to the owner once; only its encrypted form is stored


def _fernet() -> Fernet:
    digest = salted_hmac("faceapp.rekognition_api.keys", "secret encryption", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def key_issue(owner, name: str = "", scope: str = ApiAccessKey.Scope.OWNER) -> IssuedKey:
    access_key_id = "FACE" + base64.b32encode(secrets.token_bytes(10)).decode()  # 20 characters, as AWS's
    secret = secrets.token_urlsafe(30)  # 40 characters, as AWS's
    key = ApiAccessKey.objects.create(
        owner=owner,
        name=name[:100],
        access_key_id=access_key_id,
        scope=scope,
        secret_encrypted=_fernet().encrypt(secret.encode()).decode(),
    )
    return IssuedKey(key, secret)


def key_revoke(key: ApiAccessKey) -> None:
    ApiAccessKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def key_active(access_key_id: str) -> ApiAccessKey | None:
    """The key with this id if it is usable: not revoked, its owner an active user."""
    return (
        ApiAccessKey.objects.select_related("owner")
        .filter(access_key_id=access_key_id, revoked_at__isnull=True, owner__is_active=True)
        .first()
    )


def key_secret(key: ApiAccessKey) -> str | None:
    """The secret, or None when it cannot be decrypted (SECRET_KEY changed since it was issued)."""
    try:
        return _fernet().decrypt(key.secret_encrypted.encode()).decode()
    except InvalidToken:
        return None


def key_touch(key: ApiAccessKey) -> None:
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > TOUCH_EVERY:
        ApiAccessKey.objects.filter(pk=key.pk).update(last_used_at=now)
