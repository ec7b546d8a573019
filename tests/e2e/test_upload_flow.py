"""In Chromium, with the real Celery worker: sign up, upload, watch the indexing, click a face."""

import pytest
from playwright.sync_api import expect

from indexing.models import Photo
from tests.factories import PhotoFactory

from .pages import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)
PHOTOS = ["group_kit_rose.jpg", "kit_harington_1.jpg", "kit_harington_3.jpg", "rose_leslie_1.jpg", "joe_biden_2.jpg"]


def _sign_up(page, username, password):
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password:", exact=True).fill(password)
    page.get_by_label("Password confirmation").fill(password)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Your photos")).to_be_visible()


def test_a_new_user_uploads_photos_then_clicks_a_face_to_find_that_persons_photos(
    page, celery_worker, faces_dir, tmp_path
):
    _sign_up(page, "carol", "a-long-pass-phrase-9")
    # A new account indexes no face until its owner agrees, after reading what is stored.
    page.get_by_role("link", name="Read what it stores and switch it on").click()
    page.get_by_role("button", name="I agree: switch face indexing on").click()
    page.get_by_role("navigation").get_by_role("link", name="Upload").click()
    assert_accessible(page)
    not_a_photo = tmp_path / "notes.jpg"
    not_a_photo.write_text("shopping list, not a photo")
    page.get_by_label("Photos").set_input_files([faces_dir / n for n in PHOTOS] + [not_a_photo])
    page.get_by_label("Or a new album").fill("Party")
    page.evaluate("window.sameDocument = true")
    page.get_by_role("button", name="Upload", exact=True).click()

    tiles = page.locator("#upload-list li")
    expect(tiles).to_have_count(len(PHOTOS) + 1)
    expect(tiles.filter(has_text="notes.jpg")).to_contain_text("Not uploaded: ")
    # Each photo's state changes in place, from the upload through the worker's indexing.
    expect(page.locator("#upload-list li[data-status=indexed]")).to_have_count(len(PHOTOS), timeout=120_000)
    expect(page.locator("#upload-summary")).to_contain_text("5 uploaded, 0 already there, 1 refused")
    expect(tiles.filter(has_text="Indexed · 2 faces")).to_have_count(1)
    assert page.evaluate("window.sameDocument") is True
    assert Photo.objects.filter(owner__username="carol", album__title="Party").count() == len(PHOTOS)

    page.get_by_role("img", name="group_kit_rose.jpg").click()
    boxes = page.locator("a.facebox")
    expect(boxes).to_have_count(2)
    assert_accessible(page)
    boxes.nth(1).click()  # Kit Harington stands on the right (the manifest orders faces left to right)
    expect(page.get_by_role("heading", name="Photos of this person")).to_be_visible()
    names = page.locator(".match .file-name")
    expect(names).to_have_count(2)
    assert sorted(names.all_inner_texts()) == ["kit_harington_1.jpg", "kit_harington_3.jpg"]
    assert_accessible(page)

    # Lower the threshold with the keyboard: everyone appears, Kit's photos still first.
    page.get_by_label("Minimum similarity").focus()
    page.keyboard.press("Home")
    expect(page.locator("output")).to_have_text("0%")
    page.get_by_role("button", name="Apply").click()
    expect(names).to_have_count(5)  # the six faces of the upload but the one clicked
    ranked = names.all_inner_texts()
    assert sorted(ranked[:2]) == ["kit_harington_1.jpg", "kit_harington_3.jpg"], ranked


def test_a_failed_photo_shows_its_reason_and_the_retry_button_gets_it_indexed(
    page, log_in, celery_worker, user, faces_dir
):
    from indexing.photos.pipeline.runner import index_photo_now
    from indexing.photos.services import album_get_or_create

    album = album_get_or_create(user, "Scans")
    photo = PhotoFactory(owner=user, file="joe_biden_2.jpg", file_name="biden.jpg", album=album)
    data = open(photo.original.path, "rb").read()
    open(photo.original.path, "wb").write(data[:1000])  # the disk lost part of the file
    index_photo_now(photo.pk)
    log_in("alice", "pw-alice-123")
    page.get_by_role("link", name="Scans").click()
    tile = page.locator(f"li[data-photo-id='{photo.pk}']")
    expect(tile).to_contain_text("Failed")
    expect(tile.locator(".reason")).to_contain_text("truncated")
    open(photo.original.path, "wb").write(data)  # restored from a backup
    tile.get_by_role("button", name="Retry indexing biden.jpg").click()
    expect(page.locator(f"li[data-photo-id='{photo.pk}']")).to_contain_text("Indexed · 1 face", timeout=90_000)
    expect(page.get_by_role("img", name="biden.jpg")).to_be_visible()
