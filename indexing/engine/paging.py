"""NextToken for paged answers: an opaque spelling of the last id of the page."""

from __future__ import annotations

import base64

from .errors import InvalidPaginationToken


def encode_token(last_id: str) -> str:
    return base64.urlsafe_b64encode(f"after:{last_id}".encode()).decode()


def decode_token(token: str | None) -> str | None:
    """The id to page after, None for the first page; InvalidPaginationToken for a token we never made."""
    if not token:
        return None
    try:
        decoded = base64.urlsafe_b64decode(token.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        decoded = ""
    if not decoded.startswith("after:"):
        raise InvalidPaginationToken("Invalid pagination token")
    return decoded[len("after:") :]
