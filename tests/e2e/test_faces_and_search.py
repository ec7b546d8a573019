"""In Chromium: browse faces, search with a (fake) webcam, search with a file when there is no camera."""

import pytest
from playwright.sync_api import expect

from tests.factories import indexed_photos

from .fakecam import write_y4m
from .pages import assert_accessible, new_page, sign_in, tab_to

pytestmark = pytest.mark.django_db(transaction=True)
COLLECTION = ["barack_obama_1.jpg", "barack_obama_2.jpg", "joe_biden_2.jpg", "group_kit_rose.jpg"]


@pytest.fixture
def collection(user, faces_dir):
    return indexed_photos(user, COLLECTION, album="Trip")


def test_browse_faces_shows_the_collections_faces_and_leads_to_their_matches(page, log_in, collection):
    log_in("alice", "pw-alice-123")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.get_by_role("link", name="All faces").click()  # "Faces" lives under People
    faces = page.locator("ul.faces a")
    expect(faces).to_have_count(5)  # one face in each single photo, two in the group
    assert_accessible(page)
    tab_to(page, "ul.faces a")  # the faces are reachable with the keyboard
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Photos of this person")).to_be_visible()


def test_a_webcam_picture_finds_that_persons_photos(
    launch_chromium, live_server, log_in, collection, faces_dir, tmp_path
):
    video = write_y4m(faces_dir / "barack_obama_3.jpg", tmp_path / "obama.y4m")
    browser = launch_chromium(
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    )
    page = new_page(browser, live_server)
    sign_in(page, "alice", "pw-alice-123", landing=None)
    page.get_by_role("link", name="Search by photo").click()
    assert_accessible(page)
    page.get_by_role("button", name="Turn on the camera").click()
    expect(page.locator("#camera-note")).to_contain_text("The camera is on")
    page.get_by_role("button", name="Take a picture and search").click()
    face = page.locator(".searched-face")
    expect(face).to_have_count(1)
    expect(face.get_by_role("heading")).to_contain_text("Face 1: 2 matches")
    assert sorted(face.locator(".file-name").all_inner_texts()) == ["barack_obama_1.jpg", "barack_obama_2.jpg"]
    assert_accessible(page)
    page.context.close()


def test_without_a_camera_a_chosen_file_is_searched_instead(page, log_in, collection, faces_dir):
    log_in("alice", "pw-alice-123")
    page.get_by_role("link", name="Search by photo").click()
    page.get_by_role("button", name="Turn on the camera").click()  # this browser has no camera at all
    expect(page.locator("#camera-note")).to_contain_text("Choose a photo below instead")
    expect(page.locator("#camera")).to_be_hidden()
    page.get_by_label("A photo with faces").set_input_files(faces_dir / "group_obama_biden_2.jpg")
    page.get_by_role("button", name="Search with this photo").click()
    faces = page.locator(".searched-face")
    expect(faces).to_have_count(2)
    assert sorted(faces.nth(0).locator(".file-name").all_inner_texts()) == ["barack_obama_1.jpg", "barack_obama_2.jpg"]
    assert faces.nth(1).locator(".file-name").all_inner_texts() == ["joe_biden_2.jpg"]
