"""Meta's deauthorize and data deletion callbacks: signed_request checked, token revoked, fetched photos deleted."""

import pytest
from django.test import Client
from django.urls import reverse
from social_django.models import UserSocialAuth

from indexing.instagram import signed_request
from indexing.instagram.services import crawl as crawl_steps
from indexing.instagram.services import disconnect
from indexing.instagram.services.crawl import ALBUM_TITLE
from indexing.models import (
    Album,
    EngineFace,
    Face,
    InstagramAccount,
    InstagramCrawl,
    InstagramDeletion,
    InstagramMedia,
    Photo,
)
from indexing.photos import services
from tests.factories import InstagramAccountFactory, PhotoFactory

pytestmark = pytest.mark.django_db
SECRET = "the-app-secret"
IG_ID = "27000000000000042"


@pytest.fixture
def connected(user, settings):
    settings.SOCIAL_AUTH_INSTAGRAM_SECRET = SECRET
    settings.INSTAGRAM_QUEUE = "instagram-callbacks-idle"  # the deletion task waits; the test runs it
    InstagramAccountFactory(user=user, instagram_id=IG_ID, username="alice.ig", token="IGAAx")
    crawl = InstagramCrawl.objects.create(owner=user, state=InstagramCrawl.State.WALKING)
    album = services.album_get_or_create(user, ALBUM_TITLE, Album.Source.INSTAGRAM)
    post = services.PhotoSource(source_id="17900001")
    fetched = PhotoFactory(
        owner=user, file="kit_harington_1.jpg", file_name="a.jpg", album=album, source=post, indexed=True
    )
    InstagramMedia.objects.create(
        owner=user, media_id="17900001", post_id="17900001", media_type="IMAGE", crawl=crawl, photo=fetched
    )
    own = PhotoFactory(owner=user, file="rose_leslie_1.jpg", file_name="mine.jpg", album=album)
    return {"user": user, "crawl": crawl, "fetched": fetched.pk, "own": own.pk}


def post(url, signed):
    return Client(enforce_csrf_checks=True).post(url, {"signed_request": signed})  # server to server: no CSRF token


@pytest.mark.parametrize(
    "signed",
    [
        "",  # unsigned
        "no-dot-at-all",
        signed_request.sign({"user_id": IG_ID}, "another-apps-secret"),
        signed_request.sign({"user_id": IG_ID, "algorithm": "HMAC-SHA1"}, SECRET),
        signed_request.sign({"user_id": IG_ID}, SECRET).split(".")[0] + "." + signed_request.b64url_encode(b"{}"),
        signed_request.sign({"user_id": ""}, SECRET),
    ],
)
def test_bad_signed_requests_are_refused_and_change_nothing(connected, signed):
    for name in ("instagram_deauthorize", "instagram_data_deletion"):
        assert post(reverse(name), signed).status_code == 400
    assert UserSocialAuth.objects.filter(uid=IG_ID).exists() and not InstagramDeletion.objects.exists()
    assert InstagramCrawl.objects.get().state == InstagramCrawl.State.WALKING


def test_deauthorize_revokes_the_token_and_stops_crawls_without_a_relogin_banner(connected, client):
    answer = post(reverse("instagram_deauthorize"), signed_request.sign({"user_id": IG_ID, "issued_at": 1}, SECRET))
    assert answer.status_code == 200
    assert not UserSocialAuth.objects.exists() and not InstagramAccount.objects.get().needs_relogin
    assert crawl_steps.recrawl_all() == 0  # no token: nothing to crawl, and no banner asking to log in again
    crawl = InstagramCrawl.objects.get()
    assert crawl.state == InstagramCrawl.State.STOPPED and "removed faceapp" in crawl.message
    assert Photo.objects.count() == 2  # deauthorizing alone keeps the photos
    client.force_login(connected["user"])
    assert "no longer accepts" not in client.get("/").content.decode()


def test_data_deletion_answers_url_and_code_then_deletes_the_fetched_photos(connected, client):
    assert Face.objects.filter(photo_id=connected["fetched"]).exists()
    answer = post(reverse("instagram_data_deletion"), signed_request.sign({"user_id": IG_ID}, SECRET))
    body = answer.json()
    deletion = InstagramDeletion.objects.get()
    assert body["confirmation_code"] == deletion.confirmation_code
    assert body["url"] == f"http://testserver/instagram/data-deletion/{deletion.confirmation_code}/"
    assert "In progress" in Client().get(body["url"]).content.decode()  # public: Meta shows it to the person
    assert not UserSocialAuth.objects.exists()

    assert disconnect.deletion_run(deletion.pk) == 1
    assert disconnect.deletion_run(deletion.pk) == 0  # a task run twice deletes once
    assert list(Photo.objects.values_list("pk", flat=True)) == [connected["own"]]
    assert not Face.objects.filter(photo_id=connected["fetched"]).exists() and not InstagramMedia.objects.exists()
    assert not InstagramAccount.objects.exists()
    assert EngineFace.objects.count() == Face.objects.count()  # the engine lost the deleted faces too
    page = Client().get(body["url"]).content.decode()
    assert "Done" in page and "deleted the 1 photo" in page
    assert Client().get("/instagram/data-deletion/not-a-code/").status_code == 404


def test_an_unknown_account_still_gets_a_confirmation(settings):
    settings.SOCIAL_AUTH_INSTAGRAM_SECRET = SECRET
    body = post(reverse("instagram_data_deletion"), signed_request.sign({"user_id": "999"}, SECRET)).json()
    assert body["confirmation_code"] and InstagramDeletion.objects.get().user is None
