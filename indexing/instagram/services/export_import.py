"""Import Instagram data downloads: every photo of the export becomes a photo of the Instagram album.

An import (InstagramImport) reads its ZIPs (export_reader: zip-bomb limits, no extraction), records
one InstagramExportItem per media file (unique per owner by `uri`), stores each through
photos.services.photo_create (unique per owner by content hash), which queues its indexing to the
workers. Importing the same export again, or a later one that overlaps, adds nothing twice.
Consent holds: with face indexing off the photos are stored but wait, unindexed, as uploads do.
"""

from __future__ import annotations

import logging
import os
import posixpath
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ...account.services import indexing_allowed
from ...models import Album, Photo
from ...photos import services
from ..export_reader import ExportRefused, Limits, open_export
from ..models import InstagramExportItem, InstagramImport
from ..tasks import instagram_import_export
from .crawl import ALBUM_TITLE

log = logging.getLogger(__name__)
State, Status = InstagramImport.State, InstagramExportItem.Status
UNFINISHED_PHOTO = (Photo.Status.PENDING, Photo.Status.PROCESSING)
INDEX_BATCH = 8  # photos an indexing task takes (a few: the first faces show early, every worker gets some)


def import_create(owner, paths: list[str], uploaded: bool, run_now: bool = False) -> InstagramImport:
    """Record an import of these ZIPs; queue it to the workers once committed (or run it here)."""
    with transaction.atomic():
        run = InstagramImport.objects.create(owner=owner, files=[str(p) for p in paths], uploaded=uploaded)
        if not run_now:
            pk = run.pk
            transaction.on_commit(lambda: instagram_import_export.apply_async((pk,), queue=settings.INSTAGRAM_QUEUE))
    if run_now:
        import_run(run.pk, seconds=float("inf"))
        run.refresh_from_db()
    return run


def limits() -> Limits:
    return Limits(
        max_entries=settings.INSTAGRAM_EXPORT_MAX_ENTRIES,
        max_uncompressed=settings.INSTAGRAM_EXPORT_MAX_UNCOMPRESSED,
        max_ratio=settings.INSTAGRAM_EXPORT_MAX_RATIO,
        max_media_bytes=settings.UPLOAD_MAX_BYTES,
    )


def import_run(import_id: int, seconds: float | None = None) -> None:
    """Read the export, then store its photos for up to `seconds` (default INSTAGRAM_WALK_SECONDS, within the
    task time limit) and hand over to a fresh task; safe to run twice (stored items are skipped)."""
    first = InstagramImport.objects.filter(pk=import_id, state=State.QUEUED).update(
        state=State.READING, heartbeat_at=timezone.now()
    )
    run = InstagramImport.objects.select_related("owner").filter(pk=import_id, state=State.READING).first()
    if run is None:
        return
    deadline = time.monotonic() + (settings.INSTAGRAM_WALK_SECONDS if seconds is None else seconds)
    try:
        with open_export(run.files, limits()) as export:
            if first or not InstagramExportItem.objects.filter(run=run).exists():
                _record_items(run, export.media())
            finished = _store_items(run, export, deadline)
    except ExportRefused as e:
        InstagramImport.objects.filter(pk=run.pk).update(state=State.FAILED, message=str(e), finished_at=timezone.now())
        finished = True
    if not finished:
        instagram_import_export.apply_async((run.pk,), queue=settings.INSTAGRAM_QUEUE)
        return
    if run.uploaded:
        _remove_files(run.files)
    InstagramImport.objects.filter(pk=run.pk, state=State.READING).update(
        state=State.INDEXING, heartbeat_at=timezone.now()
    )
    import_finish_if_done(run.pk)


