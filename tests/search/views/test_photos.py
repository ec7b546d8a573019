"""The pages of the gallery: the owner sees them, anyone else gets 404 for the owner's ids."""

import re

import pytest
from django.urls import reverse

from indexing.models import Album, Face
from tests.factories import PhotoFactory

pytestmark = pytest.mark.django_db


def _id_urls(photo):
    """Every GET url of the app that names one of the owner's ids."""
    face = photo.faces.first()
    return [
        reverse("album", args=[photo.album_id]),
        f"{reverse('upload')}?album={photo.album_id}",
        reverse("photo", args=[photo.pk]),
        reverse("photo_file", args=[photo.pk, "thumbnail"]),
        reverse("photo_file", args=[photo.pk, "original"]),
        reverse("face_matches", args=[face.pk]),
        reverse("face_crop", args=[face.pk]),
        f"{reverse('photos_status')}?ids={photo.pk}",
    ]


def test_the_owner_sees_every_page_of_a_photo_and_its_faces(client, user, indexed_photos):
    client.force_login(user)
    photo = indexed_photos["barack_obama_1.jpg"]
    for url in _id_urls(photo) + [
        reverse("gallery"),
        reverse("upload"),
        reverse("faces_browse"),
        reverse("search_image"),
    ]:
        assert client.get(url).status_code == 200, url
    gallery = client.get(reverse("gallery")).content.decode()
    assert "Trip" in gallery and "3 photos" in gallery and "barack_obama_1.jpg" in gallery


def test_another_user_gets_404_for_every_id_of_the_first(client, other_user, indexed_photos):
    client.force_login(other_user)
    photo = indexed_photos["barack_obama_1.jpg"]
    for url in _id_urls(photo):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("photo_retry", args=[photo.pk])).status_code == 404
    assert client.post(reverse("upload_files"), {"album": photo.album_id}).status_code == 404
    for page in ("gallery", "faces_browse"):
        html = client.get(reverse(page)).content.decode()
        assert "barack_obama" not in html and "Trip" not in html and "/crop" not in html, page


def test_a_status_request_naming_any_photo_of_another_user_is_refused_whole(
    client, other_user, pending_photo, faces_dir
):

    bobs = PhotoFactory(owner=other_user, file="rose_leslie_1.jpg", file_name="r.jpg")
    client.force_login(other_user)
    alices = pending_photo.pk
    assert client.get(f"{reverse('photos_status')}?ids={bobs.pk}").status_code == 200
    assert client.get(f"{reverse('photos_status')}?ids={bobs.pk},{alices}").status_code == 404


def test_pages_need_a_login(client, pending_photo):
    urls = [
        reverse("gallery"),
        reverse("faces_browse"),
        reverse("search_image"),
        reverse("upload"),
        reverse("album", args=[pending_photo.album_id]),
        reverse("photo", args=[pending_photo.pk]),
        reverse("photo_file", args=[pending_photo.pk, "original"]),
        reverse("photos_status"),
        reverse("face_matches", args=[1]),
        reverse("face_crop", args=[1]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"], url


def test_the_photo_page_boxes_each_face_where_the_engine_found_it(client, user, indexed_photos):
    client.force_login(user)
    photo = indexed_photos["barack_obama_2.jpg"]
    face = photo.faces.get()
    html = client.get(reverse("photo", args=[photo.pk])).content.decode()
    box = re.search(r'<a class="facebox" href="([^"]+)"[^>]*style="([^"]+)"', html)
    assert box.group(1) == reverse("face_matches", args=[face.pk])
    assert f"left: {face.left * 100:.3f}%" in box.group(2) and f"width: {face.width * 100:.3f}%" in box.group(2)
    assert f'src="{reverse("face_crop", args=[face.pk])}"' in html  # the crop beside the photo


def test_the_match_page_lists_the_same_person_with_a_similarity_and_obeys_the_threshold(
    client, user, settings, indexed_photos
):
    client.force_login(user)
    face = indexed_photos["barack_obama_1.jpg"].faces.get()
    url = reverse("face_matches", args=[face.pk])
    html = client.get(url).content.decode()
    assert "barack_obama_2.jpg" in html and "joe_biden_2.jpg" not in html
    assert re.search(r'<span class="similarity">\d+\.\d%</span>', html)
    everyone = client.get(url, {"threshold": "0"}).content.decode()
    assert everyone.index("barack_obama_2.jpg") < everyone.index("joe_biden_2.jpg")  # most similar first
    nobody = client.get(url, {"threshold": "100"}).content.decode()
    assert "0 matches" in nobody and "barack_obama_2.jpg" not in nobody
    wrong = client.get(url, {"threshold": "250"}).content.decode()  # says so, and uses the default
    assert "less than or equal to 100" in wrong and f"at {settings.FACE_MATCH_THRESHOLD:.0f}% or more" in wrong


def test_browse_faces_shows_a_random_sample_of_at_most_50_of_the_users_faces(client, user, pending_photo):
    Face.objects.bulk_create(
        Face(
            owner=user,
            photo=pending_photo,
            engine_face_id=f"f-{i}",
            left=0,
            top=0,
            width=0.1,
            height=0.1,
            confidence=99,
            quality=50,
        )
        for i in range(60)
    )
    client.force_login(user)
    samples = [
        set(re.findall(r'href="/faces/(\d+)/"', client.get(reverse("faces_browse")).content.decode())) for _ in range(2)
    ]
    assert all(len(s) == 50 for s in samples) and samples[0] != samples[1]


def test_an_album_can_be_created_and_shows_its_photos_only(client, user, pending_photo):
    client.force_login(user)
    response = client.post(reverse("album_create"), {"title": "Holidays"})
    album = Album.objects.get(owner=user, title="Holidays")
    assert response["Location"] == reverse("album", args=[album.pk])
    holidays = client.get(response["Location"]).content.decode()
    assert "No photos in this album yet" in holidays and "joe_biden" not in holidays
    trip = client.get(reverse("album", args=[pending_photo.album_id])).content.decode()
    assert "joe_biden_2.jpg" in trip and "1 photo " in trip
    assert client.post(reverse("album_create"), {"title": ""}).status_code == 302
    assert Album.objects.filter(owner=user).count() == 2


def test_every_image_has_alt_text_and_every_field_a_label(client, user, indexed_photos):
    client.force_login(user)
    face = indexed_photos["barack_obama_1.jpg"].faces.get()
    for url in [
        reverse("gallery"),
        reverse("upload"),
        reverse("faces_browse"),
        reverse("search_image"),
        reverse("photo", args=[face.photo_id]),
        reverse("face_matches", args=[face.pk]),
    ]:
        html = client.get(url).content.decode()
        assert all(" alt=" in img for img in re.findall(r"<img\b[^>]*>", html)), url
        for field_id in re.findall(r'<(?:input|select)\b(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', html):
            assert f'for="{field_id}"' in html, (url, field_id)
