"""Export my data: a zip of the user's photos and data.json with everything they own, embeddings aside.

EXPORTED names, for every owned model (account/owned.py), the data.json section that holds it, and
LEFT_OUT the owned models deliberately not exported, with why; tests/indexing/account/test_export.py
fails on an owned model in neither. Secrets are never exported (SECRET_FIELDS), nor face templates,
which live in the engine's collections, not in owned rows. Photos a moderator hid are left out, with
their faces (as everywhere outside the admin).
"""

from __future__ import annotations

import json
import logging
import tempfile
import zipfile
from typing import IO

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from ...models import (
    AccountSettings,
    Album,
    ApiAccessKey,
    Face,
    FaceCluster,
    FaceDecision,
    InstagramAccount,
    InstagramCrawl,
    InstagramMedia,
    LivingAlbum,
    PeopleEvent,
    PeopleSettings,
    Person,
    Photo,
    Report,
    TaggingCredential,
    WebhookDelivery,
)
from ...stored_files import clean_file_name

log = logging.getLogger(__name__)

# Owned model -> the section of data.json that holds its rows.
EXPORTED = {
    "indexing.AccountSettings": "face_indexing",
    "indexing.Album": "albums",
    "indexing.Photo": "photos",
    "indexing.Face": "faces",
    "indexing.Person": "people",
    "indexing.FaceCluster": "face_groups",
    "indexing.FaceDecision": "face_decisions",
    "indexing.PeopleEvent": "people_history",
    "indexing.PeopleSettings": "people_settings",
    "indexing.LivingAlbum": "living_albums",
    "indexing.Report": "reports",
    "indexing.InstagramAccount": "instagram",
    "indexing.InstagramCrawl": "instagram",
    "indexing.InstagramMedia": "instagram",
    "indexing.ApiAccessKey": "api_keys",
    "indexing.TaggingCredential": "tagging",
    "indexing.WebhookDelivery": "tagging",
    "social_django.UserSocialAuth": "social_logins",
}
# Owned models deliberately not exported -> why.
LEFT_OUT: dict[str, str] = {
    "indexing.InstagramImport": "the record of an import run (state and counts); the photos it made are exported",
    "indexing.InstagramExportItem": "which file of your own Instagram download became which photo: the photos "
    "are exported with their dates and captions",
    "indexing.InstagramUpload": "a ZIP still arriving; it is deleted once imported",
    "indexing.InstagramDeletion": "a data deletion request Meta sent for you, with its counts",
}
# Fields never exported: secrets (and what would let someone use them).
SECRET_FIELDS = {
    "indexing.ApiAccessKey.secret_encrypted",
    "indexing.TaggingCredential.token_hash",
    "indexing.TaggingCredential.webhook_secret",
    "social_django.UserSocialAuth.extra_data",
}


