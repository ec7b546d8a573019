"""The concurrency claims, raced by two real Celery workers on PostgreSQL (SQLite serialises writers).

Each worker also reads a queue of its own, so a test hands the same task to both at the same
moment, as a redelivery, the stall sweeper or a second beat would: the claim of a photo, the
start of a crawl and the compare-and-set of a crawl's cursor must still act once.
"""

from __future__ import annotations

import base64
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
import redis
import requests
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from indexing.face_index import collection_id_for
from indexing.instagram import tasks as crawl_tasks
from indexing.models import EngineFace, Face, InstagramCrawl, InstagramMedia, Photo
from indexing.photos import tasks as photo_tasks
from indexing.photos.pipeline.runner import claim
from indexing.photos.services import album_get_or_create
from tests.factories import InstagramAccountFactory, PhotoFactory
from tests.instagram_fixtures import instagram_env, oauth_login, purge_queue
from tests.postgres import only_on_postgres
from tests.waiting import wait_until
from tests.workers import DIRECT_QUEUES, app_worker_env, start_celery_worker, stop_worker, wait_for_tasks

pytestmark = [only_on_postgres, pytest.mark.django_db(transaction=True)]
PHOTOS = [
    "group_kit_rose.jpg",
    "kit_harington_1.jpg",
    "rose_leslie_2.jpg",
    "joe_biden_2.jpg",
    "barack_obama_1.jpg",
    "group_obama_biden_2.jpg",
    "alex_lacamoire_2.jpg",
    "rose_leslie_1.jpg",
]
CLAIMERS = 4
CRAWL_QUEUE = "instagram-race"  # where the workers' own follow-up crawl tasks go: no worker reads it
CRAWL_DIRECT = (f"{CRAWL_QUEUE}.1", f"{CRAWL_QUEUE}.2")


def to_both(task, *args, at: datetime | None = None) -> list[str]:
    """The same task handed to the two workers at once (both start it at `at`); the ids of the two deliveries."""
    return [task.apply_async(args, queue=queue, eta=at).id for queue in DIRECT_QUEUES]


def test_two_workers_given_the_same_photos_index_each_photo_once(
    celery_worker, second_celery_worker, media_root, user, faces_dir, faces_manifest
):
    album = album_get_or_create(user, "Raced")
    photos = [PhotoFactory(owner=user, file=n, album=album) for n in PHOTOS]
    for photo in photos:  # one photo at a time, both workers starting it at the same instant
        first, second = to_both(photo_tasks.index_photo, photo.pk, at=timezone.now() + timedelta(seconds=0.5))
        wait_for_tasks([first], media_root / "worker.log")
        wait_for_tasks([second], media_root / "worker2.log")
    for photo, name in zip(photos, PHOTOS, strict=True):
        photo.refresh_from_db()
        assert photo.status == Photo.Status.INDEXED, (name, photo.failure_reason)
        assert photo.faces.count() == len(faces_manifest[name]), name
    engine_faces = EngineFace.objects.filter(collection__collection_id=collection_id_for(user))
    face_ids = list(Face.objects.filter(owner=user).values_list("engine_face_id", flat=True))
    assert len(face_ids) == sum(len(faces_manifest[n]) for n in PHOTOS)
    orphans = engine_faces.exclude(face_id__in=face_ids).values_list("external_image_id", "face_id")
    assert not orphans, f"faces left in the engine with no Face row: {list(orphans)}"
    assert engine_faces.count() == len(face_ids)


def test_simultaneous_claims_of_a_photo_grant_it_once(user, faces_dir):
    """The claim itself, at the same instant from several connections (a barrier), photo after photo."""
    photos = [PhotoFactory(owner=user, file=n) for n in PHOTOS]
    for photo in photos:
        barrier = threading.Barrier(CLAIMERS)

        def attempt(_, photo_id=photo.pk, barrier=barrier) -> bool:
            try:
                connection.ensure_connection()  # connected before the barrier: the claims start together
                barrier.wait(timeout=30)
                return claim(photo_id) is not None
            finally:
                connection.close()

        with ThreadPoolExecutor(CLAIMERS) as pool:
            won = list(pool.map(attempt, range(CLAIMERS)))
        assert won.count(True) == 1, f"photo {photo.file_name} claimed {won.count(True)} times"
        assert Photo.objects.get(pk=photo.pk).status == Photo.Status.PROCESSING


