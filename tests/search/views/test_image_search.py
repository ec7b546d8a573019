"""Search with a picture: every face of it with its matches among the user's photos only."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indexing.models import Photo

pytestmark = pytest.mark.django_db


def _search(client, data, name="q.jpg", **extra):
    return client.post(reverse("search_image"), {"image": SimpleUploadedFile(name, data), **extra}, HTTP_X_PARTIAL="1")


def test_each_face_of_the_picture_comes_with_its_matches(client, user, indexed_photos, faces_dir):
    client.force_login(user)
    response = _search(client, (faces_dir / "group_obama_biden_2.jpg").read_bytes())
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html  # the results only, for the page's script
    sections = html.split('<section class="searched-face"')[1:]
    assert len(sections) == 2 and all('src="data:image/jpeg;base64,' in s for s in sections)
    # Obama on the left, Biden on the right (the manifest orders faces left to right).
    assert "barack_obama_1.jpg" in sections[0] and "joe_biden_2.jpg" not in sections[0]
    assert "joe_biden_2.jpg" in sections[1] and "barack_obama" not in sections[1]
    assert Photo.objects.count() == 3  # the picture searched was not stored


def test_a_search_finds_nothing_of_another_users_photos(client, other_user, indexed_photos, faces_dir):
    client.force_login(other_user)
    html = _search(client, (faces_dir / "barack_obama_3.jpg").read_bytes()).content.decode()
    assert "Face 1: 0 matches" in html and "barack_obama_1" not in html and "/crop" not in html


def test_the_threshold_is_applied_and_the_page_works_without_javascript(client, user, indexed_photos, faces_dir):
    client.force_login(user)
    data = (faces_dir / "barack_obama_3.jpg").read_bytes()
    page = client.post(reverse("search_image"), {"image": SimpleUploadedFile("q.jpg", data), "threshold": "0"})
    html = page.content.decode()
    assert "<html" in html and "Face 1: 3 matches" in html
    similarities = [float(s) for s in re.findall(r'<span class="similarity">([\d.]+)%</span>', html)]
    assert similarities == sorted(similarities, reverse=True)


def test_pictures_that_cannot_be_searched_get_a_clear_message(client, user):
    client.force_login(user)
    broken = _search(client, b"GIF89a not really")
    assert broken.status_code == 400 and "This picture cannot be searched" in broken.content.decode()
    missing = client.post(reverse("search_image"), {}, HTTP_X_PARTIAL="1")
    assert missing.status_code == 400 and "choose a photo first" in missing.content.decode()
    from PIL import Image

    from tests.imagefiles import encode

    blank = _search(client, encode(Image.new("RGB", (320, 240), "gray"), "JPEG"))
    assert blank.status_code == 200 and "No face was found" in blank.content.decode()
