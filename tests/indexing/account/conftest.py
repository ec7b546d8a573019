"""The account tests' fixture: a user with data in every owned model, every credential, an API-made
collection and files."""

from __future__ import annotations

import pytest

from indexing.face_index import collection_id_for
from indexing.instagram.services import upload_open
from indexing.models import (
    FaceCluster,
    FaceDecision,
    InstagramCrawl,
    InstagramDeletion,
    InstagramExportItem,
    InstagramImport,
    InstagramMedia,
    LivingAlbum,
    Report,
    WebhookDelivery,
)
from indexing.people.services import name_face
from indexing.photos.services import album_get_or_create
from indexing.rekognition_api.keys import key_issue
from indexing.tagging import services as tagging
from tests.factories import InstagramAccountFactory, PhotoFactory
from tests.indexing.conftest import rekognition_client


@pytest.fixture
def everything(user, faces_dir, rekognition_url):
    """The user with a row in every owned model, every kind of credential, an API-made collection, files."""
    album = album_get_or_create(user, "Trip")
    group = PhotoFactory(owner=user, file="group_obama_biden_2.jpg", album=album, indexed=True)
    PhotoFactory(owner=user, file="joe_biden_2.jpg", indexed=True)
    named = name_face(user, group.faces.first(), "Barack")  # Person, PeopleEvent, PeopleSettings
    FaceCluster.objects.create(owner=user).faces.add(group.faces.last())
    FaceDecision.objects.create(owner=user, photo=group, kind="not_a_face", left=0, top=0, width=0.1, height=0.1)
    LivingAlbum.objects.create(owner=user, title="Barack").people.add(named.person)
    Report.objects.create(reporter=user, owner=user, photo=group)
    crawl = InstagramCrawl.objects.create(owner=user, state="done")
    InstagramAccountFactory(user=user, instagram_id="1789", username="alice", token="IGQ-x")
    InstagramMedia.objects.create(owner=user, media_id="m1", post_id="m1", media_type="IMAGE", crawl=crawl)
    run = InstagramImport.objects.create(owner=user, state="done")
    InstagramExportItem.objects.create(owner=user, run=run, uri="media/posts/202401/a.jpg", kind="posts", photo=group)
    upload_open(user, "instagram-alice.zip", 1024)  # an InstagramUpload and its file in INSTAGRAM_UPLOAD_DIR
    InstagramDeletion.objects.create(confirmation_code="c0de", instagram_user_id="1789", user=user)
    credential = tagging.credentials_create(user)
    WebhookDelivery.objects.create(owner=user, signature="s", url="https://example.com/a.jpg")
    key = key_issue(user, "laptop")
    api = rekognition_client(rekognition_url, key.key.access_key_id, key.secret)
    api_collection = collection_id_for(user) + "-private"
    api.create_collection(CollectionId=api_collection)
    api.index_faces(CollectionId=api_collection, Image={"Bytes": (faces_dir / "barack_obama_1.jpg").read_bytes()})
    return {"api": api, "api_collection": api_collection, "tagging": credential}
