"""Stored files of photos and faces: the one file-name cleaner, and deleting files from storage. Outside the
domains, as sealed.py, for every room deletes files (people's edits, erasure, moderation) and the photos
pipeline imports people's auto-tagging: a photos module here would close a cycle."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from django.core.files.storage import default_storage


def clean_file_name(name: str, *, portable: bool = False, default: str = "photo") -> str:
    """The last part of a sent file name, without control characters: kept as text only, never as a path.

    portable: also only letters, digits, `.`, `-`, `_` and spaces, at most 100 characters (for names
    written into an archive or a download), instead of any printable text up to 255.
    """
    base = PurePosixPath(name.replace("\\", "/")).name
    if portable:
        base = re.sub(r"[^\w.\- ]", "_", base).strip(" .")
        return base[:100] or default
    base = "".join(ch for ch in base if ch.isprintable())[:255]
    return base if base.strip(". ") else default


def files_delete(fields) -> None:
    """Delete these file fields' files from their storage (empty fields are skipped)."""
    for field in fields:
        if field and field.name:
            field.storage.delete(field.name)


def tree_delete(path: str) -> None:
    """Delete every file under `path` in the default storage."""
    try:
        folders, files = default_storage.listdir(path)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        default_storage.delete(f"{path}/{name}")
    for name in folders:
        tree_delete(f"{path}/{name}")
