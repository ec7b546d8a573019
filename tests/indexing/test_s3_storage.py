"""STORAGE=s3 on moto's S3 server (a real port): originals, thumbnails and crops go to a private
bucket, their owner gets signed expiring URLs that work over HTTP, nobody else gets anything, and
deleting a photo removes its objects."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from indexing.photos.services import photo_delete
from tests.factories import PhotoFactory

pytestmark = pytest.mark.django_db


def _keys(s3, bucket) -> set[str]:
    return {o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, b""


def test_media_live_in_a_private_bucket_and_reach_their_owner_as_signed_urls(
    s3_bucket, moto_s3_url, client, user, other_user, faces_dir, django_capture_on_commit_callbacks
):
    s3, bucket = s3_bucket
    data = (faces_dir / "group_kit_rose.jpg").read_bytes()
    photo = PhotoFactory(owner=user, file="group_kit_rose.jpg", data=data, indexed=True)
    faces = list(photo.faces.all())
    names = {photo.original.name, photo.thumbnail.name, *(f.crop.name for f in faces)}
    assert len(faces) == 2 and _keys(s3, bucket) == names
    assert _get(f"{moto_s3_url}/{bucket}/{photo.original.name}")[0] == 403  # no public path

    urls = {
        "original": reverse("photo_file", args=[photo.pk, "original"]),
        "thumbnail": reverse("photo_file", args=[photo.pk, "thumbnail"]),
        "crop": reverse("face_crop", args=[faces[0].pk]),
    }
    client.force_login(other_user)
    assert {kind: client.get(url).status_code for kind, url in urls.items()} == dict.fromkeys(urls, 404)
    client.force_login(user)
    fetched = {}
    for kind, url in urls.items():
        response = client.get(url)
        assert response.status_code == 302, kind
        query = parse_qs(urlsplit(response["Location"]).query)
        assert query["X-Amz-Expires"] == ["300"] and "X-Amz-Signature" in query
        status, fetched[kind] = _get(response["Location"])
        assert status == 200, kind
    assert fetched["original"] == data
    assert fetched["thumbnail"][:2] == fetched["crop"][:2] == b"\xff\xd8"  # JPEGs

    with django_capture_on_commit_callbacks(execute=True):
        photo_delete(photo)
    assert _keys(s3, bucket) == set()
