"""Chunked, resumable uploads of export ZIPs: each chunk is appended to a file, never held whole in memory.

Protocol (static/js/instagram_import.js): POST {name, size} opens an upload (or finds the unfinished
one of the same name and size, to resume); PUT ?offset=N appends the request body at N, which must be
the bytes received so far; GET says how many bytes arrived. The views stream the body in small blocks.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from ..models import InstagramUpload

BLOCK = 1024 * 1024


class UploadRefused(Exception):
    """`str(e)` is for the person uploading."""


def upload_open(owner, name: str, size: int) -> InstagramUpload:
    if not name.lower().endswith(".zip"):
        raise UploadRefused("Upload the ZIP files of your Instagram data download.")
    if size <= 0 or size > settings.INSTAGRAM_UPLOAD_MAX_BYTES:
        raise UploadRefused(f"A ZIP may hold at most {settings.INSTAGRAM_UPLOAD_MAX_BYTES} bytes.")
    resumable = InstagramUpload.objects.filter(owner=owner, file_name=name[:255], size=size, run__isnull=True)
    upload = resumable.order_by("-updated_at").first()
    if upload and os.path.exists(upload.path) and os.path.getsize(upload.path) >= upload.received:
        return upload
    folder = Path(settings.INSTAGRAM_UPLOAD_DIR) / str(owner.pk)
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(16)
    path = folder / f"{key}.zip"
    path.touch()
    return InstagramUpload.objects.create(key=key, owner=owner, file_name=name[:255], size=size, path=str(path))


def upload_append(upload: InstagramUpload, offset: int, stream, length: int) -> int:
    """Write `length` bytes of `stream` at `offset` (== bytes received); return the bytes received now."""
    if offset != upload.received:
        raise UploadRefused(f"expected offset {upload.received}")
    if length <= 0 or length > settings.INSTAGRAM_UPLOAD_CHUNK_BYTES or offset + length > upload.size:
        raise UploadRefused("bad chunk length")
    written = 0
    with open(upload.path, "r+b") as f:
        f.seek(offset)
        f.truncate()  # what a dropped connection left past the last recorded chunk
        while written < length:
            block = stream.read(min(BLOCK, length - written))
            if not block:
                break
            f.write(block)
            written += len(block)
    if written != length:  # the connection dropped mid-chunk: the client resends it from `received`
        raise UploadRefused("the chunk arrived incomplete")
    if not InstagramUpload.objects.filter(pk=upload.pk, received=offset).update(received=F("received") + written):
        raise UploadRefused("another request wrote this chunk")
    return offset + written


def uploads_complete(owner, keys: list[str]) -> list[InstagramUpload]:
    uploads = list(InstagramUpload.objects.filter(owner=owner, key__in=keys, run__isnull=True))
    if not uploads or len(uploads) != len(set(keys)):
        raise UploadRefused("Those uploads are unknown or already imported.")
    unfinished = [u.file_name for u in uploads if u.received != u.size]
    if unfinished:
        raise UploadRefused(f"Not fully uploaded yet: {', '.join(unfinished)}.")
    return uploads


def abandoned_uploads_delete() -> int:
    """Delete the uploads nobody finished or imported within INSTAGRAM_UPLOAD_KEEP_HOURS, with their files.

    An upload resumes while it is kept; after that its partial ZIP is only disk taken. Returns how many went.
    """
    cutoff = timezone.now() - timedelta(hours=settings.INSTAGRAM_UPLOAD_KEEP_HOURS)
    stale = list(InstagramUpload.objects.filter(run__isnull=True, updated_at__lt=cutoff))
    for upload in stale:
        Path(upload.path).unlink(missing_ok=True)
    InstagramUpload.objects.filter(pk__in=[u.pk for u in stale]).delete()
    return len(stale)
