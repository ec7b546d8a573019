"""Crawls through a real Celery worker and broker, against the emulator over HTTP, faults included."""

import pytest
import requests
from django.contrib.auth import get_user_model

from indexing.face_index import collection_id_for
from indexing.models import Album, EngineFace, Face, InstagramAccount, InstagramCrawl, InstagramMedia, Photo
from tests.instagram_fixtures import kit_account, oauth_login
from tests.waiting import wait_until

pytestmark = pytest.mark.django_db(transaction=True)
State = InstagramCrawl.State


@pytest.fixture
def kit(emulator, instagram_settings, instagram_worker):
    """Four posts, five images, six faces: a photo, a carousel, a video, a photo (newest last)."""
    return kit_account(emulator, posts=4)


def log_in(live_server, username="kit.h", password="pw-kit"):
    http = requests.Session()
    oauth_login(http, live_server.url, username, password)
    return get_user_model().objects.get(instagram_account__username=username), http


def settled(crawl_id, *states, timeout=120) -> InstagramCrawl:
    """The crawl once it reached one of `states` and none of its media is still being fetched."""

    def check():
        crawl = InstagramCrawl.objects.get(pk=crawl_id)
        pending = InstagramMedia.objects.filter(crawl=crawl, status=InstagramMedia.Status.PENDING).exists()
        indexing = Photo.objects.filter(
            owner=crawl.owner, status__in=[Photo.Status.PENDING, Photo.Status.PROCESSING]
        ).exists()
        return crawl if crawl.state in states and not pending and not indexing else None

    return wait_until(check, timeout, f"crawl {crawl_id} to end {states}")


def first_crawl(user, *states) -> InstagramCrawl:
    return settled(InstagramCrawl.objects.filter(owner=user).earliest("pk").pk, *(states or (State.DONE,)))


def assert_one_photo_per_image(user, account, faces_manifest):
    photos = Photo.objects.filter(owner=user)
    images = account.images()
    assert sorted(p.source_id for p in photos) == sorted(images)
    for photo in photos:
        assert photo.status == Photo.Status.INDEXED
        assert photo.faces.count() == len(faces_manifest[images[photo.source_id]]), images[photo.source_id]
    engine_faces = EngineFace.objects.filter(collection__collection_id=collection_id_for(user))
    assert sorted(engine_faces.values_list("face_id", flat=True)) == sorted(
        Face.objects.filter(owner=user).values_list("engine_face_id", flat=True)
    )  # no orphan, no duplicate
    assert {f.external_image_id for f in engine_faces} <= set(images)  # the media id is the external image id


def test_the_first_login_crawls_the_feed_into_the_instagram_album(live_server, kit, emulator, faces_manifest):
    user, http = log_in(live_server)
    crawl = first_crawl(user)
    assert_one_photo_per_image(user, kit, faces_manifest)
    album = Album.objects.get(owner=user, title="Instagram")
    assert album.source == Album.Source.INSTAGRAM and album.photos.count() == 5
    assert (crawl.posts_total, crawl.posts_seen) == (4, 4)
    assert set(emulator.downloads) == set(kit.images()) and set(emulator.downloads.values()) == {1}
    progress = http.get(f"{live_server.url}/instagram/crawls/{crawl.pk}/").json()
    assert progress["state"] == "done" and progress["percent"] == 100
    assert (progress["photos_indexed"], progress["faces_found"], progress["failures"]) == (5, 6, 0)
    assert len(progress["faces"]) == 6
    assert http.get(f"{live_server.url}{progress['faces'][0]['crop']}").status_code == 200


def test_faces_appear_while_the_crawl_is_still_running(live_server, kit, emulator):
    emulator.set_faults(path="/me/media", rate_limit_after=1, rate_limit_seconds=4)  # the second page waits
    user, http = log_in(live_server)
    crawl_id = InstagramCrawl.objects.get(owner=user).pk
    progress = wait_until(
        lambda: (p := http.get(f"{live_server.url}/instagram/crawls/{crawl_id}/").json())["faces"] and p,
        60,
        "the first faces",
    )
    assert progress["active"] and progress["state"] != "done" and progress["percent"] < 100
    settled(crawl_id, State.DONE)


