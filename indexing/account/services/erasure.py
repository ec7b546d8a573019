"""Erasure of a user's data: their face templates when they withdraw consent, everything they own when
they (or a moderator) delete it; both walk the owned models of account/owned.py."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction

from ...face_index import user_collections_delete
from ...stored_files import files_delete, tree_delete
from .. import owned
from .consent import consent_withdraw

log = logging.getLogger(__name__)
# Where a user's files live in storage (see the upload_to functions in models.py).
USER_FILE_PREFIXES = ("originals", "thumbnails", "faces")


def face_indexing_disable(user) -> None:
    """Withdraw consent: every face template goes (faces, crops, groups, every engine collection of the
    user, the app's and the API-made ones, on both engines); the photos, people and albums stay.

    Consent is switched off and committed first: from then on the pipeline's last check (photos/pipeline,
    save_faces) refuses to write and undoes its engine write, so a photo being indexed leaves nothing.
    """
    consent_withdraw(user)
    face_templates_delete(user)
    log.info("face indexing switched off for user %s: every face template deleted", user.pk)


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
    consent_withdraw(user)
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
