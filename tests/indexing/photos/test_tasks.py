"""The pipeline through a real Celery worker on a real Redis-compatible broker."""

from pathlib import Path

import pytest

from indexing.models import Photo
from indexing.photos.services import album_get_or_create, photo_create, photo_reindex
from indexing.photos.tasks import index_photos
from tests.factories import PhotoFactory
from tests.waiting import wait_until
from tests.workers import app_worker_env, start_celery_worker, stop_worker

pytestmark = pytest.mark.django_db(transaction=True)


def _wait_until_done(photo_ids, timeout=90):
    def done():
        states = dict(Photo.objects.filter(pk__in=photo_ids).values_list("pk", "status"))
        return all(s in (Photo.Status.INDEXED, Photo.Status.FAILED) for s in states.values()) and states

    return wait_until(done, timeout, f"photos {photo_ids} indexed or failed")


def test_uploaded_photos_are_indexed_by_the_worker(celery_worker, user, faces_dir, faces_manifest):
    album = album_get_or_create(user, "Queued")
    names = ["group_kit_rose.jpg", "kit_harington_1.jpg", "rose_leslie_2.jpg"]
    ids = [photo_create(user, (faces_dir / n).read_bytes(), n, album=album).photo.pk for n in names]
    states = _wait_until_done(ids)
    assert set(states.values()) == {Photo.Status.INDEXED}
    for pk, name in zip(ids, names, strict=True):
        assert Photo.objects.get(pk=pk).faces.count() == len(faces_manifest[name])


def test_a_failed_photo_keeps_its_reason_and_a_retry_finishes_it(celery_worker, user, faces_dir):
    photo = PhotoFactory(owner=user, file="joe_biden_2.jpg", file_name="j.jpg")
    original = photo.original.path
    data = open(original, "rb").read()
    open(original, "wb").write(data[:1000])  # the disk lost part of the file
    photo_reindex(photo)
    _wait_until_done([photo.pk])
    photo.refresh_from_db()
    assert photo.status == Photo.Status.FAILED and "truncated" in photo.failure_reason
    open(original, "wb").write(data)  # restored from a backup
    photo_reindex(photo)
    _wait_until_done([photo.pk])
    photo.refresh_from_db()
    assert photo.status == Photo.Status.INDEXED and photo.failure_reason == "" and photo.faces.count() == 1


def test_a_batch_of_photos_is_indexed_in_one_task_and_a_broken_one_fails_alone(celery_worker, user, faces_dir):
    from indexing.photos.services import photos_enqueue_batch

    names = ["joe_biden_2.jpg", "kit_harington_1.jpg", "rose_leslie_2.jpg"]
    photos = [PhotoFactory(owner=user, file=n) for n in names]
    broken = Path(photos[1].original.path)
    broken.write_bytes(broken.read_bytes()[:1000])  # the disk lost part of the file
    photos_enqueue_batch([p.pk for p in photos])
    states = _wait_until_done([p.pk for p in photos])
    assert [states[p.pk] for p in photos] == [Photo.Status.INDEXED, Photo.Status.FAILED, Photo.Status.INDEXED]
    assert "truncated" in Photo.objects.get(pk=photos[1].pk).failure_reason


def test_a_forking_worker_indexes_in_each_process_with_the_model_loaded_before_the_fork(
    redis_url, media_root, user, faces_dir, faces_manifest
):
    """faceapp/celery.warm_up loads the face model in the worker's main process; its pool's processes,
    forked after, index with that copy (two batches, so both processes work)."""
    log = media_root / "prefork.log"
    env = app_worker_env(redis_url, media_root)
    worker = start_celery_worker(
        env, log, "--pool", "prefork", "--concurrency", "2", "-n", "prefork@%h", "-Q", "prefork"
    )
    names = ["group_kit_rose.jpg", "kit_harington_1.jpg", "rose_leslie_2.jpg", "joe_biden_2.jpg"]
    try:
        photos = [PhotoFactory(owner=user, file=n) for n in names]
        for batch in (photos[:2], photos[2:]):
            index_photos.apply_async(([p.pk for p in batch],), queue="prefork")
        states = _wait_until_done([p.pk for p in photos])
    finally:
        stop_worker(worker)
    assert "the face model is loaded" in log.read_text()
    assert set(states.values()) == {Photo.Status.INDEXED}
    assert [p.faces.count() for p in photos] == [len(faces_manifest[n]) for n in names]
