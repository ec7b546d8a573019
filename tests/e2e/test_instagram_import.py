"""In Chromium, with the real worker: upload an Instagram data download in chunks (one dropped), watch it import."""

import pytest
from playwright.sync_api import expect

from indexing.models import InstagramExportItem, InstagramImport, Photo
from tests.indexing.instagram.exports import build_export

from .pages import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)
POSTS = [
    (1704067200, "Café ☀", ["kit_harington_1.jpg"]),
    (1704153600, "Carousel", ["group_kit_rose.jpg", "rose_leslie_1.jpg"]),
]


def test_a_personal_account_imports_its_data_download_with_a_resumed_upload(
    page, log_in, user, celery_worker, settings, tmp_path
):
    settings.INSTAGRAM_UPLOAD_DIR = str(tmp_path / "uploads")
    settings.INSTAGRAM_UPLOAD_CHUNK_BYTES = 64 * 1024  # several chunks
    export = build_export(tmp_path / "instagram-alice-2026.zip", POSTS, stories=[(1706745600, "rose_leslie_2.jpg")])
    dropped = []

    def drop_one_chunk(route):
        if "offset=0" not in route.request.url and not dropped:
            dropped.append(route.request.url)
            return route.abort("connectionreset")  # the connection drops mid-upload
        return route.continue_()

    page.route("**/instagram/import/uploads/*/?offset=*", drop_one_chunk)
    log_in("alice", "pw-alice-123")
    page.goto("/instagram/")
    assert_accessible(page)
    page.get_by_label("ZIP files of your data download").set_input_files(export)
    page.get_by_role("button", name="Upload and import").click()
    section = page.locator("section.import-progress")
    expect(section.locator("[data-field=state_label]")).to_have_text("Done", timeout=120_000)
    expect(section.locator("[data-field=photos_indexed]")).to_have_text("4")
    assert dropped, "no chunk was dropped: the resumption was not exercised"
    expect(section.locator(".crawl-faces img").first).to_be_visible()

    run = InstagramImport.objects.get()
    assert run.state == InstagramImport.State.DONE and not list((tmp_path / "uploads").rglob("*.zip"))
    assert Photo.objects.filter(owner=user, album__title="Instagram").count() == 4
    assert InstagramExportItem.objects.get(uri__contains="kit_harington_1").caption == "Café ☀"
