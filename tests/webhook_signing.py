"""The headers of a webhook call signed as a tagging client signs it (HMAC-SHA256 of "<timestamp>.<body>")."""

from __future__ import annotations

import hashlib
import hmac
import time


def signed(secret: str, body: bytes, when: int | None = None) -> dict:
    """Signed now, or at `when` (Unix seconds)."""
    when = int(time.time()) if when is None else when
    digest = hmac.new(secret.encode(), f"{when}.".encode() + body, hashlib.sha256).hexdigest()
    return {"HTTP_X_FACEAPP_TIMESTAMP": str(when), "HTTP_X_FACEAPP_SIGNATURE": f"sha256={digest}"}
