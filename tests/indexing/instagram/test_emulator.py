"""The emulator speaks Instagram as ../shared/reference/instagram.md describes it, over real HTTP."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.instagram_fixtures import CLIENT_ID, CLIENT_SECRET, kit_account

REDIRECT = "http://app.example/auth/complete/instagram/"


def authorize(url, username="kit.h", password="pw", redirect_uri=REDIRECT, decision="allow"):
    form = {
        "client_id": CLIENT_ID,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": "instagram_business_basic",
        "state": "xyz",
        "username": username,
        "password": password,
        "decision": decision,
    }
    return requests.post(f"{url}/oauth/authorize", data=form, allow_redirects=False)


def code_of(response) -> str:
    return parse_qs(urlsplit(response.headers["Location"]).query)["code"][0]


def exchange(url, code, redirect_uri=REDIRECT):
    return requests.post(
        f"{url}/oauth/access_token",
        data={
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "grant_type": "authorization_code",
            "redirect_uri": redirect_uri,
            "code": code,
        },
    )


def long_token(url) -> str:
    short = exchange(url, code_of(authorize(url))).json()["data"][0]["access_token"]
    answer = requests.get(
        f"{url}/access_token",
        params={"grant_type": "ig_exchange_token", "client_secret": CLIENT_SECRET, "access_token": short},
    ).json()
    assert answer["token_type"] == "bearer" and answer["expires_in"] > 59 * 86400
    return answer["access_token"]


@pytest.fixture
def kit(emulator):
    return kit_account(emulator, posts=3, password="pw", first_caption="first", carousel_videos=(1,))


def test_consent_page_asks_for_the_login_and_sends_back_a_code_and_the_state(emulator_server, kit):
    page = requests.get(
        f"{emulator_server.url}/oauth/authorize",
        params={
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT,
            "response_type": "code",
            "scope": "instagram_business_basic",
            "state": "xyz",
        },
    )
    assert page.status_code == 200 and 'name="password"' in page.text
    wrong = authorize(emulator_server.url, password="nope")
    assert wrong.status_code == 200 and "password was incorrect" in wrong.text
    back = authorize(emulator_server.url)
    assert back.status_code == 302 and back.headers["Location"].startswith(REDIRECT + "?code=")
    assert parse_qs(urlsplit(back.headers["Location"]).query)["state"] == ["xyz"]
    assert back.headers["Location"].endswith("#_")


def test_cancel_sends_back_access_denied(emulator_server, kit):
    back = authorize(emulator_server.url, decision="deny")
    query = parse_qs(urlsplit(back.headers["Location"]).query)
    assert query["error"] == ["access_denied"] and query["error_reason"] == ["user_denied"]


def test_consent_refuses_an_unknown_app_or_a_missing_scope(emulator_server, kit):
    base = {"client_id": CLIENT_ID, "redirect_uri": REDIRECT, "response_type": "code"}
    assert requests.get(f"{emulator_server.url}/oauth/authorize", params=base).status_code == 400
    other_app = {**base, "client_id": "someone-else", "scope": "instagram_business_basic"}
    assert requests.get(f"{emulator_server.url}/oauth/authorize", params=other_app).status_code == 400


def test_a_code_works_once_and_only_with_the_same_redirect_uri(emulator_server, kit):
    code = code_of(authorize(emulator_server.url))
    mismatch = exchange(emulator_server.url, code, REDIRECT + "?redirect_state=abc")
    assert mismatch.status_code == 400 and "redirect_uri is identical" in mismatch.json()["error_message"]
    code = code_of(authorize(emulator_server.url))
    first = exchange(emulator_server.url, code)
    assert first.status_code == 200 and first.json()["data"][0]["user_id"] == kit.user_id
    again = exchange(emulator_server.url, code)
    assert again.status_code == 400 and again.json() == {
        "error_type": "OAuthException",
        "code": 400,
        "error_message": "Matching code was not found or was already used",
    }


def test_a_long_lived_token_refreshes_only_once_a_day_old(emulator, emulator_server, kit):
    token = long_token(emulator_server.url)
    refresh = {"grant_type": "ig_refresh_token", "access_token": token}
    too_young = requests.get(f"{emulator_server.url}/refresh_access_token", params=refresh)
    assert too_young.status_code == 400
    emulator.advance(2 * 86400)
    fresh = requests.get(f"{emulator_server.url}/refresh_access_token", params=refresh).json()
    assert fresh["access_token"] != token and fresh["expires_in"] > 59 * 86400


def test_media_pages_follow_next_and_carry_children_and_thumbnails(emulator_server, kit):
    token = long_token(emulator_server.url)
    me = requests.get(
        f"{emulator_server.url}/v21.0/me", params={"access_token": token, "fields": "id,user_id,username,media_count"}
    ).json()
    assert me == {"id": kit.id, "user_id": kit.user_id, "username": "kit.h", "media_count": 3}
    fields = "id,caption,media_type,media_url,thumbnail_url,timestamp,children{id,media_type,media_url,thumbnail_url}"
    page = requests.get(
        f"{emulator_server.url}/me/media", params={"access_token": token, "fields": fields, "limit": 2}
    ).json()
    assert [m["media_type"] for m in page["data"]] == ["VIDEO", "CAROUSEL_ALBUM"]
    video, carousel = page["data"]
    assert "thumbnail_url" in video and "caption" not in video
    children = carousel["children"]["data"]
    assert [c["media_type"] for c in children] == ["IMAGE", "VIDEO"] and "permalink" not in children[0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000", carousel["timestamp"])
    assert re.search(rf"/v\d+\.0/{kit.user_id}/media\?", page["paging"]["next"])  # versioned, by IG id
    last = requests.get(page["paging"]["next"]).json()  # absolute, token included, as Instagram gives it
    assert [m["caption"] for m in last["data"]] == ["first"] and "next" not in last["paging"]
    image = requests.get(children[0]["media_url"])
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/jpeg"


def test_errors_come_in_instagrams_shapes(emulator, emulator_server, kit):
    token = long_token(emulator_server.url)
    bad = requests.get(f"{emulator_server.url}/me", params={"access_token": "IGAAnonsense"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == 190
    emulator.set_faults(rate_limit_after=1, rate_limit_seconds=30)
    assert requests.get(f"{emulator_server.url}/me", params={"access_token": token}).status_code == 200
    throttled = requests.get(f"{emulator_server.url}/me", params={"access_token": token})
    # Business Use Case throttling by default: code 4 in a 400, the usage header, no Retry-After
    assert throttled.status_code == 400 and throttled.json()["error"]["code"] == 4
    assert "estimated_time_to_regain_access" in throttled.headers["X-Business-Use-Case-Usage"]
    assert "Retry-After" not in throttled.headers
    emulator.set_faults(rate_limit_seconds=0, fail_next=1)
    emulator.faults.throttled_until = 0
    assert requests.get(f"{emulator_server.url}/me", params={"access_token": token}).status_code == 500
    assert requests.get(f"{emulator_server.url}/me", params={"access_token": token}).status_code == 200
    emulator.expire_tokens()
    expired = requests.get(f"{emulator_server.url}/me", params={"access_token": token}).json()["error"]
    assert (expired["code"], expired["error_subcode"]) == (190, 463)


def test_media_files_are_unique_per_media_item_and_breakable(emulator, emulator_server, kit):
    twice = kit.add_image("kit_harington_1.jpg")
    token = long_token(emulator_server.url)
    urls = [
        m["media_url"]
        for m in requests.get(
            f"{emulator_server.url}/me/media", params={"access_token": token, "fields": "media_url"}
        ).json()["data"]
    ]
    first, *_, last = [requests.get(u).content for u in urls]
    assert first != last  # the same photo posted twice still gives two files
    emulator.set_faults(broken_media={twice.id})
    assert requests.get(urls[0]).status_code == 404
    assert requests.get(urls[0].replace("sig=", "sig=0")).status_code == 403
