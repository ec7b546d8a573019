"""Meta's signed_request: `<sig>.<payload>`, both base64url without padding; sig = HMAC-SHA256(payload, app secret).

Plain Python. Meta posts it to the deauthorize and data deletion callbacks (../shared/reference/instagram.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json

ALGORITHM = "HMAC-SHA256"


class BadSignedRequest(Exception):
    """Not a signed_request of this app: `str(e)` says why (for the log, never the secret)."""


def b64url_decode(part: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise BadSignedRequest("not base64url") from None


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def sign(payload: dict, secret: str) -> str:
    """A signed_request as Meta makes it (the emulator and the tests send these)."""
    body = b64url_encode(json.dumps({"algorithm": ALGORITHM, **payload}).encode())
    signature = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    return f"{b64url_encode(signature)}.{body}"


def parse(signed_request: str, secret: str) -> dict:
    """The payload of a signed_request made with `secret`, or BadSignedRequest."""
    if not secret:
        raise BadSignedRequest("no app secret is configured")
    if not signed_request or signed_request.count(".") != 1:
        raise BadSignedRequest("missing or malformed signed_request")
    encoded_sig, body = signed_request.split(".")
    signature = b64url_decode(encoded_sig)
    try:
        payload = json.loads(b64url_decode(body))
    except (ValueError, UnicodeDecodeError):
        raise BadSignedRequest("the payload is not JSON") from None
    if not isinstance(payload, dict) or str(payload.get("algorithm", "")).upper() != ALGORITHM:
        raise BadSignedRequest("unknown algorithm")
    expected = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(signature, expected):
        raise BadSignedRequest("bad signature (another app's, or tampered)")
    if not str(payload.get("user_id") or "").strip():
        raise BadSignedRequest("no user_id")
    return payload
