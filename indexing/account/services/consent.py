"""Consent to face indexing: given, checked, withdrawn. Other rooms ask here before they store a face
template (the rule itself is account/selectors.indexing_allowed_filter); withdrawing it deletes the
templates (erasure.py)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ...models import AccountSettings, Photo
from ...photos.services import photos_enqueue
from ..selectors import indexing_allowed_filter

# What the account page says before anyone switches face indexing on.
FACE_INDEXING_NOTICE = (
    "When face indexing is on, faceapp finds the faces in your photos and keeps, for each face, its position "
    "in the photo, a small cropped picture of it and a face template: numbers computed from the face that "
    "let faceapp recognise the same person in other photos. Face templates are biometric data. They stay in "
    "your own collection, are compared only with your own photos, and are never shown or exported. Switching "
    "face indexing off deletes every face and face template at once; your photos stay."
)


class FaceIndexingOff(Exception):
    """Face indexing is off for this user: nothing may store a face template for them."""

    def __init__(self):
        super().__init__(
            "Face indexing is off for this account, so faceapp stores no face of it. "
            "Its owner can switch face indexing on at /account/."
        )


def indexing_allowed(user) -> bool:
    """May the pipeline (or a crawl) work for this user now? Not when banned or face indexing is off."""
    return get_user_model().objects.filter(indexing_allowed_filter(), pk=user.pk).exists()


def face_indexing_required(user) -> None:
    """Raise FaceIndexingOff unless the pipeline (or an API) may store face templates for this user now."""
    if not indexing_allowed(user):
        raise FaceIndexingOff()


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


def consent_withdraw(user) -> None:
    """Switch face indexing off and commit, with the settings row locked: from then on the pipeline's last
    check (photos/pipeline/steps.py, save_faces) refuses to write and undoes its engine write."""
    with transaction.atomic():
        row = AccountSettings.objects.select_for_update().get_or_create(user=user)[0]
        row.face_indexing_enabled, row.face_indexing_withdrawn_at = False, timezone.now()
        row.save()
