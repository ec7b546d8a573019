"""A worker killed (SIGKILL) mid-crawl: another one finishes it, one photo per media item, no duplicate face."""

import os
import signal

import pytest

from indexing.models import InstagramCrawl, Photo
from tests.instagram_fixtures import purge_queue, start_worker, worker_env
from tests.waiting import wait_until

from .test_crawl import assert_one_photo_per_image, log_in, settled

pytestmark = pytest.mark.django_db(transaction=True)
QUEUE = "instagram-kill"
# Claims and messages of a dead worker are taken over after seconds, not the production minutes.
FAST_RECOVERY = {"CELERY_TASK_TIME_LIMIT": "5", "CELERY_VISIBILITY_TIMEOUT": "3", "INSTAGRAM_STALL_SECONDS": "4"}
PHOTOS = [
    "alex_lacamoire_2.jpg",
    "joe_biden_2.jpg",
    "kit_harington_1.jpg",
    "rose_leslie_1.jpg",
    "barack_obama_1.jpg",
    "barack_obama_2.jpg",
    "kit_harington_3.jpg",
    "rose_leslie_2.jpg",
    "alex_lacamoire_3.jpg",
    "barack_obama_3.jpg",
]


def test_killing_the_worker_mid_crawl_loses_nothing_and_duplicates_nothing(
    live_server, emulator, emulator_server, instagram_settings, redis_url, media_root, tmp_path, faces_manifest
):
    account = emulator.add_account("kit.h", "pw-kit")
    for name in PHOTOS:
        account.add_image(name)
    account.add_carousel(["group_kit_rose.jpg", "group_obama_biden_2.jpg", "lin_manuel_miranda_1.png"])
    account.add_video("alex_lacamoire_1.png")
    instagram_settings.INSTAGRAM_QUEUE = QUEUE
    purge_queue(redis_url, QUEUE)
    env = {**worker_env(redis_url, media_root, emulator_server, QUEUE), **FAST_RECOVERY}
    first = start_worker(env, tmp_path / "first.log")
    try:
        user, _ = log_in(live_server)
        crawl_id = InstagramCrawl.objects.get(owner=user).pk
        photos = Photo.objects.filter(owner=user)
        # kill it while it indexes a photo, once a few are done
        wait_until(
            lambda: (
                photos.filter(status=Photo.Status.INDEXED).count() >= 3
                and photos.filter(status=Photo.Status.PROCESSING).exists()
            ),
            120,
            "the crawl to get going",
            every=0.01,
        )
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    assert InstagramCrawl.objects.get(pk=crawl_id).state != InstagramCrawl.State.DONE
    assert photos.count() < len(account.images())
    second = start_worker(env, tmp_path / "second.log", "--beat", "--schedule", str(tmp_path / "beat-schedule"))
    try:
        settled(crawl_id, InstagramCrawl.State.DONE, timeout=180)
    finally:
        second.terminate()
        second.wait(timeout=30)
    assert_one_photo_per_image(user, account, faces_manifest)
