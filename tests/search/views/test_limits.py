"""Rate limits on every expensive endpoint (429 over the limit, per user, token or webhook) and search
images decoded at a bounded cost."""

from __future__ import annotations

import io
import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from indexing.models import Photo
from indexing.tagging import services as tagging
from tests.webhook_signing import signed

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def flat_88mp_png() -> bytes:
    """An 88-megapixel flat PNG: a few KB on the wire, 264 MB of RGB once decoded."""
    out = io.BytesIO()
    Image.new("1", (11000, 8000), 1).save(out, "PNG")
    return out.getvalue()


def test_search_by_picture_is_rate_limited_and_the_page_itself_is_not(client, user, faces_dir, settings):
    settings.RATE_LIMIT_SEARCH = "3/d"  # a day-long window: the count cannot roll over mid-test
    client.force_login(user)
    assert [client.get(reverse("search_image")).status_code for _ in range(4)] == [200] * 4
    data = (faces_dir / "joe_biden_2.jpg").read_bytes()
    posts = [
        client.post(reverse("search_image"), {"image": SimpleUploadedFile("q.jpg", data)}).status_code for _ in range(6)
    ]
    assert posts == [200, 200, 200, 429, 429, 429]


def test_uploads_are_rate_limited(client, user, faces_dir, settings):
    settings.RATE_LIMIT_UPLOAD = "3/d"
    client.force_login(user)
    names = ["joe_biden_1.jpg", "joe_biden_2.jpg", "kit_harington_1.jpg", "kit_harington_2.jpg"]
    codes = []
    for name in names + names[:2]:
        upload = SimpleUploadedFile(name, (faces_dir / name).read_bytes())
        codes.append(
            client.post(reverse("upload_files"), {"files": upload}, HTTP_ACCEPT="application/json").status_code
        )
    assert codes == [200, 200, 200, 429, 429, 429]
    assert Photo.objects.filter(owner=user).count() == 3


def test_instagram_export_uploads_are_rate_limited_with_the_other_uploads(client, user, settings):
    settings.RATE_LIMIT_UPLOAD = "2/d"
    client.force_login(user)
    start = reverse("instagram_upload_start")
    body = {"name": "export.zip", "size": 1024}
    codes = [client.post(start, body, content_type="application/json").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_the_tagging_api_is_rate_limited_per_token(client, user, other_user, settings):
    settings.RATE_LIMIT_TAGGING = "2/d"
    mine, theirs = tagging.credentials_create(user).token, tagging.credentials_create(other_user).token

    def call(token):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        return client.get(reverse("tagging_delivery", args=[1]), **headers)

    assert [call(mine).status_code for _ in range(3)] == [404, 404, 429]
    refused = call(mine)
    assert refused["Content-Type"] == "application/json" and "Too many requests" in refused.json()["error"]
    assert call(theirs).status_code == 404, "another token has its own count"


def test_the_webhook_is_rate_limited_per_webhook(client, user, other_user, settings):
    settings.RATE_LIMIT_WEBHOOK = "2/d"
    mine, theirs = tagging.credentials_create(user), tagging.credentials_create(other_user)
    when = int(time.time())  # once: the second call is the first one replayed (409), in whatever second it runs

    def notify(made):
        body = json.dumps({"url": "https://example.com/a.jpg"}).encode()
        return client.post(
            reverse("tagging_webhook", args=[made.credential.webhook_id]),
            body,
            content_type="application/json",
            **signed(made.webhook_secret, body, when),
        ).status_code

    assert [notify(mine) for _ in range(3)] == [409 if i else 202 for i in range(2)] + [429]
    assert notify(theirs) == 202


def test_a_flat_88_megapixel_png_is_refused_from_its_header(client, user, flat_88mp_png):
    client.force_login(user)
    response = client.post(reverse("search_image"), {"image": SimpleUploadedFile("flat.png", flat_88mp_png)})
    assert response.status_code == 400 and "too costly to search" in response.content.decode()  # cost: bench/


def test_a_large_jpeg_is_still_searched(client, user, faces_dir):
    """JPEGs are decoded at 1/8 scale, so a big one costs little and is searched as before."""
    big = Image.open(faces_dir / "joe_biden_2.jpg").convert("RGB").resize((8000, 6000))
    out = io.BytesIO()
    big.save(out, "JPEG", quality=70)
    client.force_login(user)
    response = client.post(reverse("search_image"), {"image": SimpleUploadedFile("big.jpg", out.getvalue())})
    assert response.status_code == 200 and "Face 1" in response.content.decode()
