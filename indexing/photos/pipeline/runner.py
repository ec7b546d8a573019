"""The loop that runs the steps for one photo, and the claim that makes it safe to run twice."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ...account.selectors import indexing_allowed_filter
from ..models import Photo
from .context import Abandon, DecodedPhoto, PhotoContext, Stop
from .steps import STEPS, load_original, make_thumbnail

log = logging.getLogger(__name__)


def claim(photo_id: int) -> Photo | None:
    """Move the photo from pending to processing; None if another run has it (or it is done).

    A photo left `processing` by a worker that died is claimable again once the task time
    limit has passed. Photos of banned users, or of users whose face indexing is off, are not
    claimed: they wait, pending, until the ban is lifted or face indexing is switched on.
    """
    return _claim(photo_id)[0]


def _claim(photo_id: int, held: Photo | None = None) -> tuple[Photo | None, bool]:
    """(the claimed photo, whether it was taken over from a run that died) or (None, False). A photo the
    caller `held` (just created, with its owner) is not read again when the claim is a fresh one."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    # A subquery of its own, not a join: an UPDATE with a join becomes `WHERE id IN (SELECT ...)`, and on
    # PostgreSQL a second worker blocked on the row then re-checks only that id, not the status the first
    # one just changed, so both would claim the photo.
    allowed = Exists(get_user_model().objects.filter(indexing_allowed_filter(), pk=OuterRef("owner_id")))
    photos = Photo.objects.filter(allowed, pk=photo_id)
    if photos.filter(status=Photo.Status.PENDING).update(status=Photo.Status.PROCESSING, claimed_at=now):
        if held is not None and held.pk == photo_id:
            held.status, held.claimed_at = Photo.Status.PROCESSING, now
            return held, False
        reclaimed = False
    elif photos.filter(status=Photo.Status.PROCESSING, claimed_at__lt=stale).update(claimed_at=now):
        reclaimed = True
        log.warning("photo %s: taking over the indexing a run left unfinished", photo_id)
    else:
        return None, False
    return Photo.objects.select_related("owner").get(pk=photo_id), reclaimed


def index_photo_now(photo_id: int, decoded: DecodedPhoto | None = None) -> Photo | None:
    """Claim and index one photo in this process; the photo ends indexed or failed with a reason.
    `decoded`: the photo its caller has just created, with its bytes decoded (read and decoded once)."""
    photo, reclaimed = _claim(photo_id, decoded.photo if decoded else None)
    if photo is None:
        thumbnail_while_waiting(photo_id)
        return None
    ctx = PhotoContext(photo, reclaimed=reclaimed, first=photo.indexed_at is None and not reclaimed)
    if decoded is not None and decoded.photo is photo:
        ctx.data, ctx.loaded = decoded.data, decoded.loaded
    try:
        for step in STEPS:
            step(ctx)
    except Abandon as gone:  # the step undid its writes
        log.info("%s", gone)
        return None
    except Stop as stop:
        _fail(photo, str(stop))
    except (ConnectionError, TimeoutError):  # transient: the task retries, so leave it claimable
        Photo.objects.filter(pk=photo.pk).update(status=Photo.Status.PENDING, claimed_at=None)
        raise
    except Exception:
        log.exception("indexing photo %s failed", photo_id)
        _fail(photo, "An internal error stopped the indexing of this photo; retry it later.")
        raise
    return photo


def thumbnail_while_waiting(photo_id: int) -> None:
    """A pending photo that may not be indexed (face indexing off, owner banned) still gets its thumbnail,
    so the gallery shows it; its faces wait for consent."""
    photo = Photo.objects.filter(pk=photo_id, status=Photo.Status.PENDING, thumbnail="").first()
    if photo is None:
        return
    ctx = PhotoContext(photo)
    try:
        load_original(ctx)
        make_thumbnail(ctx)
    except Stop as stop:
        log.info("photo %s: no thumbnail while waiting (%s)", photo_id, stop)
        return
    if not Photo.objects.filter(pk=photo_id, thumbnail="").update(thumbnail=photo.thumbnail.name):
        photo.thumbnail.storage.delete(photo.thumbnail.name)  # another run saved one first


def _fail(photo: Photo, reason: str) -> None:
    photo.status, photo.failure_reason = Photo.Status.FAILED, reason
    updated = Photo.objects.filter(pk=photo.pk).update(
        status=photo.status, failure_reason=reason, thumbnail=photo.thumbnail.name or ""
    )
    if not updated and photo.thumbnail.name:  # deleted while it was indexed: no file of it may stay
        photo.thumbnail.storage.delete(photo.thumbnail.name)
