"""'Log in with Instagram' through the emulator over real HTTP: accounts, tokens, refresh, relogin."""

import time

import pytest
import requests
from django.contrib.auth import get_user_model
from social_django.models import UserSocialAuth

from indexing.instagram.services.accounts import refresh_tokens
from indexing.models import InstagramAccount, InstagramCrawl
from tests.instagram_fixtures import oauth_login

pytestmark = pytest.mark.django_db(transaction=True)
User = get_user_model()


def test_a_new_visitor_logs_in_and_gets_one_account_with_a_long_lived_token(live_server, kit, emulator):
    http = requests.Session()
    page = oauth_login(http, live_server.url, "kit.h", "pw-kit")
    assert page.status_code == 200 and page.url.split("#")[0] == f"{live_server.url}/"  # Instagram appends #_
    user = User.objects.get()
    assert user.instagram_account.username == "kit.h" and not user.instagram_account.needs_relogin
    social = UserSocialAuth.objects.get(user=user, provider="instagram")
    assert social.uid == kit.id
    token = social.extra_data["access_token"]
    assert emulator.tokens[token].kind == "long" and social.extra_data["expires_in"] > 59 * 86400
    crawl = InstagramCrawl.objects.get(owner=user)  # the first login starts the crawl
    assert crawl.full and crawl.state == InstagramCrawl.State.QUEUED
    for path in ("/", f"/instagram/crawls/{crawl.pk}/"):
        shown = http.get(f"{live_server.url}{path}")
        assert shown.status_code == 200 and token not in shown.text


def test_logging_in_again_reuses_the_account(live_server, kit):
    oauth_login(requests.Session(), live_server.url, "kit.h", "pw-kit")
    first = User.objects.get()
    page = oauth_login(requests.Session(), live_server.url, "kit.h", "pw-kit")
    assert page.url.split("#")[0] == f"{live_server.url}/"  # Instagram appends #_
    assert list(User.objects.all()) == [first] and UserSocialAuth.objects.count() == 1
    assert InstagramCrawl.objects.filter(owner=first).count() == 1  # one crawl per account at a time


def test_a_local_user_connects_instagram_later(live_server, kit, user):
    http = requests.Session()
    http.get(f"{live_server.url}/accounts/login/")
    http.post(
        f"{live_server.url}/accounts/login/",
        data={"username": "alice", "password": "pw-alice-123", "csrfmiddlewaretoken": http.cookies["csrftoken"]},
    )
    assert "Connect Instagram" in http.get(f"{live_server.url}/").text
    oauth_login(http, live_server.url, "kit.h", "pw-kit")
    assert User.objects.count() == 1
    assert UserSocialAuth.objects.get().user == user and InstagramAccount.objects.get().user == user
    # and from now on, Instagram alone logs alice in
    oauth_login(requests.Session(), live_server.url, "kit.h", "pw-kit")
    assert User.objects.count() == 1


def test_cancelling_on_instagram_leads_to_a_page_that_offers_to_try_again(live_server, kit):
    page = oauth_login(requests.Session(), live_server.url, "kit.h", "pw-kit", decision="deny")
    assert page.url.startswith(f"{live_server.url}/instagram/refused/")
    assert "Try Instagram login again" in page.text and User.objects.count() == 0


def test_the_documented_and_the_flat_token_answers_both_work(live_server, kit, emulator):
    emulator.set_faults(flat_token_answer=True)
    oauth_login(requests.Session(), live_server.url, "kit.h", "pw-kit")
    assert UserSocialAuth.objects.get().extra_data["access_token"].startswith("IGAA")


def test_tokens_near_expiry_are_refreshed_and_refused_ones_ask_for_a_new_login(live_server, kit, emulator, settings):
    oauth_login(requests.Session(), live_server.url, "kit.h", "pw-kit")
    social = UserSocialAuth.objects.get()
    old_token = social.extra_data["access_token"]
    assert refresh_tokens()["refreshed"] == 0  # 60 days left: nothing to do
    emulator.advance(40 * 86400)  # 40 days later, on both sides
    social.extra_data["auth_time"] = int(time.time()) - 40 * 86400
    social.save()
    assert refresh_tokens()["refreshed"] == 1
    social.refresh_from_db()
    assert social.extra_data["access_token"] != old_token and social.extra_data["expires_in"] > 59 * 86400
    assert emulator.tokens[social.extra_data["access_token"]].kind == "long"
    emulator.advance(40 * 86400)
    social.extra_data["auth_time"] = int(time.time()) - 40 * 86400
    social.save()
    emulator.expire_tokens()  # e.g. the password changed on Instagram
    assert refresh_tokens()["refused"] == 1
    account = InstagramAccount.objects.get()
    assert account.needs_relogin and "190" in account.problem
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"indexing.tasks.instagram_refresh_tokens", "indexing.tasks.instagram_recrawl"} <= schedule


def test_the_relogin_banner_shows_until_instagram_logs_the_user_in_again(live_server, kit):
    http = requests.Session()
    oauth_login(http, live_server.url, "kit.h", "pw-kit")
    InstagramAccount.objects.update(needs_relogin=True, problem="Instagram answered 400 (code 190): expired")
    assert "Log in with Instagram again" in http.get(f"{live_server.url}/").text
    oauth_login(http, live_server.url, "kit.h", "pw-kit")
    assert "Log in with Instagram again" not in http.get(f"{live_server.url}/").text
    assert not InstagramAccount.objects.get().needs_relogin
