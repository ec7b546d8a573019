"""Hidden means hidden: a photo a moderator hid is on no page, selector or JSON answer outside the admin.

Every page and selector that lists photos, faces or people is walked with one visible and one hidden
photo of the same person; the hidden one (its page, file, faces, crops) must be absent from each, and
the visible one present, so that each page is shown to list what it should.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indexing.models import FaceCluster, InstagramCrawl, InstagramMedia, LivingAlbum, Person, Photo
from indexing.people import selectors as people_sel
from indexing.people.services import name_face
from indexing.photos import selectors as photo_sel

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(user, indexed_photos):
    visible, hidden = indexed_photos["barack_obama_1.jpg"], indexed_photos["barack_obama_2.jpg"]
    hidden_face, visible_face = hidden.faces.get(), visible.faces.get()
    named = name_face(user, hidden_face, "Barack", with_matches=True)
    assert set(named.person.faces.values_list("pk", flat=True)) >= {hidden_face.pk, visible_face.pk}
    Person.objects.filter(pk=named.person.pk).update(cover_face=hidden_face)
    cluster = FaceCluster.objects.create(owner=user)
    cluster.faces.add(hidden_face, visible_face)
    LivingAlbum.objects.create(owner=user, title="Barack").people.add(named.person)
    crawl = InstagramCrawl.objects.create(owner=user, state="done")
    for n, photo in enumerate((visible, hidden)):
        InstagramMedia.objects.create(
            owner=user, media_id=str(n), post_id=str(n), media_type="IMAGE", crawl=crawl, photo=photo, status="done"
        )
    album = visible.album
    album.featured_photo = hidden
    album.save()
    Photo.objects.filter(pk=hidden.pk).update(hidden=True)  # what photo_hide does
    return {"visible": visible, "hidden": hidden, "person": named.person, "crawl": crawl, "album": album}


def _markers(photo) -> list[str]:
    """What of a photo a page would show: its page, its files, its faces' pages and crops."""
    found = [reverse("photo", args=[photo.pk]), reverse("photo_file", args=[photo.pk, "thumbnail"])]
    for face in photo.faces.all():
        found += [reverse("face_matches", args=[face.pk]), reverse("face_crop", args=[face.pk])]
    return found


def _pages(library) -> dict[str, str]:
    living = LivingAlbum.objects.get(title="Barack")
    return {
        "gallery": reverse("gallery"),
        "album": reverse("album", args=[library["album"].pk]),
        "faces": reverse("faces_browse"),
        "people": reverse("people"),
        "person": reverse("person", args=[library["person"].pk]),
        "people search": reverse("people_search") + "?q=Barack",
        "living album": reverse("living_album", args=[living.pk]),
        "groups": reverse("people_groups"),
        "matches of the visible face": reverse("face_matches", args=[library["visible"].faces.get().pk]),
        "crawl progress": reverse("instagram_crawl_status", args=[library["crawl"].pk]),
    }


def test_no_page_shows_a_hidden_photo(client, user, library):
    client.force_login(user)
    hidden, visible = _markers(library["hidden"]), _markers(library["visible"])
    for name, url in _pages(library).items():
        response = client.get(url)
        assert response.status_code == 200, name
        text = response.content.decode()
        assert not [m for m in hidden if m in text], f"{name} shows the hidden photo"
        if name not in ("people", "crawl progress", "album", "matches of the visible face"):
            assert [m for m in visible if m in text], f"{name} should list the visible photo"
    assert client.get(reverse("photo", args=[library["hidden"].pk])).status_code == 404
    assert client.get(reverse("photos_status") + f"?ids={library['hidden'].pk}").status_code == 404


def test_the_crawl_progress_counts_and_shows_only_visible_faces(client, user, library):
    client.force_login(user)
    answer = client.get(reverse("instagram_crawl_status", args=[library["crawl"].pk])).json()
    assert answer["faces_found"] == 1
    assert [f["id"] for f in answer["faces"]] == [library["visible"].faces.get().pk]


def test_searching_with_a_picture_never_matches_a_hidden_face(client, user, library, faces_dir):
    client.force_login(user)
    data = (faces_dir / "barack_obama_3.jpg").read_bytes()
    html = client.post(reverse("search_image"), {"image": SimpleUploadedFile("q.jpg", data)}).content.decode()
    assert not [m for m in _markers(library["hidden"]) if m in html]
    assert [m for m in _markers(library["visible"]) if m in html]


def test_every_selector_that_lists_photos_faces_or_people_leaves_the_hidden_photo_out(user, library):
    hidden = library["hidden"]
    hidden_faces = set(hidden.faces.values_list("pk", flat=True))
    person = library["person"]
    photo_lists = {
        "photos_for_user": photo_sel.photos_for_user(user),
        "person_photos": people_sel.person_photos(user, person),
        "photos_with_people any": people_sel.photos_with_people(user, [person], LivingAlbum.Rule.ANY),
        "photos_with_people all": people_sel.photos_with_people(user, [person], LivingAlbum.Rule.ALL),
    }
    for name, photos in photo_lists.items():
        assert hidden.pk not in {p.pk for p in photos}, name
    face_lists = {
        "faces_sample_for_user": photo_sel.faces_sample_for_user(user),
        "person_faces": people_sel.person_faces(person),
        "cluster sample": [f for c in people_sel.clusters_for_user(user) for f in c.sample],
        "face matches": [m.face for m in photo_sel.face_matches_for_user(user, library["visible"].faces.get(), 0)],
    }
    for name, faces in face_lists.items():
        assert not hidden_faces & {f.pk for f in faces}, name
    [listed] = people_sel.people_list_for_user(user)
    assert listed.photo_count == 1 and listed.cover_face is None
    assert people_sel.person_page_for_user(user, person.pk).cover_face is None
    assert [c.size for c in people_sel.clusters_for_user(user)] == [1]
    assert all(a.featured_photo is None for a in photo_sel.albums_for_user(user))


def test_the_export_leaves_the_hidden_photo_out(client, user, library):
    client.force_login(user)
    raw = zipfile.ZipFile(io.BytesIO(b"".join(client.get(reverse("account_export")).streaming_content)))
    data = json.loads(raw.read("data.json"))
    hidden = library["hidden"]
    assert hidden.pk not in [p["id"] for p in data["photos"]]
    assert not {f["photo_id"] for f in data["faces"]} & {hidden.pk}
    assert all(hidden.pk not in p["photo_ids"] for p in data["people"])
