"""Hostile and broken input: each case gets its clear message (or is taken as a photo), and nothing
else the user had is lost or changed.

IMAGE_CASES go through photo_create, the one door every photo source uses (upload, folder import,
Instagram); REQUEST_CASES go through HTTP. The upload endpoint can run IMAGE_CASES as they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from django.urls import reverse
from PIL import Image

from indexing.face_index import collection_id_for, get_engine
from indexing.models import Face, Photo, Report
from indexing.photos.pipeline.runner import index_photo_now
from indexing.photos.services import After, PhotoRejected, photo_create
from tests import imagefiles
from tests.factories import PhotoFactory

pytestmark = pytest.mark.django_db
FACE = "barack_obama_1.jpg"


def _face(faces_dir: Path) -> Image.Image:
    return Image.open(faces_dir / FACE).convert("RGB")


def _cmyk(faces_dir):
    return imagefiles.encode(_face(faces_dir).convert("CMYK"), "JPEG", quality=90)


def _huge_exif(faces_dir):
    exif = Image.Exif()
    exif[0x010E] = "x" * 60_000  # ImageDescription: the whole 64 KB EXIF segment
    exif[0x0132] = "9999:99:99 99:99:99"  # a DateTime no calendar has
    return imagefiles.encode(_face(faces_dir), "JPEG", exif=exif.tobytes(), quality=90)


def _over_50_mb(faces_dir):
    data = (faces_dir / FACE).read_bytes()
    return data + b"\0" * (50 * 2**20 + 1 - len(data))  # a real JPEG with 50 MB of trailing bytes


@dataclass
class Case:
    name: str
    file_name: str
    make: Callable[[Path], bytes]
    refused: str | None = None  # the message, for a refused file; None: taken as a photo
    format: str = ""  # what the photo is stored as, when taken


IMAGE_CASES = [
    Case(
        "html named .jpg",
        "photo.jpg",
        lambda d: b"<!doctype html><html><script>alert(1)</script></html>",
        refused="This file is not an image",
    ),
    Case(
        "svg named .jpg",
        "face.jpg",
        lambda d: b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="9"/></svg>',
        refused="This file is not an image",
    ),
    Case(
        "truncated jpeg",
        "cut.jpg",
        lambda d: imagefiles.truncated((d / FACE).read_bytes()),
        refused="The image is damaged or truncated",
    ),
    Case("zero bytes", "empty.jpg", lambda d: b"", refused="The file is empty (0 bytes)."),
    Case(
        "200-megapixel bomb",
        "bomb.png",
        lambda d: imagefiles.png_claiming_size(20_000, 10_000),
        refused="The image has more than 100 megapixels, the limit.",
    ),
    Case("50 MB upload", "big.jpg", _over_50_mb, refused="The file is 52,428,801 bytes, over the limit of 50 MB."),
    Case("16-bit png", "deep.png", lambda d: imagefiles.sixteen_bit_png(_face(d)), format="PNG"),
    Case("cmyk jpeg", "print.jpg", _cmyk, format="JPEG"),
    Case("animated gif", "moving.gif", lambda d: imagefiles.animated_gif(_face(d)), format="GIF"),
    Case("huge exif", "exif.jpg", _huge_exif, format="JPEG"),
    Case(
        "path-traversal file name",
        "../../../../etc/cron.d/evil.jpg",
        lambda d: imagefiles.encode(_face(d).rotate(1), "JPEG", quality=90),
        format="JPEG",
    ),
]


def _files(media_root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(media_root)): p.read_bytes()
        for p in media_root.rglob("*")
        if p.is_file() and p.suffix != ".log"
    }


def _state(user, media_root: Path) -> dict:
    """Everything a bad input could damage: rows, files, the engine collection."""
    engine_faces = get_engine().list_faces(collection_id_for(user))["Faces"]
    return {
        "photos": list(Photo.objects.values_list("pk", "owner_id", "status", "file_name", "original", "hidden")),
        "faces": list(Face.objects.values_list("pk", "engine_face_id", "photo_id")),
        "engine": sorted(f["FaceId"] for f in engine_faces),
        "reports": list(Report.objects.values_list("pk", "status")),
        "files": _files(media_root),
    }


@pytest.fixture
def kept(user, faces_dir):
    """A photo the user already has, indexed with its face: it must come out of every case unchanged."""
    return PhotoFactory(owner=user, file="joe_biden_2.jpg", indexed=True)


@pytest.mark.parametrize("case", IMAGE_CASES, ids=[c.name for c in IMAGE_CASES])
def test_a_bad_image_gets_its_message_and_nothing_else_changes(user, kept, faces_dir, media_root, case):
    data = case.make(faces_dir)
    before = _state(user, media_root)
    if case.refused:
        with pytest.raises(PhotoRejected) as refused:
            photo_create(user, data, case.file_name, then=After.STORE)
        assert str(refused.value).startswith(case.refused), str(refused.value)
        assert _state(user, media_root) == before
        return
    photo = photo_create(user, data, case.file_name, then=After.STORE).photo
    index_photo_now(photo.pk)
    photo.refresh_from_db()
    assert (photo.status, photo.format) == (Photo.Status.INDEXED, case.format), photo.failure_reason
    assert photo.faces.count() == 1, "the face in the picture was found"
    assert "/" not in photo.file_name and ".." not in photo.file_name
    assert photo.original.name.startswith(f"originals/{user.pk}/") and photo.original.path.startswith(str(media_root))
    after = _state(user, media_root)
    assert [p for p in after["photos"] if p[0] != photo.pk] == before["photos"]
    assert [f for f in after["faces"] if f[2] != photo.pk] == before["faces"]
    assert set(before["engine"]) < set(after["engine"])
    assert {k: v for k, v in after["files"].items() if k in before["files"]} == before["files"]


def test_a_path_traversal_name_is_kept_as_text_only(user, faces_dir):
    photo = PhotoFactory(owner=user, file=FACE, file_name="..\\..\\windows\\evil\x00.jpg")
    assert photo.file_name == "evil.jpg"


@dataclass
class RequestCase:
    name: str
    body: bytes
    status: int
    message: str
    content_type: str = "application/json"


REQUEST_CASES = [
    RequestCase("not json", b"{reason: other", 400, "The request body is not valid JSON"),
    RequestCase("not utf-8", b'{"reason": "\xff\xfe"}', 400, "The request body is not valid JSON"),
    RequestCase("empty body", b"", 400, "The request body is not valid JSON"),
    RequestCase("a list, not an object", b'["other"]', 400, "Send a JSON object"),
    RequestCase(
        "a reason that does not exist",
        b'{"reason": "because"}',
        400,
        "reason: Select a valid choice. because is not one of the available choices.",
    ),
    RequestCase("a number for a reason", b'{"reason": 5}', 400, "reason: Select a valid choice."),
    RequestCase(
        "a note too long",
        json.dumps({"reason": "other", "note": "x" * 3000}).encode(),
        400,
        "note: Ensure this value has at most 2000 characters (it has 3000).",
    ),
    RequestCase(
        "a 50 MB upload",
        b"x" * (52 * 2**20),
        413,
        "a photo may be at most 50 MB",
        content_type="multipart/form-data; boundary=xyz",
    ),
]


@pytest.mark.parametrize("case", REQUEST_CASES, ids=[c.name for c in REQUEST_CASES])
def test_a_bad_request_gets_its_message_and_nothing_changes(client, user, kept, media_root, case):
    client.force_login(user)
    before = _state(user, media_root)
    response = client.generic(
        "POST",
        reverse("photo_report", args=[kept.pk]),
        data=case.body,
        content_type=case.content_type,
        CONTENT_TYPE=case.content_type,
    )
    assert response.status_code == case.status
    text = response.json()["error"] if case.status == 400 else response.content.decode()
    assert case.message in text, text
    assert _state(user, media_root) == before


def test_a_good_json_report_is_taken(client, user, kept):
    client.force_login(user)
    response = client.post(
        reverse("photo_report", args=[kept.pk]), data={"reason": "other", "note": "hi"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert Report.objects.get(pk=response.json()["report"]).photo == kept


def test_the_size_check_reads_no_body(client, user, kept):
    """A client that announces 60 MB is answered before it sends them."""
    client.force_login(user)
    response = client.generic(
        "POST",
        reverse("photo_report", args=[kept.pk]),
        data=b"",
        CONTENT_LENGTH=str(60 * 2**20),
        CONTENT_TYPE="image/jpeg",
    )
    assert response.status_code == 413
