"""The tagging API's writes: credentials, 'this is Jane' or 'who is this' on one photo, signed webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from ..account.services import FaceIndexingOff, face_indexing_required
from ..models import Face, Photo
from ..people.services import PeopleError, name_face
from ..photos.services import After, PhotoRejected, album_get_or_create, photo_create, photo_index_now
from ..sealed import seal, unseal
from .fetch import FetchRefused, fetch_photo
from .models import TaggingCredential, WebhookDelivery
from .tasks import tag_webhook_photo

ALBUM = "Tagging API"


class TaggingError(Exception):
    """The request cannot be done; `status` is the HTTP status to answer, `str(e)` the reason."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


WEBHOOK_SECRET = "tagging.webhook_secret"  # the sealing purpose (indexing/sealed.py)


@dataclass
class NewCredential:
    credential: TaggingCredential
    token: str  # shown once; only its hash is kept
    webhook_secret: str  # shown once; kept sealed


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def credentials_create(owner) -> NewCredential:
    """A new API token and webhook secret for the owner (the old ones stop working)."""
    token, webhook_secret = "fa_" + secrets.token_urlsafe(32), secrets.token_hex(32)
    with transaction.atomic():
        TaggingCredential.objects.filter(owner=owner).delete()
        credential = TaggingCredential.objects.create(
            owner=owner,
            token_hash=_hash(token),
            token_hint=token[:7],
            webhook_id=secrets.token_hex(12),
            webhook_secret=seal(webhook_secret, WEBHOOK_SECRET),
        )
    return NewCredential(credential, token, webhook_secret)


def owner_for_token(token: str):
    found = TaggingCredential.objects.filter(token_hash=_hash(token or "")).select_related("owner").first()
    return found.owner if found and found.owner.is_active else None


def face_answer(face: Face) -> dict:
    person = face.person
    return {
        "face_id": face.pk,
        "box": face.box,
        "person": {"id": person.pk, "name": person.name} if person else None,
        "confirmed": face.person_confirmed,
        "similarity": face.person_similarity,
    }


def tag_photo(owner, data: bytes, file_name: str, label: str = "") -> dict:
    """Index the photo now; with a label its largest face becomes that person (a known face), without
    one the answer names the faces found above the owner's threshold. Answers the photo and its faces.
    Refused (403) while the owner's face indexing is off: nothing would be indexed."""
    try:
        face_indexing_required(owner)
    except FaceIndexingOff as e:
        raise TaggingError(str(e), status=403) from e
    try:
        photo = photo_create(owner, data, file_name, album=album_get_or_create(owner, ALBUM), then=After.STORE).photo
    except PhotoRejected as e:
        raise TaggingError(str(e)) from e
    if photo.status == Photo.Status.FAILED:
        Photo.objects.filter(pk=photo.pk).update(status=Photo.Status.PENDING, claimed_at=None)
    if photo.status != Photo.Status.INDEXED:
        photo_index_now(photo.pk)
    photo.refresh_from_db()
    if photo.status != Photo.Status.INDEXED:
        raise TaggingError(
            photo.failure_reason or "The photo is being indexed; try again shortly.",
            status=422 if photo.status == Photo.Status.FAILED else 409,
        )
    faces = list(photo.faces.select_related("person"))
    answer = {"photo_id": photo.pk, "file_name": photo.file_name}
    if label:
        if not faces:
            raise TaggingError("No face was found in the photo, so it cannot be this person.", status=422)
        try:
            named = name_face(owner, max(faces, key=lambda f: f.width * f.height), label)
        except PeopleError as e:
            raise TaggingError(str(e), status=409) from e
        answer["person"] = {"id": named.person.pk, "name": named.person.name}
        faces = list(photo.faces.select_related("person"))
    answer["faces"] = [face_answer(f) for f in faces]
    return answer


def webhook_receive(webhook_id: str, body: bytes, timestamp: str, signature: str) -> WebhookDelivery:
    """Check a signed notification and queue it: X-Faceapp-Signature is 'sha256=' + the hex HMAC-SHA256,
    with the user's webhook secret, of '<X-Faceapp-Timestamp>.<body>'; the timestamp (epoch seconds)
    must be within TAGGING_WEBHOOK_TOLERANCE of now, and a signature is taken once."""
    credential = TaggingCredential.objects.filter(webhook_id=webhook_id).select_related("owner").first()
    if credential is None or not credential.owner.is_active:  # a banned user's webhook is gone
        raise TaggingError("No such webhook.", status=404)
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        raise TaggingError("X-Faceapp-Timestamp must be epoch seconds.", status=400) from None
    if abs(time.time() - sent) > settings.TAGGING_WEBHOOK_TOLERANCE:
        raise TaggingError("The timestamp is too far from now; sign the notification again.", status=400)
    secret = unseal(credential.webhook_secret, WEBHOOK_SECRET) or ""
    expected = hmac.new(secret.encode(), f"{sent}.".encode() + body, hashlib.sha256).hexdigest()
    if not secret or not hmac.compare_digest(f"sha256={expected}", signature or ""):
        raise TaggingError("The signature does not match.", status=401)
    try:
        face_indexing_required(credential.owner)
    except FaceIndexingOff as e:
        raise TaggingError(str(e), status=403) from e
    try:
        payload = json.loads(body)
        url, label = payload["url"], payload.get("label", "") or ""
        if not isinstance(url, str) or not isinstance(label, str):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise TaggingError('The body must be JSON: {"url": "https://...", "label": "optional name"}.') from None
    try:
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(
                owner=credential.owner, signature=expected, url=url[:2000], label=label[:100]
            )
            transaction.on_commit(lambda: _enqueue(delivery.pk))
    except IntegrityError:
        raise TaggingError("This notification was received already.", status=409) from None
    return delivery


def _enqueue(delivery_id: int) -> None:
    tag_webhook_photo.delay(delivery_id)


def webhook_process(delivery_id: int) -> None:
    """Fetch the notified photo, index and tag it; the delivery ends done or failed with the reason."""
    delivery = (
        WebhookDelivery.objects.select_related("owner")
        .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
        .first()
    )
    if delivery is None:
        return
    if not delivery.owner.is_active:  # banned since it arrived: nothing is fetched for them
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.FAILED, detail="The account is banned."
        )
        return
    try:
        data, name = fetch_photo(delivery.url)
        answer = tag_photo(delivery.owner, data, name, delivery.label)
    except (FetchRefused, TaggingError) as e:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(status=WebhookDelivery.Status.FAILED, detail=str(e))
        return
    names = sorted({f["person"]["name"] for f in answer["faces"] if f["person"]})
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.DONE,
        photo_id=answer["photo_id"],
        detail=f"{len(answer['faces'])} face(s); " + (", ".join(names) or "nobody known"),
    )
