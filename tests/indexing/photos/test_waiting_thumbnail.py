"""A photo whose owner has face indexing off still gets its thumbnail; its faces wait for consent."""

import pytest

from indexing.account.services import face_indexing_disable
from indexing.models import Photo
from indexing.photos.pipeline.runner import index_photo_now
from indexing.photos.services import photo_create

pytestmark = pytest.mark.django_db


def test_indexing_off_makes_the_thumbnail_and_leaves_the_photo_waiting(user, faces_dir):
    face_indexing_disable(user)
    photo = photo_create(user, (faces_dir / "joe_biden_2.jpg").read_bytes(), "biden.jpg", enqueue=False).photo
    assert index_photo_now(photo.pk) is None  # not claimed: no consent
    photo.refresh_from_db()
    assert photo.status == Photo.Status.PENDING and not photo.faces.exists()
    assert photo.thumbnail.name and photo.thumbnail.storage.exists(photo.thumbnail.name)
    first = photo.thumbnail.name
    index_photo_now(photo.pk)  # a second delivery of the task makes no second file
    photo.refresh_from_db()
    assert photo.thumbnail.name == first
