"""In Chromium, at desktop and phone size: the photo viewer steps through where it was opened from
(arrow keys, swipes), names faces on their boxes, lights a box from its name, opens the full size."""

import pytest
from playwright.sync_api import expect

from .pages import DESKTOP, PHONE, axe_problems, build_library, sideways_overflow, signed_in_page, swipe

pytestmark = pytest.mark.django_db(transaction=True)
SIZES = {"desktop": DESKTOP, "phone": PHONE}


@pytest.mark.writes
@pytest.mark.parametrize("size", SIZES)
def test_the_viewer_steps_through_the_album_and_names_the_faces(browser, live_server, user, faces_dir, size):
    library = build_library(user, faces_dir)
    page = signed_in_page(browser, live_server, "alice", "pw-alice-123", SIZES[size])
    page.get_by_role("link", name="Trip").first.click()
    page.locator(".tile a").first.click()
    where = page.locator(".viewer-nav .where")
    expect(where).to_have_text("1 of 4 · Trip")
    first = page.locator("h1").inner_text()

    def step(direction: int):
        page.wait_for_load_state()  # viewer.js is deferred: a key pressed before it ran goes nowhere
        if size == "phone":
            swipe(page, "[data-viewer]", -200 * direction)  # a swipe to the left shows the next photo
        else:
            page.keyboard.press("ArrowRight" if direction > 0 else "ArrowLeft")

    step(+1)
    expect(where).to_have_text("2 of 4 · Trip")
    assert page.locator("h1").inner_text() != first
    step(-1)
    expect(where).to_have_text("1 of 4 · Trip")
    assert page.locator("h1").inner_text() == first

    group = library["photos"]["group_kit_rose.jpg"]
    page.goto(f"/photos/{group.pk}/?in=album-{library['album'].pk}")
    boxes = page.locator("a.facebox")
    expect(boxes).to_have_count(2)
    # Rose stands on the left, unnamed; Kit on the right, named (suggested from his two photos)
    expect(boxes.nth(0)).to_have_attribute("aria-label", "Face 1: who is this?")
    expect(boxes.nth(1)).to_contain_text("Kit Harington")
    faces = page.get_by_role("region", name="People in this photo").locator(".face-list > li")
    expect(faces).to_have_count(2)  # one list: a name or "Who is this?", and "Not a face", for each face
    expect(faces.nth(0)).to_contain_text("Who is this?")
    expect(faces.nth(1)).to_contain_text("Kit Harington")
    expect(page.get_by_text("Who is this?")).to_have_count(1)
    faces.nth(1).get_by_role("link", name="Kit Harington", exact=True).focus()
    expect(boxes.nth(1)).to_have_class("facebox named highlight")
    expect(boxes.nth(0)).not_to_have_class("facebox highlight")

    page.get_by_role("button", name="View full size").click()
    full = page.get_by_role("img", name="group_kit_rose.jpg at full size")
    expect(full).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=full.element_handle())
    assert full.evaluate("img => img.naturalWidth") == group.width
    page.keyboard.press("Escape")
    expect(full).to_be_hidden()
    assert axe_problems(page) == []
    assert sideways_overflow(page) == 0
    page.context.close()
