"""Helpers of the account tests: a user's files, their rows in every owned model."""

from __future__ import annotations

from pathlib import Path

from indexing.account import owned
from indexing.account import services as account


def user_files(media_root: Path, user) -> list[str]:
    return sorted(
        str(p.relative_to(media_root))
        for prefix in account.USER_FILE_PREFIXES
        for p in (media_root / prefix / str(user.pk)).rglob("*")
        if p.is_file()
    )


def owned_counts(user) -> dict[str, int]:
    """Rows of every owned model that still hold something of the user (kept rows count when not emptied)."""
    counts = {}
    for link in owned.owner_links():
        rows = link.rows_of(user)
        if link.label in owned.KEPT_SCRUBBED:
            rows = rows.exclude(**owned.KEPT_SCRUBBED[link.label][0])
        counts[link.label] = counts.get(link.label, 0) + rows.count()
    return counts
