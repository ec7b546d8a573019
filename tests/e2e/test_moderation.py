"""In Chromium: a moderator works the report queue and the faces in the admin; the owner sees the
result; a second user never sees anything of the first."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from indexing.moderation.services import moderator_grant
from tests.factories import UserFactory, indexed_photos

from .pages import new_page, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
NAMES = ("barack_obama_1.jpg", "barack_obama_2.jpg", "group_obama_biden_2.jpg")


@pytest.fixture
def photos(user, faces_dir):
    return indexed_photos(user, NAMES)


@pytest.fixture
def csp_violations(page):
    seen = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    return seen


@pytest.fixture
def staff_page(browser, live_server):
    """A second browser window, logged in to the admin as a moderator (staff, not superuser)."""
    moderator_grant(UserFactory(username="mod", consent=False))
    staff = new_page(browser, live_server)
    sign_in(staff, "mod", "pw-mod-123", login="/admin/login/", landing="**/admin/")
    yield staff
    staff.context.close()


def _run_action(staff, changelist: str, pk: int, action: str):
    staff.goto(changelist)
    staff.locator(f'input[name="_selected_action"][value="{pk}"]').check()
    staff.locator('select[name="action"]').select_option(action)
    staff.get_by_role("button", name="Go").click()
    staff.wait_for_selector("ul.messagelist")


def _face_names(page, face_pk: int) -> list[str]:
    page.goto(reverse("face_matches", args=[face_pk]))
    return page.locator(".match .file-name").all_inner_texts()


@pytest.mark.writes
def test_a_moderator_hides_a_reported_photo_and_its_owner_no_longer_sees_it(
    page, log_in, photos, staff_page, csp_violations
):
    reported = photos["barack_obama_2.jpg"]
    log_in("alice", "pw-alice-123")
    page.get_by_role("img", name="barack_obama_2.jpg").click()
    page.get_by_text("Report this photo").click()
    page.get_by_label("Why?").select_option("inappropriate")
    page.get_by_role("button", name="Send the report").click()
    expect(page.locator(".message").last).to_contain_text("a moderator will look at your report")

    staff_page.goto("/admin/")
    staff_page.get_by_role("link", name="Reports").click()
    expect(staff_page.locator("#result_list tbody tr")).to_have_count(1)
    report_pk = int(staff_page.locator('input[name="_selected_action"]').get_attribute("value"))
    _run_action(staff_page, "/admin/indexing/report/", report_pk, "hide_photo")
    assert "1 report closed." in staff_page.locator("ul.messagelist").inner_text()

    page.goto("/")
    assert page.get_by_role("img", name="barack_obama_2.jpg").count() == 0
    assert page.get_by_role("img", name="barack_obama_1.jpg").count() == 1
    assert page.goto(reverse("photo", args=[reported.pk])).status == 404
    staff_page.goto("/admin/indexing/moderationaction/")
    assert "Hid a photo" in staff_page.locator("#result_list").inner_text()
    assert csp_violations == []


@pytest.mark.writes
def test_a_moderator_removes_a_face_and_it_no_longer_appears_in_matches(
    page, log_in, photos, staff_page, csp_violations
):
    obama_1 = photos["barack_obama_1.jpg"].faces.get()
    removed = photos["barack_obama_2.jpg"].faces.get()
    log_in("alice", "pw-alice-123")
    assert any("barack_obama_2.jpg" in m for m in _face_names(page, obama_1.pk))

    staff_page.goto(f"/admin/indexing/face/{removed.pk}/change/")
    assert staff_page.locator(".field-neighbours a").count() >= 1, "the similarity neighbours are shown"
    _run_action(staff_page, "/admin/indexing/face/?q=barack_obama_2", removed.pk, "remove_from_collection")

    names = _face_names(page, obama_1.pk)
    assert not any("barack_obama_2.jpg" in m for m in names) and any("group_obama_biden_2.jpg" in m for m in names)
    assert csp_violations == []


def test_a_second_user_never_sees_anything_of_the_first(page, log_in, photos, other_user, csp_violations):
    face = photos["group_obama_biden_2.jpg"].faces.first()
    log_in("bob", "pw-bob-123")
    expect(page.get_by_role("heading", name="Your photos")).to_be_visible()
    assert page.locator(".grid li").count() == 0
    for url in (
        reverse("photo", args=[face.photo_id]),
        reverse("photo_file", args=[face.photo_id, "thumbnail"]),
        reverse("face_matches", args=[face.pk]),
        reverse("face_crop", args=[face.pk]),
    ):
        assert page.goto(url).status == 404, url
        assert "obama" not in page.content().lower()
    assert page.goto("/admin/").url.endswith("/admin/login/?next=/admin/"), "no admin for a user who is not staff"
    assert csp_violations == []
