"""Withdrawing consent or erasing one's data while the real Celery worker indexes the photos leaves
nothing of the user behind: no face row, crop, thumbnail of a deleted photo, or engine collection."""

from __future__ import annotations

import pytest

from indexing.account import services as account
from indexing.face_index import get_engine, user_collection_ids
from indexing.models import Face, Photo
from indexing.photos.services import photo_create
from tests.waiting import wait_until

from .helpers import owned_counts, user_files

pytestmark = pytest.mark.django_db(transaction=True)
NAMES = [
    "group_kit_rose.jpg",
    "kit_harington_1.jpg",
    "rose_leslie_2.jpg",
    "group_obama_biden_2.jpg",
    "barack_obama_1.jpg",
    "joe_biden_1.jpg",
    "kit_harington_2.jpg",
    "rose_leslie_1.jpg",
]


def _upload_and_catch_one_indexing(user, faces_dir) -> None:
    """Queue the photos, return the moment the worker is inside the pipeline of one of them (the first
    photo is indexed alone first, so that the collection exists and the worker's models are loaded: the
    withdrawal then lands while a photo's faces are being computed, before they are written)."""
    first = photo_create(user, (faces_dir / NAMES[0]).read_bytes(), NAMES[0]).photo.pk
    wait_until(lambda: Photo.objects.get(pk=first).status == Photo.Status.INDEXED, 120, "the first photo indexed")
    ids = [photo_create(user, (faces_dir / n).read_bytes(), n).photo.pk for n in NAMES[1:]]
    taking = Photo.objects.filter(pk__in=ids, status=Photo.Status.PROCESSING)
    wait_until(taking.exists, 60, "the worker to take a photo", every=0.02)


def _worker_drained(other_user, faces_dir) -> None:
    """The worker takes tasks in order: once a photo queued now is indexed, every earlier task has run."""
    sentinel = photo_create(other_user, (faces_dir / "lin_manuel_miranda_1.png").read_bytes(), "s.png").photo
    indexed = Photo.objects.filter(pk=sentinel.pk, status=Photo.Status.INDEXED)
    wait_until(indexed.exists, 120, "the worker to reach the sentinel photo")


def test_withdrawing_consent_while_the_worker_indexes_leaves_no_face(
    celery_worker, user, other_user, faces_dir, media_root
):
    _upload_and_catch_one_indexing(user, faces_dir)
    account.face_indexing_disable(user)
    _worker_drained(other_user, faces_dir)
    assert not Face.objects.filter(owner=user).exists()
    assert user_collection_ids(user, get_engine()) == []
    assert not [f for f in user_files(media_root, user) if f.startswith("faces/")]
    assert Photo.objects.filter(owner=user).count() == len(NAMES), "the photos stay"
    assert not Photo.objects.filter(owner=user, status=Photo.Status.PROCESSING).exists()


def test_erasing_ones_data_while_the_worker_indexes_leaves_nothing(
    celery_worker, user, other_user, faces_dir, media_root
):
    _upload_and_catch_one_indexing(user, faces_dir)
    account.account_data_delete(user)
    _worker_drained(other_user, faces_dir)
    assert owned_counts(user) == dict.fromkeys(owned_counts(user), 0)
    assert user_files(media_root, user) == []
    assert user_collection_ids(user, get_engine()) == []
