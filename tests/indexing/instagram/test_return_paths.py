"""The ways back into an account, over real HTTP through the emulator: logging in again after logging out,
and connecting an Instagram account that another faceapp account already holds."""

import pytest
import requests
from django.contrib.auth import get_user_model
from social_django.models import UserSocialAuth

from tests.instagram_fixtures import oauth_login

pytestmark = pytest.mark.django_db(transaction=True)
User = get_user_model()


def log_in_with_password(http: requests.Session, app_url: str, username: str, password: str) -> None:
    http.get(f"{app_url}/accounts/login/")
    page = http.post(
        f"{app_url}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": http.cookies["csrftoken"]},
    )
    assert page.url.rstrip("/") == app_url, page.url


def log_out(http: requests.Session, app_url: str) -> None:
    page = http.post(
        f"{app_url}/accounts/logout/",
        data={"csrfmiddlewaretoken": http.cookies["csrftoken"]},
        headers={"Referer": f"{app_url}/"},
    )
    assert "You are logged out" in page.text


def test_logging_out_then_in_with_instagram_in_the_same_browser_reaches_the_same_account(live_server, kit):
    http = requests.Session()
    oauth_login(http, live_server.url, "kit.h", "pw-kit")
    first = User.objects.get()
    log_out(http, live_server.url)
    assert "Log in" in http.get(f"{live_server.url}/accounts/login/").text
    page = oauth_login(http, live_server.url, "kit.h", "pw-kit")
    assert page.url.split("#")[0] == f"{live_server.url}/"
    assert list(User.objects.all()) == [first] and UserSocialAuth.objects.get().user == first
    assert first.username in page.text


def test_a_password_user_who_connects_instagram_returns_to_it_by_instagram_alone(live_server, kit, user):
    http = requests.Session()
    log_in_with_password(http, live_server.url, "alice", "pw-alice-123")
    oauth_login(http, live_server.url, "kit.h", "pw-kit")
    log_out(http, live_server.url)
    page = oauth_login(http, live_server.url, "kit.h", "pw-kit")
    assert page.url.split("#")[0] == f"{live_server.url}/" and "alice" in page.text
    assert list(User.objects.all()) == [user] and UserSocialAuth.objects.get().user == user


def test_connecting_an_instagram_account_held_by_another_account_explains_what_to_do(live_server, kit, user):
    oauth_login(requests.Session(), live_server.url, "kit.h", "pw-kit")  # kit.h's own faceapp account
    holder = UserSocialAuth.objects.get().user
    http = requests.Session()
    log_in_with_password(http, live_server.url, "alice", "pw-alice-123")
    page = oauth_login(http, live_server.url, "kit.h", "pw-kit")
    assert page.url.split("#")[0] == f"{live_server.url}/instagram/linked-elsewhere/"  # Instagram appends #_
    assert "This Instagram account is linked to another faceapp account" in page.text
    assert "kit.h" in page.text and "log out, then choose “Log in with Instagram”" in page.text
    assert "already associated" not in page.text and "did not let faceapp in" not in page.text
    assert UserSocialAuth.objects.get().user == holder and User.objects.count() == 2  # nothing moved
    # and the way it names works: logging out and in with Instagram reaches the account that holds it
    log_out(http, live_server.url)
    oauth_login(http, live_server.url, "kit.h", "pw-kit")
    assert holder.username in http.get(f"{live_server.url}/").text and User.objects.count() == 2


def test_removing_faceapp_in_instagram_frees_the_account_to_connect_here_as_the_page_says(
    live_server, kit, emulator, user
):
    oauth_login(requests.Session(), live_server.url, "kit.h", "pw-kit")  # kit.h's own faceapp account
    http = requests.Session()
    log_in_with_password(http, live_server.url, "alice", "pw-alice-123")
    assert "remove faceapp" in oauth_login(http, live_server.url, "kit.h", "pw-kit").text
    emulator.callback_urls = {
        "deauthorize": f"{live_server.url}/instagram/deauthorize/",
        "deletion": f"{live_server.url}/instagram/data-deletion/",
    }
    answers = requests.post(f"{emulator.base_url}/_emulator/remove_app", json={"username": "kit.h"}).json()
    assert answers["deauthorize"]["status"] == 200
    page = oauth_login(http, live_server.url, "kit.h", "pw-kit")
    assert page.url.split("#")[0] == f"{live_server.url}/"
    assert UserSocialAuth.objects.get().user == user and user.instagram_account.username == "kit.h"
