"""The Graph API client against the emulator: paging by `next`, Instagram's errors as named exceptions."""

import pytest

from indexing.instagram.client import (
    GraphClient,
    MediaGone,
    RateLimited,
    TokenInvalid,
    Unavailable,
    image_url,
    without_token,
)

from .test_emulator import long_token


@pytest.fixture
def client(emulator, emulator_server):
    account = emulator.add_account("kit.h", "pw")
    for name in ("kit_harington_1.jpg", "rose_leslie_1.jpg", "kit_harington_3.jpg"):
        account.add_image(name)
    account.add_carousel(["group_kit_rose.jpg", "rose_leslie_2.jpg"])
    return GraphClient(
        long_token(emulator_server.url), emulator_server.url, timeout=5, retries=2, backoff=0.05, default_wait=7
    )


def test_pages_are_followed_by_next_which_is_kept_without_the_token(client):
    url, seen = client.first_page_url(limit=3), []
    while url:
        page = client.media_page(url)
        assert client.token not in page.next_url
        seen += page.items
        url = page.next_url
    assert len(seen) == 4
    carousel = seen[0]
    assert [image_url(c) is not None for c in carousel["children"]["data"]] == [True, True]


def test_an_expired_token_is_token_invalid(client, emulator):
    emulator.expire_tokens()
    with pytest.raises(TokenInvalid, match="190"):
        client.me()


@pytest.mark.parametrize("status, code", [(429, 4), (400, 17), (403, 613)])
def test_rate_limits_by_status_or_by_code_are_rate_limited(client, emulator, status, code):
    emulator.set_faults(rate_limit_after=0, rate_limit_seconds=30, rate_limit_status=status, rate_limit_code=code)
    with pytest.raises(RateLimited) as caught:
        client.me()
    # Retry-After on a 429; otherwise the usage header says under a minute, so the default wait applies
    assert caught.value.wait_seconds == (31 if status == 429 else 7)


def test_5xx_are_retried_a_bounded_number_of_times(client, emulator):
    emulator.set_faults(fail_next=2)
    assert client.me()["id"]  # two 500s, then the third try answers
    assert emulator.calls["failed"] == 2
    emulator.set_faults(fail_always=True)
    with pytest.raises(Unavailable, match="500") as caught:
        client.me()
    assert emulator.calls["failed"] == 2 + 3 and client.token not in str(caught.value)


def test_a_broken_media_link_is_media_gone(client, emulator):
    item = client.media_page(client.first_page_url(limit=1)).items[0]
    emulator.set_faults(broken_media={item["children"]["data"][0]["id"]})
    with pytest.raises(MediaGone) as caught:
        client.download(image_url(item["children"]["data"][0]), max_bytes=10_000_000)
    assert caught.value.status == 404
    assert client.download(image_url(item["children"]["data"][1]), max_bytes=10_000_000)[:2] == b"\xff\xd8"


def test_an_unreachable_instagram_is_unavailable_without_the_token_in_the_message():
    client = GraphClient("IGAAsecret", "http://127.0.0.1:9", timeout=1, retries=1, backoff=0)
    with pytest.raises(Unavailable) as caught:
        client.me()
    assert "IGAAsecret" not in str(caught.value)


def test_without_token_drops_only_the_token():
    assert without_token("https://g/me/media?access_token=T&after=X&limit=2") == "https://g/me/media?after=X&limit=2"
