"""The crawl's JSON and button answer only their owner; the token is never rendered, not even in the admin."""

import pytest
from django.urls import reverse
from social_django.models import UserSocialAuth

from indexing.models import InstagramCrawl
from tests.factories import InstagramAccountFactory

pytestmark = pytest.mark.django_db
TOKEN = "IGAAsecret-token-never-shown"


@pytest.fixture
def crawl(user):
    InstagramAccountFactory(
        user=user, instagram_id="2700", username="alice.ig", token=TOKEN, token__expires_in=5184000, token__auth_time=1
    )
    return InstagramCrawl.objects.create(owner=user, state=InstagramCrawl.State.WALKING, posts_total=10, posts_seen=5)


def test_the_progress_json_is_the_owners_only(client, crawl, other_user):
    url = reverse("instagram_crawl_status", args=[crawl.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(other_user)
    assert client.get(url).status_code == 404
    client.force_login(crawl.owner)
    answer = client.get(url).json()
    assert answer["state"] == "walking" and answer["active"] and answer["posts_seen"] == 5
    assert TOKEN not in client.get(url).content.decode()


def test_the_gallery_shows_the_progress_bar_and_never_the_token(client, crawl):
    client.force_login(crawl.owner)
    page = client.get("/").content.decode()
    assert 'data-crawl-url="/instagram/crawls/%d/"' % crawl.pk in page and "<progress" in page
    assert TOKEN not in page


def test_the_fetch_button_needs_a_post_and_a_connected_account(client, crawl, other_user):
    client.force_login(other_user)
    assert client.get(reverse("instagram_crawl_new")).status_code == 405
    client.post(reverse("instagram_crawl_new"))
    assert not InstagramCrawl.objects.filter(owner=other_user).exists()


def test_the_admin_shows_crawls_live_and_hides_the_token(admin_client, crawl):
    listing = admin_client.get(reverse("admin:indexing_instagramcrawl_changelist")).content.decode()
    assert "<progress" in listing and "js/crawl_progress.js" in listing
    progress = admin_client.get(reverse("admin:indexing_instagramcrawl_progress", args=[crawl.pk])).json()
    assert progress["posts_seen"] == 5
    social = UserSocialAuth.objects.get()
    for url in (
        reverse("admin:social_django_usersocialauth_change", args=[social.pk]),
        reverse("admin:social_django_usersocialauth_changelist"),
        reverse("admin:indexing_instagramcrawl_change", args=[crawl.pk]),
    ):
        page = admin_client.get(url)
        assert page.status_code == 200 and TOKEN not in page.content.decode()


def test_the_admin_progress_is_for_staff_only(client, crawl):
    client.force_login(crawl.owner)
    assert client.get(reverse("admin:indexing_instagramcrawl_progress", args=[crawl.pk])).status_code == 302


def test_after_delete_my_data_no_instagram_progress_shows_and_the_old_panel_learns_it_is_gone(client, crawl):
    client.force_login(crawl.owner)
    status_url = reverse("instagram_crawl_status", args=[crawl.pk])
    assert "<progress" in client.get("/").content.decode()
    client.post(reverse("account_delete"), {"confirm": "DELETE"})
    gallery = client.get("/").content.decode()
    assert "data-crawl-url" not in gallery and "<progress" not in gallery and "posts read" not in gallery
    instagram = client.get(reverse("instagram")).content.decode()
    assert "data-crawl-url" not in instagram and "posts read" not in instagram
    assert '<section class="crawl import-progress" hidden>' in instagram  # the import's panel waits, hidden
    # a gallery still open in another tab polls this: it answers 404, and crawl_progress.js removes the panel
    assert client.get(status_url).status_code == 404
