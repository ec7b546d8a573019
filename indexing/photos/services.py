"""Writes: every photo enters through photo_create and leaves through photo_delete."""

from __future__ import annotations

import enum
import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..engine import images
from ..engine.errors import EngineError
from ..face_index import collection_delete, faces_remove_from_engine, get_engine
from ..stored_files import clean_file_name, files_delete
from .models import Album, Face, Photo
from .pipeline.context import DecodedPhoto
from .pipeline.runner import index_photo_now
from .tasks import index_photo, index_photos

log = logging.getLogger(__name__)


class PhotoRejected(Exception):
    """The bytes are not a photo we can take; `str(e)` is for the person who sent them."""


class AlbumError(Exception):
    """An album change that cannot be made; `str(e)` is for the person who asked."""


class After(enum.Enum):
    """What becomes of a new photo once photo_create has stored it (pending)."""

    QUEUE = "queue"  # a worker indexes it: queued once the row is committed (an upload)
    STORE = "store"  # nothing yet: the caller queues it (a batch of an import) or indexes it itself
    # The caller indexes it next in this process (photo_index_now with PhotoCreated.decoded): the bytes are
    # decoded at the engine's size here and handed on, so they are decoded once.
    INDEX_HERE = "index_here"


@dataclass(frozen=True)
class PhotoSource:
    """Where a photo comes from, when it is an item of another service (an Instagram post, an export)."""

    source_id: str = ""  # the item's id there: the owner's photo of this id is the item's, stored once
    taken_at: datetime | None = None  # the item's date, used when the file has no EXIF date
    # The caller knows the item has no photo yet (a crawl's media row without one): no lookup before the
    # insert; the unique constraints still catch a duplicate, which then costs its file written and deleted.
    never_stored: bool = False


UPLOAD = PhotoSource()  # a file a person sent: no outside id or date


@dataclass
class PhotoCreated:
    photo: Photo
    created: bool  # False when the owner already had these exact bytes
    decoded: DecodedPhoto | None = None  # with After.INDEX_HERE: for photo_index_now, which reads and decodes nothing


def album_get_or_create(owner, title: str, source: str = Album.Source.UPLOAD) -> Album:
    album, _ = Album.objects.get_or_create(owner=owner, title=title, defaults={"source": source})
    return album