def export_archive(user) -> IO[bytes]:
    """A zip of the user's photos (originals) and data.json (see EXPORTED).

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
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder))
    out.seek(0)
    return out


def _export_data(user, photos: list[Photo], entries: dict[int, str | None]) -> dict:
    row = AccountSettings.objects.filter(user=user).first()
    data = {
        "exported_at": timezone.now().isoformat(),
        "user": {"username": user.get_username(), "email": user.email, "date_joined": _iso(user.date_joined)},
        "face_indexing": {
            "enabled": bool(row and row.face_indexing_enabled),
            "consented_at": _iso(row and row.face_indexing_consented_at),
            "withdrawn_at": _iso(row and row.face_indexing_withdrawn_at),
        },
        "albums": [
            {"id": a.pk, "title": a.title, "source": a.source, "created_at": _iso(a.created_at)}
            for a in Album.objects.filter(owner=user).order_by("pk")
        ],
        "photos": [_photo(p, entries.get(p.pk)) for p in photos],
        "faces": [_face(f) for f in Face.objects.visible_to(user).order_by("photo_id", "left", "pk")],
    }
    data |= _people(user) | _activity(user)
    return data


def _photo(p: Photo, file: str | None) -> dict:
    return {
        "id": p.pk,
        "file": file,
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


def _face(f: Face) -> dict:
    return {
        "id": f.pk,
        "photo_id": f.photo_id,
        "box": f.box,
        "confidence": f.confidence,
        "quality": f.quality,
        "person_id": f.person_id,
        "person_confirmed": f.person_confirmed,
        "group_id": f.cluster_id,
    }


def _people(user) -> dict:
    """People with which of their (visible) faces and photos are theirs, groups, decisions, the undo log."""
    visible = Face.objects.visible_to(user)
    faces_of: dict[int, list[tuple[int, int]]] = {}
    for face_id, photo_id, person_id in visible.filter(person__isnull=False).values_list("pk", "photo_id", "person"):
        faces_of.setdefault(person_id, []).append((face_id, photo_id))
    groups: dict[int, list[int]] = {}
    for face_id, cluster_id in visible.filter(cluster__isnull=False).values_list("pk", "cluster_id"):
        groups.setdefault(cluster_id, []).append(face_id)
    settings_row = PeopleSettings.objects.filter(owner=user).first()
    return {
        "people": [
            {
                "id": p.pk,
                "name": p.name,
                "hidden": p.hidden,
                "merged_into": p.merged_into_id,
                "created_at": _iso(p.created_at),
                "face_ids": [f for f, _ in faces_of.get(p.pk, [])],
                "photo_ids": sorted({ph for _, ph in faces_of.get(p.pk, [])}),
            }
            for p in Person.objects.filter(owner=user).order_by("pk")
        ],
        "face_groups": [
            {"id": c.pk, "hidden": c.hidden, "face_ids": groups.get(c.pk, [])}
            for c in FaceCluster.objects.filter(owner=user).order_by("pk")
        ],
        "face_decisions": list(
            FaceDecision.objects.filter(owner=user, photo__hidden=False)
            .order_by("pk")
            .values("id", "photo_id", "face_id", "person_id", "kind", "left", "top", "width", "height")
        ),
        "people_history": [
            {"action": e.action, "summary": e.summary, "at": _iso(e.created_at), "undone_at": _iso(e.undone_at)}
            for e in PeopleEvent.objects.filter(owner=user).order_by("pk")
        ],
        "people_settings": {"match_threshold": settings_row.match_threshold} if settings_row else None,
        "living_albums": [
            {"id": a.pk, "title": a.title, "rule": a.rule, "person_ids": sorted(p.pk for p in a.people.all())}
            for a in LivingAlbum.objects.filter(owner=user).prefetch_related("people").order_by("pk")
        ],
    }


def _activity(user) -> dict:
    """Reports made, Instagram, API keys and tagging credentials (never their secrets), social logins."""
    account = InstagramAccount.objects.filter(user=user).first()
    credential = TaggingCredential.objects.filter(owner=user).first()
    social = apps.get_model("social_django", "UserSocialAuth") if apps.is_installed("social_django") else None
    return {
        "reports": list(
            Report.objects.filter(reporter=user)
            .order_by("pk")
            .values("id", "photo_id", "face_id", "reason", "note", "status", "created_at")
        ),
        "instagram": {
            "account": {"username": account.username, "instagram_id": account.instagram_id} if account else None,
            "crawls": list(
                InstagramCrawl.objects.filter(owner=user)
                .order_by("pk")
                .values("id", "state", "posts_seen", "created_at", "finished_at")
            ),
            "media": list(
                InstagramMedia.objects.filter(owner=user)
                .order_by("pk")
                .values("media_id", "post_id", "media_type", "status", "photo_id")
            ),
        },
        "api_keys": list(
            ApiAccessKey.objects.filter(owner=user)
            .order_by("pk")
            .values("access_key_id", "name", "scope", "created_at", "last_used_at", "revoked_at")
        ),
        "tagging": {
            "credential": {"token_hint": credential.token_hint, "webhook_id": credential.webhook_id}
            if credential
            else None,
            "webhook_deliveries": list(
                WebhookDelivery.objects.filter(owner=user)
                .order_by("pk")
                .values("id", "url", "label", "status", "detail", "photo_id", "received_at")
            ),
        },
        "social_logins": list(social.objects.filter(user=user).values("provider", "uid")) if social else [],
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None
