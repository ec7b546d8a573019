"""The JSON endpoints of the page scripts: upload, indexing state, retry."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indexing.models import Album, Photo
from indexing.photos.pipeline.runner import index_photo_now
from tests import imagefiles
from tests.factories import PersonFactory, PhotoFactory

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def _stored_files(media_root):
    return {p for p in media_root.rglob("*") if p.is_file() and p.suffix != ".log"}


def _file(name, data):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_an_upload_answers_for_each_file_and_stores_only_the_good_ones(client, user, faces_dir, media_root, settings):
    good = (faces_dir / "kit_harington_1.jpg").read_bytes()
    big = (faces_dir / "barack_obama_6_1080p.jpg").read_bytes()
    settings.UPLOAD_MAX_BYTES = len(big) - 1
    client.force_login(user)
    before = _stored_files(media_root)
    response = client.post(
        reverse("upload_files"),
        {
            "new_album": "Party",
            "files": [
                _file("kit.jpg", good),
                _file("kit-again.jpg", good),
                _file("broken.jpg", imagefiles.truncated(good)),
                _file("page.jpg", b"<html>not a photo</html>"),
                _file("big.jpg", big),
            ],
        },
        **JSON,
    )
    assert response.status_code == 200
    answer = response.json()
    results = {r["name"]: r for r in answer["results"]}
    assert [r["name"] for r in answer["results"]] == ["kit.jpg", "kit-again.jpg", "broken.jpg", "page.jpg", "big.jpg"]
    assert results["kit.jpg"]["result"] == "created" and results["kit.jpg"]["photo"]["status"] == "pending"
    assert results["kit-again.jpg"]["result"] == "duplicate"
    assert results["kit-again.jpg"]["photo"]["id"] == results["kit.jpg"]["photo"]["id"]
    assert results["broken.jpg"]["result"] == "rejected" and "truncated" in results["broken.jpg"]["message"]
    assert results["page.jpg"]["result"] == "rejected" and results["page.jpg"]["message"]
    assert results["big.jpg"]["result"] == "rejected" and "MB limit" in results["big.jpg"]["message"]
    album = Album.objects.get(owner=user, title="Party")
    assert answer["album"]["id"] == album.pk and album.featured_photo_id == results["kit.jpg"]["photo"]["id"]
    assert list(Photo.objects.filter(owner=user).values_list("file_name", flat=True)) == ["kit.jpg"]
    assert len(_stored_files(media_root) - before) == 1  # the one original; nothing of the refused files


def test_an_upload_goes_to_the_chosen_album_or_to_uploads(client, user, faces_dir):
    client.force_login(user)
    trip = Album.objects.create(owner=user, title="Trip")
    client.post(
        reverse("upload_files"),
        {"album": trip.pk, "files": [_file("a.jpg", (faces_dir / "joe_biden_2.jpg").read_bytes())]},
        **JSON,
    )
    client.post(
        reverse("upload_files"), {"files": [_file("b.jpg", (faces_dir / "rose_leslie_1.jpg").read_bytes())]}, **JSON
    )
    assert Photo.objects.get(file_name="a.jpg").album == trip
    assert Photo.objects.get(file_name="b.jpg").album.title == "Uploads"


def test_an_upload_without_files_or_javascript_says_what_happened(client, user, faces_dir):
    client.force_login(user)
    assert client.post(reverse("upload_files"), {}, **JSON).json()["error"] == "Choose at least one photo to upload."
    response = client.post(reverse("upload_files"), {"files": [_file("x.jpg", b"nope")]}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/albums/") and "x.jpg: " in response.content.decode()


def test_the_status_endpoint_follows_a_photo_from_pending_to_indexed(client, user, faces_dir):

    photo = PhotoFactory(owner=user, file="group_kit_rose.jpg", file_name="g.jpg")
    client.force_login(user)
    url = f"{reverse('photos_status')}?ids={photo.pk}"
    assert client.get(url).json()["photos"][0]["status"] == "pending"
    index_photo_now(photo.pk)
    state = client.get(url).json()["photos"][0]
    assert state["status"] == "indexed" and state["face_count"] == 2 and 'alt="g.jpg"' in state["html"]
    assert client.get(f"{reverse('photos_status')}?ids=1,x").status_code == 400


def test_a_failed_photo_shows_its_reason_and_retry_queues_it_again(client, user, faces_dir):

    photo = PhotoFactory(owner=user, file="joe_biden_2.jpg", file_name="j.jpg")
    data = open(photo.original.path, "rb").read()
    open(photo.original.path, "wb").write(data[:1000])
    index_photo_now(photo.pk)
    client.force_login(user)
    state = client.get(f"{reverse('photos_status')}?ids={photo.pk}").json()["photos"][0]
    assert state["status"] == "failed" and "truncated" in state["failure_reason"]
    assert state["failure_reason"] in state["html"] and ">Retry</button>" in state["html"]
    page = client.get(reverse("photo", args=[photo.pk])).content.decode()
    assert state["failure_reason"] in page and ">Retry</button>" in page

    open(photo.original.path, "wb").write(data)
    answer = client.post(reverse("photo_retry", args=[photo.pk]), **JSON)
    assert answer.status_code == 200 and answer.json()["photo"]["status"] == "pending"
    index_photo_now(photo.pk)
    photo.refresh_from_db()
    assert photo.status == "indexed" and photo.faces.count() == 1
    again = client.post(reverse("photo_retry", args=[photo.pk]), **JSON)
    assert again.status_code == 409 and "failed" in again.json()["error"]


def test_a_failed_tile_in_the_gallery_escapes_its_name_and_its_retry_form_passes_the_csrf_check(user, faces_dir):
    """The tiles are drawn in Python (search/templatetags/tiles.py): names escaped, the retry form's token real."""
    import re

    from django.test import Client

    photo = PhotoFactory(owner=user, file="joe_biden_2.jpg", file_name='<b>"j.jpg')
    open(photo.original.path, "wb").write(b"not a jpeg")
    index_photo_now(photo.pk)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get(reverse("gallery")).content.decode()
    tile = re.search(rf'<li class="tile" data-photo-id="{photo.pk}".*?</li>', page, re.S).group(0)
    assert "<b>" not in tile and 'aria-label="Retry indexing &lt;b&gt;&quot;j.jpg"' in tile
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', tile).group(1)
    assert client.post(reverse("photo_retry", args=[photo.pk]), {"csrfmiddlewaretoken": token}).status_code == 302
    assert Photo.objects.get(pk=photo.pk).status == Photo.Status.PENDING


def test_matches_and_a_person_s_faces_escape_names(client, user, faces_dir):
    """match_items and face_items (search/templatetags/tiles.py) escape file and person names."""
    from indexing.models import Face

    for name in ("barack_obama_1.jpg", "barack_obama_2.jpg"):
        PhotoFactory(owner=user, file=name, file_name=f'<b>"{name}', indexed=True)
    person = PersonFactory(owner=user, name="<i>Barack</i>")
    faces = list(Face.objects.filter(owner=user).order_by("pk"))
    Face.objects.filter(pk__in=[f.pk for f in faces]).update(person=person, person_confirmed=True)
    client.force_login(user)
    for url in (reverse("face_matches", args=[faces[0].pk]), reverse("person", args=[person.pk])):
        page = client.get(url).content.decode()
        assert "<b>" not in page and "<i>Barack" not in page, url
        assert "&lt;b&gt;&quot;barack_obama_2.jpg" in page, url
    assert (
        '<span class="crop-name">&lt;i&gt;Barack&lt;/i&gt;</span>'
        in client.get(reverse("face_matches", args=[faces[0].pk])).content.decode()
    )