def photo_create(
    owner,
    data: bytes,
    file_name: str,
    *,
    album: Album | None = None,
    source: PhotoSource = UPLOAD,
    then: After = After.QUEUE,
) -> PhotoCreated:
    """Validate, store and save a photo as pending, then do `then` with it (queue its indexing by default).

    Answers the owner's existing photo (created=False) when they already have these bytes, or the source's
    item. Raises PhotoRejected with a readable reason; nothing is stored then.
    """
    for_indexing = then is After.INDEX_HERE
    long_side = get_engine().decode_long_side if for_indexing else 256
    try:  # a full decode (at low resolution unless for indexing) finds truncated and hostile files cheaply
        loaded = images.load_image(
            data, max_pixels=settings.UPLOAD_MAX_PIXELS, long_side=long_side, max_bytes=settings.UPLOAD_MAX_BYTES
        )
    except EngineError as e:
        raise PhotoRejected(e.message) from e
    content_hash = hashlib.sha256(data).hexdigest()
    existing = None if source.never_stored else _existing(owner, content_hash, source.source_id)
    if existing:
        return PhotoCreated(existing, False)
    photo = Photo(
        owner=owner,
        album=album,
        file_name=clean_file_name(file_name),
        format=loaded.format,
        width=loaded.width,
        height=loaded.height,
        size_bytes=len(data),
        content_hash=content_hash,
        source_id=source.source_id,
        taken_at=_taken_at(loaded.exif_datetime) or source.taken_at,
    )
    photo.original.save("original", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            photo.save()
            if album and not album.featured_photo_id:
                Album.objects.filter(pk=album.pk, featured_photo__isnull=True).update(featured_photo=photo)
                album.featured_photo_id = album.featured_photo_id or photo.pk  # a cover now: not asked again
            if then is After.QUEUE:
                transaction.on_commit(lambda: photos_enqueue([photo.pk]))
    except IntegrityError:  # the same bytes arrived at the same time through another door
        photo.original.storage.delete(photo.original.name)  # storage gave this copy a name of its own
        existing = _existing(owner, content_hash, source.source_id)
        if existing:
            return PhotoCreated(existing, False)
        raise
    return PhotoCreated(photo, True, DecodedPhoto(photo, data, loaded) if for_indexing else None)


def _existing(owner, content_hash: str, source_id: str) -> Photo | None:
    """The owner's photo of these bytes, or else of this source id: two lookups, each by its unique
    index (one query with OR made SQLite walk every photo of the owner: 60 ms a photo at 100k). The
    source id's index is partial; SQLite uses it only when the query repeats its condition."""
    mine = Photo.objects.filter(owner=owner).order_by()
    found = mine.filter(content_hash=content_hash)[:1]
    if not found and source_id:
        found = mine.filter(source_id=source_id).exclude(source_id="")[:1]
    return found[0] if found else None


def _taken_at(exif_datetime: str | None):
    if not exif_datetime:
        return None
    try:
        return timezone.make_aware(datetime.strptime(exif_datetime[:19], "%Y:%m:%d %H:%M:%S"))
    except ValueError:
        return None


def photos_enqueue(photo_ids) -> None:
    """Queue the indexing of these photos (call it once committed: transaction.on_commit)."""
    for photo_id in photo_ids:
        index_photo.delay(photo_id)


def photos_enqueue_batch(photo_ids: list[int]) -> None:
    """Queue the indexing of these photos as one task (an import's batch: Celery's own work once for
    them all); call it once they are committed."""
    if photo_ids:
        index_photos.delay(list(photo_ids))


def photo_index_now(photo_id: int, decoded: DecodedPhoto | None = None) -> Photo | None:
    """Claim and index one photo in this process, not through a worker (commands, the tagging API, the
    crawl); `decoded`: PhotoCreated.decoded of the photo_create(then=After.INDEX_HERE) that has just made it."""
    return index_photo_now(photo_id, decoded)


def photo_reindex(photo: Photo) -> None:
    """Index the photo again (after a failure, or to refresh its faces)."""
    with transaction.atomic():
        Photo.objects.filter(pk=photo.pk).update(status=Photo.Status.PENDING, failure_reason="", claimed_at=None)
        transaction.on_commit(lambda: photos_enqueue([photo.pk]))


def photo_delete(photo: Photo) -> None:
    """Delete a photo, its faces in the engine and every file it had."""
    photo.refresh_from_db()  # the pipeline may have added files since this object was loaded
    faces = list(photo.faces.all())
    faces_remove_from_engine(photo.owner, [f.engine_face_id for f in faces])
    files = [photo.original, photo.thumbnail, *(f.crop for f in faces)]
    with transaction.atomic():
        photo.delete()
        transaction.on_commit(lambda: files_delete(files))


def photos_delete(owner, photo_ids) -> int:
    """Delete these photos of `owner` (ids of others are ignored) with their faces and files."""
    photos = list(Photo.objects.filter(owner=owner, pk__in=list(photo_ids)))
    for photo in photos:
        photo_delete(photo)
    return len(photos)


def album_rename(album: Album, title: str) -> Album:
    title = " ".join(title.split())[:200]
    if not title:
        raise AlbumError("An album needs a title.")
    if Album.objects.filter(owner_id=album.owner_id, title=title).exclude(pk=album.pk).exists():
        raise AlbumError(f"You already have an album called {title}.")
    album.title = title
    album.save(update_fields=["title"])
    return album


def album_delete(album: Album, with_photos: bool = False) -> int:
    """Delete an album; its photos too when asked, else they stay in All photos. Answers how many went."""
    deleted = photos_delete(album.owner, album.photos.values_list("pk", flat=True)) if with_photos else 0
    album.delete()
    return deleted


def photos_move(owner, photo_ids, album: Album | None) -> int:
    """Move these photos of `owner` to `album` (None: out of every album); covers follow."""
    photos = Photo.objects.filter(owner=owner, pk__in=list(photo_ids))
    sources = set(photos.exclude(album=None).values_list("album_id", flat=True))
    with transaction.atomic():
        moved = photos.update(album=album)
        for source in Album.objects.filter(pk__in=sources):
            _cover_refresh(source)
        if album is not None:
            _cover_refresh(album)
    return moved


def _cover_refresh(album: Album) -> None:
    """The album's cover is one of its own photos (the newest), or none."""
    if album.featured_photo_id and album.photos.filter(pk=album.featured_photo_id).exists():
        return
    album.featured_photo = album.photos.order_by("-created_at", "-id").first()
    album.save(update_fields=["featured_photo"])


def user_faces_delete(owner) -> None:
    """Remove every face of a user: rows, crops and the engine collection."""
    collection_delete(owner)
    faces = list(Face.objects.filter(owner=owner))
    Face.objects.filter(owner=owner).delete()
    files_delete(f.crop for f in faces)
