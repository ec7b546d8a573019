"""The whole app on FACE_ENGINE=rekognition, pointed at its own Rekognition-compatible API on the
live server: the pipeline, the views and the commands reach the engine through boto3 over HTTP,
signed with a service key.

The first tests are the app's own tests of the pipeline, the views and the commands, imported and
run again here with that engine (not those that enqueue Celery tasks, nor the 22-photo folder
index, which the contract suite and the flow below cover in less time).
The last one goes through the whole flow with S3 media on moto as well.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from indexing.engine.errors import ResourceNotFound
from indexing.face_index import collection_id_for, get_engine
from indexing.photos.selectors import image_matches_for_user
from indexing.photos.services import photo_delete, user_faces_delete
from tests import factories
from tests.factories import PhotoFactory
from tests.indexing.photos.test_services import (  # noqa: F401
    test_a_photo_is_claimed_once,
    test_a_photo_is_stored_pending_then_indexed_with_its_faces,
    test_deleting_a_photo_removes_its_faces_from_the_collection_and_its_files,
)
from tests.indexing.test_commands import (  # noqa: F401
    test_bad_files_are_reported_and_the_rest_of_the_batch_goes_on,
)
from tests.search.conftest import indexed_photos  # noqa: F401
from tests.search.views.test_photos import (  # noqa: F401
    test_another_user_gets_404_for_every_id_of_the_first,
    test_the_owner_sees_every_page_of_a_photo_and_its_faces,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("rekognition_engine_over_api")]


def test_the_engine_in_use_is_the_rekognition_engine_over_http(rekognition_url):
    engine = get_engine()
    assert type(engine).__name__ == "RekognitionEngine"
    assert engine.client.meta.endpoint_url == rekognition_url


def test_upload_index_click_a_face_webcam_search_and_delete_with_s3_media(client, user, faces_dir, s3_bucket):
    s3, bucket = s3_bucket
    photos = factories.indexed_photos(user, ("group_kit_rose.jpg", "kit_harington_1.jpg", "rose_leslie_1.jpg"))
    group = photos["group_kit_rose.jpg"]
    kit = group.faces.order_by("left").last()  # Kit Harington stands on the right
    client.force_login(user)
    page = client.get(reverse("face_matches", args=[kit.pk])).content.decode()
    assert "kit_harington_1.jpg" in page and "rose_leslie_1.jpg" not in page
    assert client.get(reverse("photo_file", args=[group.pk, "thumbnail"])).status_code == 302  # signed S3 URL

    webcam = image_matches_for_user(user, (faces_dir / "kit_harington_3.jpg").read_bytes())
    assert len(webcam) == 1
    assert {m.face.photo.file_name for m in webcam[0].matches} == {"group_kit_rose.jpg", "kit_harington_1.jpg"}
    both = image_matches_for_user(user, (faces_dir / "group_kit_rose.jpg").read_bytes())  # left to right
    assert [{m.face.photo.file_name for m in f.matches} for f in both] == [
        {"group_kit_rose.jpg", "rose_leslie_1.jpg"},
        {"group_kit_rose.jpg", "kit_harington_1.jpg"},
    ]

    photo_delete(photos["kit_harington_1.jpg"])
    engine_faces = get_engine().list_faces(collection_id_for(user))["Faces"]
    assert len(engine_faces) == 3 and all(
        f["ExternalImageId"] != photos["kit_harington_1.jpg"].external_image_id for f in engine_faces
    )
    assert not any(
        key.startswith(
            f"originals/{user.pk}/{photos['kit_harington_1.jpg'].content_hash[:2]}/"
            f"{photos['kit_harington_1.jpg'].content_hash}"
        )
        for key in (o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []))
    )
    user_faces_delete(user)  # the account goes: its collection goes with it
    with pytest.raises(ResourceNotFound):
        get_engine().describe_collection(collection_id_for(user))


def test_grouping_a_new_face_costs_no_searchfaces_beyond_the_one_auto_tagging_makes(user, faces_dir):
    calls = []
    client = get_engine().client
    client.meta.events.register("before-call.rekognition.SearchFaces", lambda **kw: calls.append(kw["params"]))
    photos = [
        PhotoFactory(owner=user, file=n, indexed=True)
        for n in ("kit_harington_1.jpg", "kit_harington_3.jpg", "rose_leslie_1.jpg")
    ]
    faces = [f for p in photos for f in p.faces.all()]
    assert len(calls) == len(faces) == 3  # one per new face, once
    kit_1, kit_3, rose = faces
    assert kit_1.cluster_id == kit_3.cluster_id is not None and rose.cluster_id is None
