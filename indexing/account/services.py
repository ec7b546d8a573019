"""A user's own account: consent to face indexing, export of their data, deletion of their data."""

from __future__ import annotations

import json
import logging
import tempfile
import zipfile
from typing import IO, Callable

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from ..face_index import collection_delete
from ..moderation.models import Report
from ..photos.files import clean_file_name, files_delete, tree_delete
from ..photos.models import Album, Face, Photo
from ..photos.services import photos_enqueue, user_faces_delete
from .models import AccountSettings

log = logging.getLogger(__name__)

# What the account page says before anyone switches face indexing on.
FACE_INDEXING_NOTICE = (
    "When face indexing is on, faceapp finds the faces in your photos and keeps, for each face, its position "
    "in the photo, a small cropped picture of it and a face template: numbers computed from the face that "
    "let faceapp recognise the same person in other photos. Face templates are biometric data. They stay in "
    "your own collection, are compared only with your own photos, and are never shown or exported. Switching "
    "face indexing off deletes every face and face template at once; your photos stay."
)
# Where a user's files live in storage (see the upload_to functions in models.py).
USER_FILE_PREFIXES = ("originals", "thumbnails", "faces")


def indexing_allowed(user) -> bool:
    """May the pipeline (or a crawl) work for this user now? Not when banned or face indexing is off."""
    return bool(user.is_active and AccountSettings.objects.filter(user=user, face_indexing_enabled=True).exists())


def face_indexing_enable(user) -> None:
    """Record the user's consent and index every one of their photos."""
    with transaction.atomic():
        row = AccountSettings.objects.select_for_update().get_or_create(user=user)[0]
        if row.face_indexing_enabled:
            return
        row.face_indexing_enabled, row.face_indexing_consented_at = True, timezone.now()
        row.save()
        photo_ids = list(Photo.objects.filter(owner=user).values_list("pk", flat=True))
        Photo.objects.filter(owner=user).update(status=Photo.Status.PENDING, failure_reason="", claimed_at=None)
        transaction.on_commit(lambda: photos_enqueue(photo_ids))


def face_indexing_disable(user) -> None:
    """Withdraw consent: every face, crop and the engine collection go; the photos stay."""
    with transaction.atomic():
        row = AccountSettings.objects.select_for_update().get_or_create(user=user)[0]
        row.face_indexing_enabled, row.face_indexing_withdrawn_at = False, timezone.now()
        row.save()
    user_faces_delete(user)
    log.info("face indexing switched off for user %s: faces and collection deleted", user.pk)


# Sections of the export's data.json beyond albums, photos and faces: name -> function(user) -> list.
# The people work adds "people" here.
EXPORT_SECTIONS: dict[str, Callable[[object], list]] = {"people": lambda user: []}


def export_archive(user) -> IO[bytes]:
    """A zip of the user's photos (originals) and data.json (albums, photos, faces with boxes, people).

    Face templates (embeddings) are never exported. The file is temporary: read it, then close it.
    """
    photos = list(Photo.objects.visible_to(user).select_related("album").order_by("pk"))
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:  # photos are compressed already
        entries = {}
        for photo in photos:
            entries[photo.pk] = f"photos/{photo.pk}-{clean_file_name(photo.file_name, portable=True)}"
            try:
                with photo.original.open("rb") as f:
                    archive.writestr(entries[photo.pk], f.read())
            except OSError:
                log.warning("export of user %s: the original of photo %s is missing", user.pk, photo.pk)
                entries[photo.pk] = None
        data = _export_data(user, photos, entries)
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
    out.seek(0)
    return out


def _export_data(user, photos: list[Photo], entries: dict[int, str | None]) -> dict:
    faces = Face.objects.visible_to(user).order_by("photo_id", "left", "pk")
    row = AccountSettings.objects.filter(user=user).first()
    data = {
        "exported_at": timezone.now().isoformat(),
        "user": {"username": user.get_username(), "date_joined": user.date_joined.isoformat()},
        "face_indexing": {
            "enabled": bool(row and row.face_indexing_enabled),
            "consented_at": _iso(row and row.face_indexing_consented_at),
        },
        "albums": [
            {"id": a.pk, "title": a.title, "source": a.source, "created_at": _iso(a.created_at)}
            for a in Album.objects.filter(owner=user).order_by("pk")
        ],
        "photos": [
            {
                "id": p.pk,
                "file": entries.get(p.pk),
                "file_name": p.file_name,
                "album_id": p.album_id,
                "format": p.format,
                "width": p.width,
                "height": p.height,
                "size_bytes": p.size_bytes,
                "taken_at": _iso(p.taken_at),
                "created_at": _iso(p.created_at),
                "status": p.status,
                "source_id": p.source_id,
            }
            for p in photos
        ],
        "faces": [
            {"id": f.pk, "photo_id": f.photo_id, "box": f.box, "confidence": f.confidence, "quality": f.quality}
            for f in faces
        ],
    }
    for name, section in EXPORT_SECTIONS.items():
        data[name] = section(user)
    return data


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def account_data_delete(user) -> None:
    """Delete everything faceapp holds for `user` except the login itself.

    Photos and their files, faces and crops, albums, their reports, the engine collection and the
    Instagram token. Face indexing goes back to off first, so no queued work indexes anything again.
    """
    AccountSettings.objects.filter(user=user).update(face_indexing_enabled=False)
    collection_delete(user)
    files = [f.crop for f in Face.objects.filter(owner=user)]
    for photo in Photo.objects.filter(owner=user):
        files += [photo.original, photo.thumbnail]
    with transaction.atomic():
        Face.objects.filter(owner=user).delete()
        Photo.objects.filter(owner=user).delete()
        Album.objects.filter(owner=user).delete()
        Report.objects.filter(reporter=user).delete()
        AccountSettings.objects.filter(user=user).delete()
        _social_tokens_delete(user)
        transaction.on_commit(lambda: _files_delete(user, files))
    log.info("all data of user %s deleted", user.pk)


def _social_tokens_delete(user) -> None:
    """Forget the OAuth tokens (the link to the Instagram account stays, so logging in again works)."""
    if not apps.is_installed("social_django"):
        return
    from social_django.models import UserSocialAuth

    UserSocialAuth.objects.filter(user=user).update(extra_data={})


def _files_delete(user, files) -> None:
    files_delete(files)
    for prefix in USER_FILE_PREFIXES:  # anything left behind by an interrupted run
        tree_delete(f"{prefix}/{user.pk}")
