"""What the Rekognition engine does on its own side: images made acceptable to Rekognition, ids
sanitized, and an engine that cannot be reached leaves the photo waiting, not failed."""

import io

import pytest
from PIL import Image

from indexing.engine import errors
from indexing.engine.rekognition import (
    MAX_IMAGE_BYTES,
    RekognitionEngine,
    make_client,
    rekognition_image,
    sanitize_external_image_id,
)
from indexing.models import Photo
from indexing.photos.pipeline.runner import index_photo_now
from tests import imagefiles
from tests.factories import PhotoFactory
from tests.indexing.conftest import REGION, free_port


def test_external_image_ids_are_sanitized_to_rekognitions_pattern():
    assert sanitize_external_image_id("photo-12") == "photo-12"
    assert sanitize_external_image_id("My trip (2).jpg") == "My_trip__2_.jpg"
    assert sanitize_external_image_id("été/ü:1") == "_t___:1"
    assert len(sanitize_external_image_id("x" * 300)) == 255 and sanitize_external_image_id("") == "_"


def test_jpeg_and_png_go_as_they_are_and_everything_else_as_an_upright_jpeg(faces_dir):
    jpeg = (faces_dir / "joe_biden_2.jpg").read_bytes()
    assert rekognition_image(jpeg) == jpeg
    original = Image.open(io.BytesIO(jpeg))
    for data in (imagefiles.encode(original, "WEBP"), imagefiles.rotated_with_exif(original.convert("RGB"))):
        sent = Image.open(io.BytesIO(rekognition_image(data)))
        assert sent.format == "JPEG" and sent.size == original.size
    noise = Image.effect_noise((2600, 2600), 80).convert("RGB")
    big = imagefiles.encode(noise, "PNG", compress_level=0)
    assert len(big) > MAX_IMAGE_BYTES and len(rekognition_image(big)) <= MAX_IMAGE_BYTES
    with pytest.raises(errors.InvalidImageFormat):
        rekognition_image(b"<html>not a photo</html>")


def test_an_unreachable_engine_raises_engine_unavailable():
    engine = RekognitionEngine(
        make_client(f"http://127.0.0.1:{free_port()}", REGION, "FACEKEY", "secret", max_attempts=1)
    )
    with pytest.raises(errors.EngineUnavailable):
        engine.list_collections()


@pytest.mark.django_db
def test_a_photo_waits_for_the_engine_instead_of_failing(settings, user, faces_dir):
    settings.FACE_ENGINE = "rekognition"
    settings.AWS_REKOGNITION_ENDPOINT_URL = f"http://127.0.0.1:{free_port()}/rekognition"
    settings.AWS_REKOGNITION_REGION = REGION
    settings.AWS_REKOGNITION_ACCESS_KEY_ID, settings.AWS_REKOGNITION_SECRET_ACCESS_KEY = "FACEKEY", "secret"
    settings.AWS_MAX_ATTEMPTS = 1
    photo = PhotoFactory(owner=user, file="joe_biden_2.jpg", file_name="j.jpg")
    with pytest.raises(ConnectionError):  # the Celery task retries on it
        index_photo_now(photo.pk)
    photo.refresh_from_db()
    assert photo.status == Photo.Status.PENDING and photo.failure_reason == ""
