"""In Chromium, at desktop and phone size: names found from part of a name with suggestions, a merge
shown and confirmed before it happens, "Not a face" undone from the photo, a "same person?" prompt."""

import pytest
from playwright.sync_api import expect

from indexing.models import Photo
from indexing.people.models import FaceCluster, FaceDecision, Person
from indexing.photos.pipeline.runner import index_photo_now
from tests.waiting import wait_until

from .pages import DESKTOP, PHONE, axe_problems, build_library, sideways_overflow, signed_in_page

pytestmark = pytest.mark.django_db(transaction=True)
SIZES = {"desktop": DESKTOP, "phone": PHONE}


@pytest.mark.writes
@pytest.mark.parametrize("size", SIZES)
def test_search_merge_undo_and_same_person(browser, live_server, user, faces_dir, size):
    library = build_library(user, faces_dir)
    page = signed_in_page(browser, live_server, "alice", "pw-alice-123", SIZES[size])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    search = page.get_by_label("Find photos of")
    search.press_sequentially("KI")  # part of a name, any case: the suggestions offer it whole
    expect(page.locator("#people-q-names option[value='Kit Harington']")).to_have_count(1)
    search.fill("kit")
    search.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kit Harington: ")
    search = page.get_by_label("Find photos of")
    search.fill("harington")  # two people's names hold it: the page asks which
    search.press("Enter")
    expect(page.get_by_text("Did you mean")).to_contain_text("K. Harington")
    expect(page.get_by_text("Did you mean")).to_contain_text("Kit Harington")

    page.goto(f"/people/{library['other'].pk}/")
    page.get_by_text("Rename, merge, hide").click()
    chooser = page.get_by_label("Same person as")
    expect(chooser).to_have_value("")  # no one preselected
    chooser.select_option(label="Kit Harington")
    page.get_by_role("button", name="Compare and merge…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Are K. Harington and Kit Harington the same person?")
    expect(page.get_by_role("region", name="Faces of K. Harington").get_by_role("img")).to_have_count(1)
    expect(page.get_by_role("region", name="Faces of Kit Harington").get_by_role("img")).to_have_count(1)
    assert axe_problems(page) == [] and sideways_overflow(page) == 0
    assert Person.objects.get(pk=library["other"].pk).merged_into_id is None  # nothing merged yet
    page.get_by_role("button", name="Yes, merge K. Harington into Kit Harington").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kit Harington")
    assert Person.objects.get(pk=library["other"].pk).merged_into_id == library["kit"].pk

    group = library["photos"]["group_kit_rose.jpg"]
    page.goto(f"/photos/{group.pk}/")
    page.get_by_role("button", name="Not a face (face 1)").click()
    expect(page.locator(".face-list > li")).to_have_count(1)
    assert FaceDecision.objects.filter(photo=group, kind="not_a_face").count() == 1
    page.get_by_role("button", name="Undo “not a face”").click()
    expect(page.get_by_role("status").filter(has_text="Undone")).to_be_visible()
    assert page.url.endswith(f"/photos/{group.pk}/")
    assert not FaceDecision.objects.filter(photo=group, kind="not_a_face").exists()
    # The undo queued the photo's indexing again (it brings the face back): done here, or by the worker of
    # the session if an earlier test started one; the page reloads itself once the photo is indexed.
    index_photo_now(group.pk)
    indexed = Photo.objects.filter(pk=group.pk, status=Photo.Status.INDEXED)
    wait_until(indexed.exists, 60, "the photo indexed again")
    expect(page.locator(".face-list > li")).to_have_count(2)

    # Rose's two faces, left in two groups by the grouping job: the groups page asks if they are one person.
    rose = library["photos"]["rose_leslie_1.jpg"].faces.get()
    kit_face = library["photos"]["kit_harington_3.jpg"].faces.get()  # in a third group: Kit looks nothing like her
    group_face = group.faces.order_by("left").first()  # Rose, on the left of the group photo
    groups = [FaceCluster.objects.create(owner=user) for _ in range(3)]
    rose.cluster, group_face.cluster, kit_face.cluster = groups
    for face in (rose, group_face, kit_face):
        face.save()
    page.goto("/people/groups/")
    prompts = page.get_by_role("region", name="Same person?", exact=False)
    expect(prompts).to_have_count(1)  # Rose and Rose; never Rose and Kit
    assert axe_problems(page) == [] and sideways_overflow(page) == 0
    prompts.get_by_role("button", name="Yes, one person").click()
    expect(page.get_by_role("status").filter(has_text="One person now")).to_be_visible()
    rose.refresh_from_db(), group_face.refresh_from_db()
    assert rose.cluster_id == group_face.cluster_id
    page.context.close()
