"""Erasure and consent withdrawal walk every owned model (account/owned.py), every engine collection of
the user (the app's and the API-made ones) and every file under their prefixes; credentials stop working.

The fixture gives the user a row in every owned model, so a model added later must be given data here
(the first assertion fails until it is) and is then proved erased.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from django.conf import settings
from django.test import Client
from django.urls import reverse

from indexing.account import services as account
from indexing.face_index import collection_id_for, get_engine, user_collection_ids
from indexing.instagram.services import token_for
from indexing.models import (
    EngineCollection,
    Face,
    FaceCluster,
    Person,
    Photo,
    WebhookDelivery,
)
from indexing.tagging import services as tagging
from tests.factories import PhotoFactory
from tests.webhook_signing import signed

from .helpers import owned_counts, user_files

pytestmark = pytest.mark.django_db(transaction=True)


def _credentials_refused(user, everything) -> None:
    with pytest.raises(ClientError) as refused:
        everything["api"].list_faces(CollectionId=everything["api_collection"])
    assert refused.value.response["Error"]["Code"] == "UnrecognizedClientException"
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {everything['tagging'].token}"}
    assert client.post(reverse("tagging_identify"), "{}", content_type="application/json", **headers).status_code == 401
    body = json.dumps({"url": "https://example.com/b.jpg"}).encode()
    hook = reverse("tagging_webhook", args=[everything["tagging"].credential.webhook_id])
    headers_signed = signed(everything["tagging"].webhook_secret, body)
    assert client.post(hook, body, content_type="application/json", **headers_signed).status_code == 404
    assert token_for(user) is None


def test_the_fixture_fills_every_owned_model(user, everything):
    assert {label for label, n in owned_counts(user).items() if not n} == set(), "give the new model data here"


def test_erasure_leaves_no_row_file_collection_or_credential(user, other_user, everything, faces_dir, media_root):
    bobs = PhotoFactory(owner=other_user, file="kit_harington_3.jpg", indexed=True)
    before_bob = (owned_counts(other_user), user_files(media_root, other_user))
    assert user_files(media_root, user) and len(user_collection_ids(user, get_engine())) == 2

    session = Client()
    session.force_login(user)
    assert session.post(reverse("account_delete"), {"confirm": "DELETE"}).status_code == 302

    assert owned_counts(user) == dict.fromkeys(owned_counts(user), 0)
    assert user_files(media_root, user) == []
    assert not (Path(settings.INSTAGRAM_UPLOAD_DIR) / str(user.pk)).exists(), "uploaded ZIPs go too"
    assert user_collection_ids(user, get_engine()) == []
    assert not EngineCollection.objects.filter(collection_id__startswith=collection_id_for(user)).exists()
    _credentials_refused(user, everything)
    assert (owned_counts(other_user), user_files(media_root, other_user)) == before_bob
    assert Photo.objects.filter(pk=bobs.pk).exists() and user_collection_ids(other_user, get_engine())
    assert session.get(reverse("gallery")).status_code == 200, "the login itself stays"


def test_withdrawing_consent_takes_every_face_template_and_keeps_the_photos(user, everything, media_root):
    photos = set(Photo.objects.filter(owner=user).values_list("pk", flat=True))
    people = set(Person.objects.filter(owner=user).values_list("name", flat=True))
    account.face_indexing_disable(user)
    assert not Face.objects.filter(owner=user).exists() and not FaceCluster.objects.filter(owner=user).exists()
    assert user_collection_ids(user, get_engine()) == [], "the app's collection and the API-made one"
    assert not [f for f in user_files(media_root, user) if f.startswith("faces/")], "no crop is left"
    assert set(Photo.objects.filter(owner=user).values_list("pk", flat=True)) == photos
    assert all((media_root / p.original.name).is_file() for p in Photo.objects.filter(owner=user))
    assert set(Person.objects.filter(owner=user).values_list("name", flat=True)) == people
    assert not Person.objects.filter(owner=user).exclude(engine_face_ids=[]).exists()


def test_with_indexing_off_no_path_stores_a_face_template(user, everything, faces_dir):
    account.face_indexing_disable(user)
    api, image = everything["api"], {"Bytes": (faces_dir / "barack_obama_2.jpg").read_bytes()}
    for call in (
        lambda: api.create_collection(CollectionId=collection_id_for(user)),
        lambda: api.create_collection(CollectionId=collection_id_for(user) + "-again"),
        lambda: api.index_faces(CollectionId=everything["api_collection"], Image=image),
        lambda: api.create_user(CollectionId=collection_id_for(user), UserId="someone"),
    ):
        with pytest.raises(ClientError) as refused:
            call()
        assert refused.value.response["Error"]["Code"] == "AccessDeniedException"
        assert "Face indexing is off" in refused.value.response["Error"]["Message"]
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {everything['tagging'].token}"}
    with open(faces_dir / "barack_obama_2.jpg", "rb") as f:
        answer = client.post(reverse("tagging_photos"), {"photo": f, "label": "Barack"}, **headers)
    assert answer.status_code == 403 and "Face indexing is off" in answer.json()["error"]
    body = json.dumps({"url": "https://example.com/b.jpg"}).encode()
    hook = reverse("tagging_webhook", args=[everything["tagging"].credential.webhook_id])
    headers_signed = signed(everything["tagging"].webhook_secret, body)
    refused = client.post(hook, body, content_type="application/json", **headers_signed)
    assert refused.status_code == 403 and "Face indexing is off" in refused.json()["error"]
    assert user_collection_ids(user, get_engine()) == [] and not Face.objects.filter(owner=user).exists()


def test_a_banned_users_keys_tokens_and_webhooks_are_refused(user, everything):
    from indexing.moderation.services import user_ban

    pending = WebhookDelivery.objects.create(owner=user, signature="t", url="https://example.com/c.jpg")
    user_ban(None, user)
    _credentials_refused(user, everything)
    tagging.webhook_process(pending.pk)
    pending.refresh_from_db()
    assert pending.status == "failed" and "banned" in pending.detail, "nothing is fetched for them"
