"""In Chromium, at desktop and phone size: select photos in a grid and move them, rename and delete an
album, delete a photo (its faces leave the engine); a new account without face indexing drops photos
on the upload page, sees one progress bar for the batch, honest tiles and thumbnails."""

import base64

import pytest
from django.utils import dateformat, timezone
from playwright.sync_api import expect

from indexing.face_index import collection_id_for, get_engine
from indexing.models import Album, Face, Photo
from tests.waiting import wait_until

from .pages import DESKTOP, PHONE, axe_problems, build_library, sideways_overflow, signed_in_page

pytestmark = pytest.mark.django_db(transaction=True)
SIZES = {"desktop": DESKTOP, "phone": PHONE}


def _engine_face_ids(user) -> set[str]:
    return {f["FaceId"] for f in get_engine().list_faces(collection_id_for(user), max_results=4096)["Faces"]}


@pytest.mark.writes
@pytest.mark.parametrize("size", SIZES)
def test_move_rename_and_delete_in_the_library(browser, live_server, user, faces_dir, size):
    library = build_library(user, faces_dir)
    page = signed_in_page(browser, live_server, "alice", "pw-alice-123", SIZES[size])
    page.on("dialog", lambda dialog: dialog.accept())
    this_month = dateformat.format(timezone.localtime(), "F Y")
    expect(page.locator("h3.month").first).to_have_text(this_month)  # the timeline's month headings
    for name in ("kit_harington_1.jpg", "kit_harington_3.jpg"):
        page.get_by_label(f"Select {name}").check()
    expect(page.locator("[data-selected-count]")).to_have_text("2")
    page.get_by_placeholder("or a new album").fill("Best")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Moved 2 photos to Best")).to_be_visible()
    best = Album.objects.get(owner=user, title="Best")
    assert set(best.photos.values_list("file_name", flat=True)) == {"kit_harington_1.jpg", "kit_harington_3.jpg"}

    page.goto(f"/albums/{best.pk}/")
    page.get_by_text("Rename or delete this album").click()
    page.get_by_label("Title").fill("Best of Kit")
    page.get_by_role("button", name="Rename").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Best of Kit")
    assert axe_problems(page) == [] and sideways_overflow(page) == 0

    doomed = library["photos"]["kit_harington_1.jpg"]
    engine_ids = set(doomed.faces.values_list("engine_face_id", flat=True))
    assert engine_ids and engine_ids <= _engine_face_ids(user)
    page.get_by_role("img", name="kit_harington_1.jpg").click()
    page.get_by_role("button", name="Delete photo").click()
    expect(page.get_by_role("status").filter(has_text="Deleted kit_harington_1.jpg")).to_be_visible()
    assert not Photo.objects.filter(pk=doomed.pk).exists()
    assert not Face.objects.filter(engine_face_id__in=engine_ids).exists()
    assert not engine_ids & _engine_face_ids(user)  # its faces left the engine with it

    page.get_by_text("Rename or delete this album").click()
    page.get_by_label("Yes, delete the album Best of Kit").check()
    page.get_by_role("button", name="Delete the album").click()
    expect(page.get_by_role("status").filter(has_text="its photos stay in All photos")).to_be_visible()
    assert not Album.objects.filter(pk=best.pk).exists()
    assert Photo.objects.get(owner=user, file_name="kit_harington_3.jpg").album is None
    page.context.close()


def _drop(page, selector: str, files: list) -> None:
    """Drop files on an element as a desktop's file manager does (a DataTransfer with File objects)."""
    payload = [[f.name, base64.b64encode(f.read_bytes()).decode()] for f in files]
    transfer = page.evaluate_handle(
        """(files) => {
            const dt = new DataTransfer();
            for (const [name, b64] of files) {
                const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
                dt.items.add(new File([bytes], name, { type: "image/jpeg" }));
            }
            return dt;
        }""",
        payload,
    )
    page.dispatch_event(selector, "drop", {"dataTransfer": transfer})


@pytest.mark.parametrize("size", SIZES)
def test_a_new_account_without_face_indexing_drops_photos_and_sees_them(
    browser, live_server, celery_worker, faces_dir, size
):
    context = browser.new_context(base_url=live_server.url, **SIZES[size])
    page = context.new_page()
    page.goto("/accounts/signup/")
    username = f"dana-{size}"
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password:", exact=True).fill("a-long-pass-phrase-9")
    page.get_by_label("Password confirmation").fill("a-long-pass-phrase-9")
    expect(page.get_by_label("Find the faces in my photos")).not_to_be_checked()  # a choice, never preset
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Your photos")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Upload").click()
    names = ["joe_biden_2.jpg", "rose_leslie_1.jpg"]
    _drop(page, "#dropzone", [faces_dir / n for n in names])
    expect(page.locator("#upload-summary")).to_contain_text("Done: 2 uploaded", timeout=60_000)
    expect(page.locator("#upload-progress")).to_have_js_property("value", 100)
    tiles = page.locator("#upload-list li")
    expect(tiles.filter(has_text="Face indexing is off")).to_have_count(2)
    assert axe_problems(page) == [] and sideways_overflow(page) == 0
    # The worker still makes each thumbnail, so the gallery shows the photos while no face is looked for.
    with_thumbnails = Photo.objects.filter(owner__username=username).exclude(thumbnail="")
    wait_until(lambda: with_thumbnails.count() == 2, 60, "both thumbnails")
    page.goto("/")
    for name in names:
        expect(page.get_by_role("img", name=name)).to_be_visible()
    expect(page.locator(".tile-status").filter(has_text="Face indexing is off")).to_have_count(2)
    assert Photo.objects.filter(owner__username=username, status="pending").count() == 2
    context.close()