@pytest.fixture(scope="module")
def crawl_workers(emulator_server, redis_url, media_root, tmp_path_factory, django_db_setup):
    """Two real workers with the emulator's URLs, each on its own queue only; their follow-ups go unread."""
    env = {**app_worker_env(redis_url, media_root), **instagram_env(emulator_server, CRAWL_QUEUE)}
    logs = [tmp_path_factory.mktemp("crawlers") / f"crawl-worker{n}.log" for n in (1, 2)]
    workers = []
    try:
        for n, (queue, log) in enumerate(zip(CRAWL_DIRECT, logs, strict=True), 1):
            workers.append(start_celery_worker(env, log, "-n", f"crawler{n}@%h", "-Q", queue))
        yield logs
    finally:
        for proc in workers:
            stop_worker(proc)


@pytest.fixture
def crawlers(crawl_workers, redis_url):
    """The two crawl workers, their queues empty."""
    for queue in (CRAWL_QUEUE, *CRAWL_DIRECT):
        purge_queue(redis_url, queue)
    yield crawl_workers
    for queue in (CRAWL_QUEUE, *CRAWL_DIRECT):
        purge_queue(redis_url, queue)


def crawl_to_both(crawl_logs, task, *args) -> None:
    ids = [task.apply_async(args, queue=queue).id for queue in CRAWL_DIRECT]
    for task_id, log in zip(ids, crawl_logs, strict=True):
        wait_for_tasks([task_id], log)


def test_two_workers_recrawling_at_once_start_one_crawl_per_account(crawlers, redis_url):
    # connected: the recrawl only starts crawls of accounts with an Instagram login (a token)
    users = [InstagramAccountFactory(user__consent=False, token="t").user for _ in range(12)]
    crawl_to_both(crawlers, crawl_tasks.instagram_recrawl)
    for user in users:
        assert InstagramCrawl.objects.filter(owner=user, state__in=InstagramCrawl.ACTIVE).count() == 1, user
    assert InstagramCrawl.objects.count() == len(users)
    # one walk queued per crawl: the run that lost a start queued nothing
    assert redis.Redis.from_url(redis_url).llen(CRAWL_QUEUE) == len(users)


def _queued_args(redis_url: str, task_name: str) -> list[list]:
    """The arguments of every `task_name` message waiting in CRAWL_QUEUE (kombu's JSON envelope on Redis)."""
    found = []
    for raw in redis.Redis.from_url(redis_url).lrange(CRAWL_QUEUE, 0, -1):
        message = json.loads(raw)
        if message["headers"]["task"] == task_name:
            found.append(json.loads(base64.b64decode(message["body"]))[0])
    return found


def test_two_workers_walking_the_same_crawl_record_each_page_once(
    crawlers, live_server, emulator, idle_queue, redis_url
):
    account = emulator.add_account("kit.h", "pw-kit")
    for name in PHOTOS[1:6]:
        account.add_image(name)
    account.add_carousel(["group_kit_rose.jpg", "rose_leslie_1.jpg"])  # 6 posts, 7 images; pages of 2
    oauth_login(requests.Session(), live_server.url, "kit.h", "pw-kit")  # starts the crawl (its task goes unread)
    user = get_user_model().objects.get(instagram_account__username="kit.h")
    crawl = wait_until(lambda: InstagramCrawl.objects.filter(owner=user).first(), what="the crawl")
    for _ in range(3):  # 3 pages: both walk from the cursor; each page is recorded by whichever run moves it first
        crawl_to_both(crawlers, crawl_tasks.instagram_crawl_page, crawl.pk)
    crawl.refresh_from_db()
    assert (crawl.state, crawl.posts_seen, crawl.next_url) == (InstagramCrawl.State.INDEXING, 6, "")
    media = InstagramMedia.objects.filter(owner=user)
    assert sorted(media.values_list("media_id", flat=True)) == sorted(account.images())
    # the run that recorded a page queued its images' downloads; a run that lost the cursor queued nothing
    queued = [pk for batch in _queued_args(redis_url, "indexing.tasks.instagram_fetch_media_batch") for pk in batch[0]]
    assert sorted(queued) == sorted(media.values_list("pk", flat=True)), "each image queued exactly once"
