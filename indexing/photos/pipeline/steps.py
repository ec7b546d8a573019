"""The steps of indexing one photo, in order. Each takes the context and may raise Stop."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from ...account.selectors import consent_given_filter, indexing_allowed_filter
from ...engine import images
from ...engine.errors import EngineError, ResourceNotFound
from ...face_index import collection_delete, collection_id_for, faces_remove_from_engine, get_engine

# The module, not the package's __init__: the package's undo re-indexes through photos.services,
# which runs this pipeline (people.services.history -> photos.services -> here would close a cycle).
from ...people.services.autotag import remember_people, tag_people_step
from ...stored_files import files_delete
from ..models import THUMBNAIL_SIZE, Face, Photo
from .context import Abandon, PhotoContext, Stop

log = logging.getLogger(__name__)
CROP_SIZE = 160
CROP_MARGIN = 0.25  # of the face box on each side, so a crop shows hair and chin


def load_original(ctx: PhotoContext) -> None:
    if ctx.loaded is not None:  # handed on by the caller that has just created the photo
        return
    try:
        with ctx.photo.original.open("rb") as f:
            ctx.data = f.read()
    except OSError as e:
        raise Stop("The original file is missing from storage.") from e
    try:
        ctx.loaded = images.load_image(
            ctx.data,
            max_pixels=settings.UPLOAD_MAX_PIXELS,
            max_bytes=settings.UPLOAD_MAX_BYTES,
            long_side=get_engine().decode_long_side,
        )
    except EngineError as e:
        raise Stop(e.message) from e


def make_thumbnail(ctx: PhotoContext) -> None:
    image = ctx.loaded.image
    scale = min(1.0, THUMBNAIL_SIZE / max(image.size))  # resized, not copied first: the picture stays for the engine
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    # Bilinear (antialiased when shrinking, as all of Pillow's filters) costs 0.6 of bicubic; on the shared
    # photos at 1080 px it differs from Lanczos by 43 dB PSNR (median), under the JPEG's own error at quality
    # 82. reducing_gap 1: shrunk by whole factors (box averaging) first when it can. No optimize pass: it
    # doubled the encode's CPU for 3% fewer bytes.
    thumb = image.resize(size, Image.Resampling.BILINEAR, reducing_gap=1.0) if scale < 1 else image
    old = ctx.photo.thumbnail.name
    ctx.photo.thumbnail.save("thumbnail.jpg", ContentFile(images.jpeg_bytes(thumb, 82)), save=False)
    if old and old != ctx.photo.thumbnail.name:
        ctx.photo.thumbnail.storage.delete(old)


def index_faces(ctx: PhotoContext) -> None:
    engine, collection = get_engine(), collection_id_for(ctx.photo.owner)
    ctx.old_engine_face_ids = [] if ctx.first else list(ctx.photo.faces.values_list("engine_face_id", flat=True))
    if ctx.reclaimed:
        lost = _engine_faces_of(engine, collection, ctx.photo.external_image_id)
        ctx.old_engine_face_ids = list(dict.fromkeys(ctx.old_engine_face_ids + lost))
    try:
        answer = engine.index_faces_decoded(
            collection, ctx.data, ctx.loaded, external_image_id=ctx.photo.external_image_id
        )
    except ResourceNotFound:
        engine.ensure_collection(collection)
        answer = _index_again(ctx, engine, collection)
    except EngineError as e:
        raise Stop(e.message) from e
    ctx.face_records = answer["FaceRecords"]
    ctx.unindexed = answer["UnindexedFaces"]


def _index_again(ctx: PhotoContext, engine, collection: str) -> dict:
    try:
        return engine.index_faces_decoded(
            collection, ctx.data, ctx.loaded, external_image_id=ctx.photo.external_image_id
        )
    except ResourceNotFound as e:  # deleted again meanwhile: consent withdrawn or the data erased
        if _still_wanted(ctx.photo):
            raise Stop("The face collection was deleted while this photo was indexed; retry it.") from e
        _undo(ctx, [], [])
        raise Abandon(f"photo {ctx.photo.pk}: the collection went while indexing (consent withdrawn)") from e
    except EngineError as e:
        raise Stop(e.message) from e


def _engine_faces_of(engine, collection: str, external_image_id: str) -> list[str]:
    """Every engine face indexed under this image id, found by listing the collection (rare: after a crash)."""
    found, token = [], None
    while True:
        try:
            answer = engine.list_faces(collection, next_token=token, max_results=4096)
        except ResourceNotFound:
            return found
        found += [f["FaceId"] for f in answer["Faces"] if f.get("ExternalImageId") == external_image_id]
        token = answer.get("NextToken")
        if not token:
            return found


def save_faces(ctx: PhotoContext) -> None:
    """Swap the photo's faces for the new ones in one transaction; undo the engine side on failure.

    The transaction first locks the photo with its owner's consent (_still_wanted): if consent was
    withdrawn, the owner banned or the photo deleted meanwhile, nothing is written and the engine write
    is undone (the whole collection when consent is off: it may have been recreated by index_faces)."""
    photo, new_ids = ctx.photo, [r["Face"]["FaceId"] for r in ctx.face_records]
    faces = [_face_row(ctx, r) for r in ctx.face_records]
    old_crops = [] if ctx.first else [f.crop for f in photo.faces.all()]
    try:
        with transaction.atomic():
            if not _still_wanted(photo):
                raise Abandon(f"photo {photo.pk}: consent withdrawn or photo deleted while indexing")
            if not ctx.first:
                photo.faces.all().delete()
            ctx.faces = Face.objects.bulk_create(faces)
            photo.status, photo.failure_reason = Photo.Status.INDEXED, ""
            photo.indexed_at = timezone.now()
            # only what indexing changed: a move or a moderator's hiding meanwhile stays
            Photo.objects.filter(pk=photo.pk).update(
                status=photo.status, failure_reason="", indexed_at=photo.indexed_at, thumbnail=photo.thumbnail.name
            )
    except Abandon:
        _undo(ctx, new_ids, faces)
        raise
    except Exception:
        faces_remove_from_engine(photo.owner, new_ids)
        files_delete(f.crop for f in faces)
        raise
    faces_remove_from_engine(photo.owner, ctx.old_engine_face_ids)
    files_delete(old_crops)


def _still_wanted(photo: Photo) -> bool:
    """Inside the writing transaction: the photo is there and its owner active and consenting, with the
    rows locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions serialize writers)
    so that a withdrawal (account/services/consent.consent_withdraw locks the same settings row) waits for
    this write or this write sees the withdrawal: a join through the owner, not a subquery, for the lock."""
    wanted = Photo.objects.select_for_update().filter(indexing_allowed_filter("owner__"), pk=photo.pk)
    return wanted.exists()


def _undo(ctx: PhotoContext, new_ids: list[str], faces: list[Face]) -> None:
    """Take back what this run wrote: its engine faces (the owner's collection when consent is off), its
    crops and thumbnail; a photo that is still there goes back to pending (to wait for consent). Consent
    alone decides the collection's fate: a banned owner keeps theirs, for the ban may be lifted."""
    photo = ctx.photo
    if not type(photo.owner).objects.filter(consent_given_filter(), pk=photo.owner_id).exists():
        collection_delete(photo.owner)
    else:
        faces_remove_from_engine(photo.owner, new_ids)
    files_delete(f.crop for f in faces)
    if not Photo.objects.filter(pk=photo.pk).update(status=Photo.Status.PENDING, claimed_at=None):
        files_delete([photo.thumbnail])  # the photo is gone: its new thumbnail goes too


def _face_row(ctx: PhotoContext, record: dict) -> Face:
    box = record["Face"]["BoundingBox"]
    detail = record["FaceDetail"]
    face = Face(
        owner=ctx.photo.owner,
        photo=ctx.photo,
        engine_face_id=record["Face"]["FaceId"],
        left=box["Left"],
        top=box["Top"],
        width=box["Width"],
        height=box["Height"],
        confidence=record["Face"]["Confidence"],
        quality=detail.get("Quality", {}).get("Sharpness", 0.0),
    )
    crop = images.crop_box(ctx.loaded.image, box, CROP_MARGIN)
    # shrunk by whole factors first (reducing_gap 2, as Image.thumbnail does by default), then bicubic
    crop.thumbnail((CROP_SIZE, CROP_SIZE), Image.Resampling.BICUBIC, reducing_gap=2.0)
    face.crop.save("crop.jpg", ContentFile(images.jpeg_bytes(crop, 85)), save=False)
    return face


def remember_names(ctx: PhotoContext) -> None:
    """Before save_faces replaces the faces: the names they carry, to give back to the new ones."""
    if ctx.old_engine_face_ids:  # a photo indexed for the first time has no names to keep
        ctx.people_before = remember_people(ctx.photo)


def tag_people(ctx: PhotoContext) -> None:
    """Auto-tag the new faces with the owner's people (indexing/people/services/autotag.py)."""
    tag_people_step(ctx.photo, ctx.people_before, ctx.faces, first=ctx.first)


# The order of indexing one photo, in one place.
STEPS = [load_original, make_thumbnail, index_faces, remember_names, save_faces, tag_people]
