"""Who can log in with Instagram, said before and after: personal accounts, app roles, denial, error 10."""

import pytest
import requests
from django.contrib.auth import get_user_model

from indexing.instagram.services import crawl as crawl_steps
from indexing.models import InstagramAccount, InstagramCrawl
from tests.instagram_fixtures import kit_account, oauth_login

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_login_block_says_who_can_use_it_and_links_the_import(client, instagram_settings):
    page = client.get("/accounts/login/").content.decode()
    assert "Instagram login works with professional (Business or Creator) accounts" in page
    assert 'href="/instagram/#import"' in page


@pytest.mark.parametrize(
    "account_type, role, decision, reason, words",
    [
        ("PERSONAL", True, "allow", "personal", "personal account"),
        ("BUSINESS", False, "allow", "no_role", "testers"),
        ("MEDIA_CREATOR", True, "deny", "denied", "You cancelled"),
    ],
)
def test_a_refused_login_lands_on_a_page_that_says_which_and_what_next(
    live_server, emulator, idle_queue, account_type, role, decision, reason, words
):
    emulator.add_account("sam", "pw-sam", account_type=account_type, role=role).add_image("kit_harington_1.jpg")
    page = oauth_login(requests.Session(), live_server.url, "sam", "pw-sam", decision=decision)
    assert page.url == f"{live_server.url}/instagram/refused/"
    assert f'data-reason="{reason}"' in page.text and words in page.text
    assert "Import your Instagram data download" in page.text
    assert not get_user_model().objects.exists() and not InstagramCrawl.objects.exists()


def test_advanced_access_lets_accounts_without_a_role_in(live_server, emulator, idle_queue):
    emulator.add_account("pat", "pw-pat", role=False)
    emulator.access_level = "advanced"
    page = oauth_login(requests.Session(), live_server.url, "pat", "pw-pat")
    assert page.url.split("#")[0] == f"{live_server.url}/" and InstagramAccount.objects.get().username == "pat"


def test_error_10_stops_the_crawl_without_the_log_in_again_banner(live_server, emulator, idle_queue):
    kit_account(emulator)
    http = requests.Session()
    oauth_login(http, live_server.url, "kit.h", "pw-kit")
    emulator.set_faults(permission_error=True)
    crawl = InstagramCrawl.objects.get()
    crawl_steps.crawl_page(crawl.pk)  # the walk's step, here rather than in a worker
    crawl.refresh_from_db()
    assert crawl.state == InstagramCrawl.State.STOPPED and "code 10" in crawl.message
    assert "logging in again does not fix it" in crawl.message
    assert not InstagramAccount.objects.get().needs_relogin
    gallery = http.get(f"{live_server.url}/").text
    assert "no longer accepts" not in gallery and "Log in with Instagram again" not in gallery
