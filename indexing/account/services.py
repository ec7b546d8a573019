"""A user's own account: consent to face indexing and its withdrawal, erasure of their data (both walk
the owned models of owned.py); the export is export.py."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..face_index import user_collections_delete
from ..photos.files import files_delete, tree_delete
from ..photos.models import Photo
from ..photos.services import photos_enqueue
from . import owned
from .export import export_archive
from .models import AccountSettings

log = logging.getLogger(__name__)
__all__ = ["export_archive"]  # the account page's export, kept reachable here

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


class FaceIndexingOff(Exception):
    """Face indexing is off for this user: nothing may store a face template for them."""

    def __init__(self):
        super().__init__(
            "Face indexing is off for this account, so faceapp stores no face of it. "
            "Its owner can switch face indexing on at /account/."
        )


def face_indexing_required(user) -> None:
    """Raise FaceIndexingOff unless the pipeline (or an API) may store face templates for this user now."""
    if not indexing_allowed(user):
        raise FaceIndexingOff()


def face_indexing_disable(user) -> None:
    """Withdraw consent: every face template goes (faces, crops, groups, every engine collection of the
    user, the app's and the API-made ones, on both engines); the photos, people and albums stay.

    Consent is switched off and committed first: from then on the pipeline's last check (photos/pipeline,
    save_faces) refuses to write and undoes its engine write, so a photo being indexed leaves nothing.
    """
    _switch_off(user)
    face_templates_delete(user)
    log.info("face indexing switched off for user %s: every face template deleted", user.pk)


def _switch_off(user) -> None:
    with transaction.atomic():
        row = AccountSettings.objects.select_for_update().get_or_create(user=user)[0]
        row.face_indexing_enabled, row.face_indexing_withdrawn_at = False, timezone.now()
        row.save()


def face_templates_delete(user) -> None:
    """Every face-derived row and file of the user (owned.FACE_DERIVED) and every engine collection."""
    user_collections_delete(user)
    crops = owned.owned_files(user, set(owned.FACE_DERIVED))
    with transaction.atomic():
        for link in owned.owner_links():
            if link.label in owned.FACE_DERIVED:
                link.rows_of(user).delete()
        for key, empty in owned.FACE_DERIVED_FIELDS.items():
            label, field = key.rsplit(".", 1)
            for link in owned.owner_links():
                if link.label == label:
                    link.rows_of(user).update(**{field: empty})
        transaction.on_commit(lambda: files_delete(crops))
    tree_delete(f"faces/{user.pk}")


def account_data_delete(user) -> None:
    """Delete everything faceapp holds for `user` except the login itself.

    Walks every owned model (owned.py): their rows go (photos, faces, albums, people, decisions, the undo
    log, living albums, settings, reports made, crawls, API keys, tagging credentials and webhook
    deliveries), kept rows are emptied (the Instagram tokens), every engine collection of the user goes
    (both engines) and every file under their media prefixes. Consent is switched off and committed
    first, so the pipeline writes nothing more for them (see face_indexing_disable).
    """
    _switch_off(user)
    user_collections_delete(user)
    files = owned.owned_files(user)
    with transaction.atomic():
        for link in owned.owner_links():
            if link.label in owned.KEPT_SCRUBBED:
                link.rows_of(user).update(**owned.KEPT_SCRUBBED[link.label][0])
            else:
                link.rows_of(user).delete()
        transaction.on_commit(lambda: _files_delete(user, files))
    log.info("all data of user %s deleted", user.pk)


def _files_delete(user, files) -> None:
    files_delete(files)
    for prefix in USER_FILE_PREFIXES:  # anything left behind by an interrupted run
        tree_delete(f"{prefix}/{user.pk}")
    # Instagram data-download ZIPs still arriving (or not yet imported): a local folder, not the storage
    shutil.rmtree(Path(settings.INSTAGRAM_UPLOAD_DIR) / str(user.pk), ignore_errors=True)
