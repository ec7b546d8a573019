"""The pages of the read side: the owner sees them, anyone else gets 404."""
import pytest
from django.urls import reverse

from indexing.pipeline import index_photo_now
from indexing.services import photo_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed_photos(user, faces_dir):
    photos = {}
    for name in ("barack_obama_1.jpg", "barack_obama_2.jpg", "joe_biden_2.jpg"):
        photo = photo_create(user, (faces_dir / name).read_bytes(), name, enqueue=False).photo
        index_photo_now(photo.pk)
        photos[name] = photo
    return photos


def _urls(photo):
    face = photo.faces.first()
    return [reverse("photo", args=[photo.pk]), reverse("photo_file", args=[photo.pk, "thumbnail"]),
            reverse("photo_file", args=[photo.pk, "original"]), reverse("face_matches", args=[face.pk]),
            reverse("face_crop", args=[face.pk])]


def test_the_owner_sees_a_photo_its_faces_and_their_matches(client, user, indexed_photos):
    client.force_login(user)
    photo = indexed_photos["barack_obama_1.jpg"]
    for url in _urls(photo):
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("face_matches", args=[photo.faces.first().pk])).content.decode()
    assert "barack_obama_2.jpg" in page and "joe_biden_2.jpg" not in page
    assert "barack_obama_1.jpg" in client.get(reverse("gallery")).content.decode()


def test_another_user_gets_404_for_every_id_of_the_first(client, other_user, indexed_photos):
    client.force_login(other_user)
    for url in _urls(indexed_photos["barack_obama_1.jpg"]):
        assert client.get(url).status_code == 404, url
    assert "barack_obama" not in client.get(reverse("gallery")).content.decode()


def test_pages_need_a_login(client, indexed_photos):
    response = client.get(reverse("photo", args=[indexed_photos["joe_biden_2.jpg"].pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]