def test_a_later_crawl_fetches_only_new_posts_and_removes_deleted_ones(live_server, kit, emulator, faces_manifest):
    user, http = log_in(live_server)
    first_crawl(user)
    carousel = kit.posts[2]
    gone = [c.id for c in carousel.children]
    gone_files = [p.original.path for p in Photo.objects.filter(source_id__in=gone)]
    kit.delete_post(carousel.id)
    new = kit.add_image("kit_harington_2.jpg")
    page = http.post(
        f"{live_server.url}/instagram/crawls/new/", data={"csrfmiddlewaretoken": http.cookies["csrftoken"]}
    )
    assert page.status_code == 200
    second = settled(InstagramCrawl.objects.filter(owner=user).latest("pk").pk, State.DONE)
    assert not second.full and second.posts_seen == 4
    assert emulator.downloads[new.id] == 1 and set(emulator.downloads.values()) == {1}  # old posts not fetched again
    assert (
        not Photo.objects.filter(source_id__in=gone).exists()
        and not Face.objects.filter(photo__source_id__in=gone).exists()
    )
    assert not any(__import__("os").path.exists(f) for f in gone_files)
    assert_one_photo_per_image(user, kit, {**faces_manifest, "kit_harington_2.jpg": ["kit_harington"]})


@pytest.mark.parametrize("status, code", [(429, 4), (400, 17)])
def test_a_rate_limit_makes_the_crawl_wait_and_resume_from_its_cursor(
    live_server, kit, emulator, faces_manifest, status, code
):
    emulator.set_faults(
        path="/me/media", rate_limit_after=1, rate_limit_seconds=1.5, rate_limit_status=status, rate_limit_code=code
    )
    user, _ = log_in(live_server)
    crawl = first_crawl(user)
    assert crawl.throttled >= 1 and emulator.calls["throttled"] >= 1 and crawl.posts_seen == 4
    assert_one_photo_per_image(user, kit, faces_manifest)


def test_5xx_are_retried_and_the_crawl_goes_on(live_server, kit, emulator, faces_manifest):
    emulator.set_faults(path="/me/media", fail_next=4)  # more than one request's retries
    user, _ = log_in(live_server)
    first_crawl(user)
    assert emulator.calls["failed"] == 4
    assert_one_photo_per_image(user, kit, faces_manifest)


def test_instagram_failing_for_good_fails_the_crawl_with_a_reason(live_server, kit, emulator):
    emulator.set_faults(path="/me/media", fail_always=True)
    user, http = log_in(live_server)
    crawl = first_crawl(user, State.FAILED)
    assert "500" in crawl.message and "gave up" in crawl.message
    token = user.social_auth.get().extra_data["access_token"]
    assert token not in crawl.message and token not in http.get(f"{live_server.url}/instagram/crawls/{crawl.pk}/").text


def test_an_expired_token_stops_the_crawl_and_asks_for_a_new_login(live_server, kit, emulator, faces_manifest):
    user, http = log_in(live_server)
    first_crawl(user)
    emulator.expire_tokens()
    new = kit.add_image("kit_harington_2.jpg")
    http.post(f"{live_server.url}/instagram/crawls/new/", data={"csrfmiddlewaretoken": http.cookies["csrftoken"]})
    stopped = settled(InstagramCrawl.objects.filter(owner=user).latest("pk").pk, State.STOPPED)
    assert "190" in stopped.message and InstagramAccount.objects.get(user=user).needs_relogin
    assert "Log in with Instagram again" in http.get(f"{live_server.url}/").text
    oauth_login(http, live_server.url, "kit.h", "pw-kit")  # the user logs in again: the crawl goes on
    settled(InstagramCrawl.objects.filter(owner=user).latest("pk").pk, State.DONE)
    assert get_user_model().objects.count() == 1 and Photo.objects.filter(source_id=new.id).exists()
    assert "Log in with Instagram again" not in http.get(f"{live_server.url}/").text


def test_a_broken_media_url_fails_that_photo_and_the_crawl_goes_on(live_server, kit, emulator):
    broken = kit.posts[0].id  # the newest post, fetched first
    emulator.set_faults(broken_media={broken})
    user, http = log_in(live_server)
    crawl = first_crawl(user)
    media = InstagramMedia.objects.get(media_id=broken)
    assert media.status == InstagramMedia.Status.FAILED and "404" in media.failure_reason
    assert Photo.objects.filter(owner=user).count() == 4
    progress = http.get(f"{live_server.url}/instagram/crawls/{crawl.pk}/").json()
    assert (progress["failures"], progress["photos_indexed"], progress["state"]) == (1, 4, "done")
    emulator.set_faults(broken_media=set())  # mended: the next crawl fetches it
    http.post(f"{live_server.url}/instagram/crawls/new/", data={"csrfmiddlewaretoken": http.cookies["csrftoken"]})
    settled(InstagramCrawl.objects.filter(owner=user).latest("pk").pk, State.DONE)
    assert Photo.objects.filter(owner=user, source_id=broken).exists()
