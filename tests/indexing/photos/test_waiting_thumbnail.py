"""A photo whose owner has face indexing off still gets its thumbnail; its faces wait for consent."""

import pytest

from indexing.account.services import face_indexing_disable
from indexing.models import Photo
from indexing.photos.pipeline.runner import index_photo_now
from tests.factories import PhotoFactory

pytestmark = pytest.mark.django_db


def test_indexing_off_makes_the_thumbnail_and_leaves_the_photo_waiting(user, faces_dir):
    face_indexing_disable(user)
    photo = PhotoFactory(owner=user, file="joe_biden_2.jpg", file_name="biden.jpg")
    assert index_photo_now(photo.pk) is None  # not claimed: no consent
    photo.refresh_from_db()
    assert photo.status == Photo.Status.PENDING and not photo.faces.exists()
    assert photo.thumbnail.name and photo.thumbnail.storage.exists(photo.thumbnail.name)
    first = photo.thumbnail.name
    index_photo_now(photo.pk)  # a second delivery of the task makes no second file
    photo.refresh_from_db()
    assert photo.thumbnail.name == first


def test_has_thumbnail_says_whether_the_file_was_made_however_the_row_was_read(user, faces_dir):
    face_indexing_disable(user)
    made = PhotoFactory(owner=user, file="joe_biden_2.jpg", file_name="biden.jpg")
    waiting = PhotoFactory(owner=user, file="kit_harington_1.jpg", file_name="kit.jpg")
    index_photo_now(made.pk)
    for photo, has in ((made, True), (waiting, False)):
        loaded = Photo.objects.get(pk=photo.pk)
        assert loaded.has_thumbnail is has
        assert bool(loaded.thumbnail) is has and loaded.has_thumbnail is has  # the FieldFile made
        assert Photo.objects.only("id").get(pk=photo.pk).has_thumbnail is has  # the column deferred
