"""In Chromium: log in with Instagram (emulator), watch the crawl fill the gallery, click a face, see the matches."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from indexing.models import Face, InstagramCrawl, InstagramMedia
from tests.instagram_fixtures import kit_account
from tests.waiting import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def log_in_with_instagram(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Find the faces in my photos").check()  # consent to face indexing, before the crawl
    page.get_by_role("button", name="Log in with Instagram").click()
    page.get_by_label("Username").fill(username)  # on the emulator's consent page
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url("**/#_")  # back in the app's gallery (Instagram appends #_)


def test_log_in_with_instagram_watch_the_crawl_and_click_a_face(page, emulator, instagram_settings, instagram_worker):
    account = kit_account(emulator, posts=4)
    kit_1 = account.posts[-1]  # his first post (newest first)
    # Instagram throttles the second page for a few seconds: the first faces show while the crawl waits.
    emulator.set_faults(path="/me/media", rate_limit_after=1, rate_limit_seconds=4)
    log_in_with_instagram(page, "kit.h", "pw-kit")
    crawl = page.locator("section.crawl")
    assert crawl.locator("progress").is_visible()
    page.locator(".crawl-faces img").first.wait_for()
    assert crawl.locator("[data-field=state_label]").inner_text() != "Done"
    expect(page.locator("[data-field=state_label]")).to_have_text("Done", timeout=120_000)
    expect(page.locator("main ul.grid img")).to_have_count(5)
    assert page.locator(".crawl-faces img").count() == 6

    kit_face = Face.objects.get(photo__source_id=kit_1.id)
    page.locator(f'.crawl-faces a[href="/faces/{kit_face.pk}/"]').click()
    page.wait_for_url("**/faces/**")
    images = account.images()
    matches = [
        images[re.search(r"instagram-(\d+)\.jpg", text).group(1)]
        for text in page.locator(".match .file-name").all_inner_texts()
    ]
    assert len(matches) >= 2 and all(m.startswith(("kit_harington", "group_kit_rose")) for m in matches[:2]), matches

    page.locator("details.menu summary").click()  # the account menu holds "Log out"
    page.get_by_role("button", name="Log out").click()
    log_in_with_instagram(page, "kit.h", "pw-kit")  # logging in again reuses the account
    assert get_user_model().objects.count() == 1
    expect(page.locator("main ul.grid img")).to_have_count(5)
    wait_until(
        lambda: not InstagramCrawl.objects.filter(state__in=InstagramCrawl.ACTIVE).exists(),
        60,
        "the crawl the second login started",
    )


def test_the_admin_shows_a_crawl_progress_live(page, log_in, django_user_model, user):
    django_user_model.objects.create_superuser("root", password="pw-root-123")
    crawl = InstagramCrawl.objects.create(owner=user, state=InstagramCrawl.State.INDEXING, posts_total=2, posts_seen=2)
    for media_id in ("1", "2"):
        InstagramMedia.objects.create(
            owner=user,
            media_id=media_id,
            post_id=media_id,
            media_type="IMAGE",
            url="http://cdn.invalid/x.jpg",
            crawl=crawl,
            seen_by=crawl,
        )
    log_in("root", "pw-root-123")
    page.goto("/admin/indexing/instagramcrawl/")
    bar = page.locator(f'[data-crawl-url$="/{crawl.pk}/progress/"] progress')
    assert bar.evaluate("bar => bar.value") == 0
    InstagramMedia.objects.filter(media_id="1").update(status=InstagramMedia.Status.FAILED)  # a worker's doing
    expect(page.locator(".field-progress progress")).to_have_js_property("value", 50)


@pytest.mark.writes
def test_delete_my_data_in_another_tab_removes_the_gallery_s_instagram_panel(page, log_in, user):
    InstagramCrawl.objects.create(owner=user, state=InstagramCrawl.State.WALKING, posts_total=10, posts_seen=5)
    log_in("alice", "pw-alice-123")
    page.goto("/")
    expect(page.locator("section.crawl progress")).to_be_visible()
    other = page.context.new_page()
    other.goto("/account/")
    other.get_by_label("Type DELETE to confirm").fill("DELETE")
    other.get_by_role("button", name="Delete my data").click()
    assert not InstagramCrawl.objects.filter(owner=user).exists()
    expect(page.locator("section.crawl")).to_have_count(0)  # the open gallery's panel goes by itself
    page.reload()
    expect(page.locator("section.crawl")).to_have_count(0)
