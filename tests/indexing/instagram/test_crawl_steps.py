"""Crawl steps run in this process against the emulator: each is idempotent, and the odd paths hold."""

import pytest
import requests
from django.db import IntegrityError, transaction

from indexing.instagram.services import crawl as crawler
from indexing.models import InstagramCrawl, InstagramMedia, Photo
from tests.factories import PhotoFactory
from tests.instagram_fixtures import kit_account, oauth_login, purge_queue

from .test_crawl import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def kit(emulator, idle_queue):
    return kit_account(emulator, posts=2)


def test_a_page_and_a_media_item_done_twice_count_once(live_server, kit, emulator):
    user, _ = log_in(live_server)
    crawl = InstagramCrawl.objects.get(owner=user)
    before = InstagramCrawl.objects.get(pk=crawl.pk)  # what a second delivery of the task had read
    crawler.crawl_page(crawl.pk)
    items = (
        crawler.client_for(user.social_auth.get().extra_data["access_token"])
        .media_page(crawler.client_for("").first_page_url(2))
        .items
    )
    crawler._record_page(before, items, "")  # the duplicate finishes late: its page is already recorded
    crawl.refresh_from_db()
    assert crawl.posts_seen == 2 and InstagramMedia.objects.count() == 3
    media = InstagramMedia.objects.get(media_id=kit.posts[1].id)
    crawler.media_fetch(media.pk)
    crawler.media_fetch(media.pk)
    assert Photo.objects.filter(source_id=media.media_id).count() == 1 and emulator.downloads[media.media_id] == 1


def test_an_expired_media_link_is_fetched_again_from_the_media_object(live_server, kit, emulator):
    user, _ = log_in(live_server)
    crawler.crawl_page(InstagramCrawl.objects.get(owner=user).pk)
    emulator.advance(4 * 86400)  # signed links last days; the token lasts 60 days
    media = InstagramMedia.objects.get(media_id=kit.posts[1].id)
    crawler.media_fetch(media.pk)
    media.refresh_from_db()
    assert media.status == InstagramMedia.Status.DONE and media.photo.status == Photo.Status.INDEXED
    assert emulator.downloads[media.media_id] == 1


def test_one_crawl_per_account_at_a_time(live_server, kit):
    user, http = log_in(live_server)
    first = InstagramCrawl.objects.get(owner=user)
    assert crawler.crawl_start(user) == first
    http.post(f"{live_server.url}/instagram/crawls/new/", data={"csrfmiddlewaretoken": http.cookies["csrftoken"]})
    assert InstagramCrawl.objects.filter(owner=user).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():  # even two requests at the same instant
        InstagramCrawl.objects.create(owner=user)
    oauth_login(requests.Session(), live_server.url, "kit.h", "pw-kit")
    assert InstagramCrawl.objects.filter(owner=user).count() == 1


def test_a_stalled_crawl_is_queued_again(live_server, kit, settings, redis_url, idle_queue):
    import redis

    user, _ = log_in(live_server)
    crawl = InstagramCrawl.objects.get(owner=user)
    purge_queue(redis_url, idle_queue)  # the page task was lost with its worker
    assert crawler.resume_stalled() == 0  # it just started
    settings.INSTAGRAM_STALL_SECONDS = 0
    assert crawler.resume_stalled() == 1
    assert redis.Redis.from_url(redis_url).llen(idle_queue) == 1
    crawler.crawl_page(crawl.pk)  # what the queued task does
    assert InstagramCrawl.objects.get(pk=crawl.pk).posts_seen == 2


def test_the_periodic_recrawl_starts_a_crawl_for_each_idle_account_that_can_log_in(live_server, kit, emulator):
    user, _ = log_in(live_server)
    other = emulator.add_account("rose.l", "pw-rose")
    other.add_image("rose_leslie_1.jpg")
    rose, _ = log_in(live_server, "rose.l", "pw-rose")
    assert crawler.recrawl_all() == 0  # both still crawling
    InstagramCrawl.objects.update(state=InstagramCrawl.State.DONE)
    rose.instagram_account.needs_relogin = True
    rose.instagram_account.save()
    assert crawler.recrawl_all() == 1
    assert InstagramCrawl.objects.filter(owner=user, state=InstagramCrawl.State.QUEUED).count() == 1
    assert not InstagramCrawl.objects.filter(owner=rose, state=InstagramCrawl.State.QUEUED).exists()


def test_next_links_by_ig_id_are_followed_and_media_without_media_url_fail_alone(live_server, emulator, idle_queue):
    account = emulator.add_account("kit.h", "pw-kit")
    for name in ("kit_harington_1.jpg", "rose_leslie_1.jpg", "kit_harington_3.jpg"):
        account.add_image(name)
    flagged = account.add_image("rose_leslie_2.jpg")
    flagged.no_media_url = True  # copyright-flagged: Instagram leaves media_url out
    user, _ = log_in(live_server)
    crawler.crawl_page(InstagramCrawl.objects.get(owner=user).pk)  # the walk reads every page (2 posts each)
    crawl = InstagramCrawl.objects.get(owner=user)
    assert crawl.posts_seen == 4 and crawl.state == InstagramCrawl.State.INDEXING
    failed = InstagramMedia.objects.get(media_id=flagged.id)
    assert failed.status == InstagramMedia.Status.FAILED and "no image" in failed.failure_reason
    pending = list(InstagramMedia.objects.filter(status=InstagramMedia.Status.PENDING).values_list("pk", flat=True))
    assert crawler.media_fetch_batch(pending) == [] and Photo.objects.filter(owner=user).count() == 3
    assert all(emulator.downloads[m] == 1 for m in account.images() if m != flagged.id)
    crawl.refresh_from_db()
    assert crawl.state == InstagramCrawl.State.DONE


def test_an_image_the_user_had_uploaded_is_linked_not_stored_again(live_server, kit, emulator):

    user, _ = log_in(live_server)
    crawler.crawl_page(InstagramCrawl.objects.get(owner=user).pk)
    media = InstagramMedia.objects.get(media_id=kit.posts[1].id)
    data = crawler.client_for("").download(media.url, 10_000_000)
    uploaded = PhotoFactory(owner=user, data=data, file_name="mine.jpg")  # the same bytes, uploaded before
    crawler.media_fetch_batch([media.pk])  # stored without looking first: the unique constraint finds the upload
    media.refresh_from_db()
    assert media.status == InstagramMedia.Status.DONE and media.photo == uploaded
    assert Photo.objects.filter(owner=user, content_hash=uploaded.content_hash).count() == 1
