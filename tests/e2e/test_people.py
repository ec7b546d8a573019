"""In Chromium: click a face, say who it is, land on the person's page with every photo of them."""

import pytest

from tests.factories import PhotoFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.writes
def test_name_a_face_and_open_the_person_page(page, log_in, user, faces_dir, settings):
    for name in ("group_kit_rose.jpg", "kit_harington_1.jpg", "kit_harington_3.jpg", "rose_leslie_1.jpg"):
        PhotoFactory(owner=user, file=name, indexed=True)
    log_in("alice", "pw-alice-123")
    page.get_by_role("img", name="kit_harington_1.jpg").click()
    page.locator("a.facebox").first.click()
    page.wait_for_url("**/faces/**")
    page.get_by_label("This is…").fill("Kit Harington")
    page.get_by_label("and the 2 matches", exact=False).check()
    page.get_by_role("button", name="Name", exact=True).click()
    page.wait_for_url("**/people/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Kit Harington"
    assert "3 photos" in page.locator(".person-head").inner_text()
    photos = page.get_by_role("region", name="Photos").locator(".grid small").all_inner_texts()
    assert sorted(photos) == ["group_kit_rose.jpg", "kit_harington_1.jpg", "kit_harington_3.jpg"]
    # the group photo now names him, and Rose is still someone to name
    page.get_by_role("link", name="group_kit_rose.jpg").first.click()
    people_on_photo = page.get_by_role("region", name="People in this photo")
    assert people_on_photo.get_by_role("link", name="Kit Harington", exact=True).count() == 1
    assert people_on_photo.get_by_text("Who is this?").count() == 1
