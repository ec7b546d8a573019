"""End to end: the account removes the app on Instagram; the emulator POSTs Meta's two signed callbacks."""

import json

import pytest
import requests

from indexing.models import EngineFace, Face, InstagramCrawl, InstagramDeletion, Photo
from tests.waiting import wait_until

from .test_crawl import first_crawl, kit, log_in  # noqa: F401 - kit is a fixture

pytestmark = pytest.mark.django_db(transaction=True)


def test_removing_the_app_revokes_the_token_and_deletes_the_fetched_photos(live_server, kit, emulator):  # noqa: F811
    user, http = log_in(live_server)
    first_crawl(user)
    assert Photo.objects.filter(owner=user).count() == 5 and Face.objects.filter(owner=user).exists()
    emulator.callback_urls = {
        "deauthorize": f"{live_server.url}/instagram/deauthorize/",
        "deletion": f"{live_server.url}/instagram/data-deletion/",
    }
    answers = requests.post(f"{emulator.base_url}/_emulator/remove_app", json={"username": "kit.h"}).json()
    assert answers["deauthorize"]["status"] == 200
    deletion = answers["deletion"]
    assert deletion["status"] == 200
    status_url = json.loads(deletion["body"])["url"]
    assert not user.social_auth.exists() and not InstagramCrawl.objects.filter(state__in=InstagramCrawl.ACTIVE)
    wait_until(
        lambda: InstagramDeletion.objects.filter(state=InstagramDeletion.State.DONE).exists(), 60, "the deletion task"
    )
    assert not Photo.objects.filter(owner=user).exists() and not Face.objects.filter(owner=user).exists()
    assert not EngineFace.objects.exists()
    page = requests.get(status_url).text
    assert "Done" in page and "deleted the 5 photos" in page
    gallery = http.get(f"{live_server.url}/").text
    assert "no longer accepts" not in gallery  # removing the app is not a reason to ask for a new login
