"""In Chromium, at desktop and phone size: every page passes axe-core (no serious or critical
violation) and fits a 390 px screen; logout, errors and a hidden photo get pages of their own.
With SCREENSHOTS_DIR set (`make screenshots`), the gallery, viewer, person and upload pages are saved."""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .pages import DESKTOP, PHONE, axe_problems, build_library, sideways_overflow, signed_in_page

pytestmark = pytest.mark.django_db(transaction=True)
SIZES = {"desktop": DESKTOP, "phone": PHONE}
SCREENSHOTS = {"gallery", "viewer", "person", "upload"}


def _pages(library) -> dict[str, str]:
    photo, kit = library["photos"]["group_kit_rose.jpg"], library["kit"]
    face = photo.faces.order_by("left").first()
    return {
        "gallery": reverse("gallery"),
        "album": reverse("album", args=[library["album"].pk]),
        "viewer": f"{reverse('photo', args=[photo.pk])}?in=album-{library['album'].pk}",
        "upload": reverse("upload"),
        "people": reverse("people"),
        "person": reverse("person", args=[kit.pk]),
        "merge": f"{reverse('person_merge', args=[kit.pk])}?into={library['other'].pk}",
        "groups": reverse("people_groups"),
        "names": f"{reverse('people_search')}?q=kit",
        "faces": reverse("faces_browse"),
        "matches": reverse("face_matches", args=[face.pk]),
        "search": reverse("search_image"),
        "living albums": reverse("living_albums"),
        "account": reverse("account"),
        "tagging settings": reverse("people_settings"),
        "api keys": reverse("api_keys"),
        "instagram": reverse("instagram"),
        "instagram refused": reverse("instagram_refused"),
        "instagram linked elsewhere": reverse("instagram_linked_elsewhere"),
        "not found": "/photos/999999/",
    }


@pytest.mark.parametrize("size", SIZES)
def test_every_page_is_accessible_and_fits_the_screen(browser, live_server, user, faces_dir, size):
    library = build_library(user, faces_dir)
    hidden = library["photos"]["rose_leslie_1.jpg"]
    page = signed_in_page(browser, live_server, "alice", "pw-alice-123", SIZES[size])
    shots = os.environ.get("SCREENSHOTS_DIR")
    found = {}
    for name, url in _pages(library).items():
        page.goto(url)
        page.wait_for_load_state("networkidle")
        found[name] = (axe_problems(page), sideways_overflow(page))
        if shots and name in SCREENSHOTS:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=Path(shots) / f"{name}-{size}.png", full_page=True)
    assert {name: f for name, f in found.items() if f != ([], 0)} == {}

    expect(page.get_by_role("heading", level=1)).to_have_text("There is nothing here")  # the styled 404
    hidden.hidden = True  # a moderator hid it: its owner is told so, not "Not Found"
    hidden.save()
    response = page.goto(reverse("photo", args=[hidden.pk]))
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("A moderator hid this photo")
    assert axe_problems(page) == [] and sideways_overflow(page) == 0

    page.get_by_text("alice", exact=True).click()  # the account menu
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are logged out")  # the app's, not the admin's
    assert page.get_by_role("link", name="Log in again").is_visible()
    assert (axe_problems(page), sideways_overflow(page)) == ([], 0)
    for url in (reverse("login"), reverse("signup")):
        page.goto(url)
        assert (axe_problems(page), sideways_overflow(page)) == ([], 0), url
    page.context.close()
