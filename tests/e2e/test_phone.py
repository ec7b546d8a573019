"""On a phone-sized screen: the photo page draws each face's box where the face is."""

import pytest
from playwright.sync_api import expect

from tests.factories import indexed_photos

from .pages import assert_accessible, tab_to

pytestmark = pytest.mark.django_db(transaction=True)


def test_on_a_phone_the_boxes_lie_over_the_faces_of_the_photo(browser, live_server, user, faces_dir, tmp_path):
    photo = indexed_photos(user, ["group_kit_rose.jpg"], album="Trip")["group_kit_rose.jpg"]
    faces = list(photo.faces.all())
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("pw-alice-123")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/photos/{photo.pk}/")
    image = page.get_by_role("img", name="group_kit_rose.jpg, 2 faces boxed")
    expect(image).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    img = image.bounding_box()
    assert img["x"] >= 0 and img["x"] + img["width"] <= 390  # the photo fits the screen
    boxes = page.locator("a.facebox")
    expect(boxes).to_have_count(len(faces))
    for face, box in zip(faces, (boxes.nth(i).bounding_box() for i in range(len(faces))), strict=True):
        expected = {
            "x": img["x"] + face.left * img["width"],
            "y": img["y"] + face.top * img["height"],
            "width": face.width * img["width"],
            "height": face.height * img["height"],
        }
        assert all(abs(box[k] - expected[k]) <= 1.5 for k in expected), (box, expected)
    assert_accessible(page)
    page.screenshot(path=tmp_path / "photo-on-a-phone.png", full_page=True)
    tab_to(page, "a.facebox")  # the boxes are links reachable with the keyboard
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Photos of this person")).to_be_visible()
    context.close()