def _record_items(run: InstagramImport, items) -> None:
    owner, uris = run.owner, [i.uri for i in items]
    known = set(
        InstagramExportItem.objects.filter(owner=owner, uri__in=uris, status=Status.DONE).values_list("uri", flat=True)
    )
    InstagramExportItem.objects.bulk_create(
        [
            InstagramExportItem(
                owner=owner, run=run, uri=i.uri[:500], kind=i.kind, taken_at=i.taken_at, caption=i.caption
            )
            for i in items
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    # items a previous import could not store are tried again by this one
    InstagramExportItem.objects.filter(owner=owner, uri__in=uris).exclude(status=Status.DONE).update(
        run=run, status=Status.PENDING, failure_reason=""
    )
    InstagramImport.objects.filter(pk=run.pk).update(posts_seen=len(items), already_imported=len(known))


def _store_items(run: InstagramImport, export, deadline: float) -> bool:
    """Store pending items, newest first, until the deadline; True when none is left. Their indexing is
    queued INDEX_BATCH photos a task (Celery's own work once a batch, not once a photo); the items are
    marked done once their batch is queued, so a run that dies before stores them again (the same photo,
    found by its bytes) and queues them."""
    album = services.album_get_or_create(run.owner, ALBUM_TITLE, Album.Source.INSTAGRAM)
    pending = InstagramExportItem.objects.filter(run=run, status=Status.PENDING).order_by("-taken_at", "pk")
    ids = list(pending.values_list("pk", flat=True))  # no cursor stays open while photos are written
    stored: list[tuple[InstagramExportItem, Photo]] = []
    try:
        for n, pk in enumerate(ids):
            if time.monotonic() >= deadline:
                return False
            stored += _store_item(run, export, album, pk)
            if len(stored) >= INDEX_BATCH:
                _queue(stored)
                stored = []
            if n % 50 == 0:
                InstagramImport.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())
    finally:
        _queue(stored)
    return True


def _store_item(run: InstagramImport, export, album: Album, pk: int) -> list[tuple[InstagramExportItem, Photo]]:
    """Store one pending item: [(item, its photo)] (created, or found by its bytes); [] when it failed or is done."""
    item = InstagramExportItem.objects.filter(pk=pk, status=Status.PENDING).first()
    if item is None:
        return []
    data = export.read(item.uri)
    if data is None:
        _item_done(item, None, "The export does not hold this media file (or it is too large).")
        return []
    try:
        source = services.PhotoSource(taken_at=item.taken_at)
        created = services.photo_create(
            run.owner, data, posixpath.basename(item.uri), album=album, source=source, then=services.After.STORE
        )
    except services.PhotoRejected as e:
        _item_done(item, None, str(e))
        return []
    return [(item, created.photo)]


def _queue(stored: list[tuple[InstagramExportItem, Photo]]) -> None:
    """Queue the indexing of these items' waiting photos as one task, then mark the items done."""
    services.photos_enqueue_batch(list({p.pk: p for _, p in stored if p.status == Photo.Status.PENDING}))
    for item, photo in stored:
        _item_done(item, photo, "")


def _item_done(item: InstagramExportItem, photo: Photo | None, reason: str) -> None:
    status = Status.DONE if photo is not None else Status.FAILED
    InstagramExportItem.objects.filter(pk=item.pk).update(photo=photo, status=status, failure_reason=reason)


def _remove_files(paths: list[str]) -> None:
    for path in paths:
        try:
            os.remove(path)
        except OSError:
            pass


def import_finish_if_done(import_id: int) -> bool:
    """Mark an indexing import done once none of its photos waits (or its owner's face indexing is off)."""
    run = InstagramImport.objects.select_related("owner").filter(pk=import_id, state=State.INDEXING).first()
    if run is None:
        return False
    waiting = InstagramExportItem.objects.filter(
        run=run, photo__status__in=UNFINISHED_PHOTO
    ) | InstagramExportItem.objects.filter(run=run, status=Status.PENDING)
    if waiting.exists() and indexing_allowed(run.owner):
        return False
    message = "" if indexing_allowed(run.owner) else "Face indexing is off: the photos are stored, not indexed."
    return bool(
        InstagramImport.objects.filter(pk=run.pk, state=State.INDEXING).update(
            state=State.DONE, message=message, finished_at=timezone.now()
        )
    )
