"""Decoding every kind of image a phone makes, and refusing the rest with a clear message."""

import pytest
from PIL import Image

from indexing.engine import errors
from indexing.engine.images import DECODE_LONG_SIDE, load_image
from tests import imagefiles


@pytest.fixture(scope="module")
def photo(faces_dir) -> Image.Image:
    return Image.open(faces_dir / "joe_biden_2.jpg").convert("RGB")


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: b"", "empty"),
        (lambda p: b"<html><body>hello</body></html>", "not an image"),
        (lambda p: b'<svg xmlns="http://www.w3.org/2000/svg"/>', "not an image"),
        (lambda p: imagefiles.truncated(imagefiles.encode(p, "JPEG")), "damaged or truncated"),
        (lambda p: imagefiles.truncated(imagefiles.encode(p, "PNG")), "damaged or truncated"),
    ],
)
def test_broken_files_are_refused_as_invalid(photo, make, message):
    with pytest.raises(errors.InvalidImageFormat, match=message):
        load_image(make(photo))


def test_a_decompression_bomb_is_refused_before_decoding():
    with pytest.raises(errors.ImageTooLarge, match="megapixels"):
        load_image(imagefiles.png_claiming_size(20_000, 10_000))


def test_files_over_the_byte_limit_are_refused(photo):
    with pytest.raises(errors.ImageTooLarge, match="limit"):
        load_image(imagefiles.encode(photo, "PNG"), max_bytes=1000)


@pytest.mark.parametrize(
    "make, fmt",
    [
        (lambda p: imagefiles.encode(p.convert("CMYK"), "JPEG"), "JPEG"),
        (lambda p: imagefiles.sixteen_bit_png(p), "PNG"),
        (lambda p: imagefiles.encode(p.convert("RGBA"), "PNG"), "PNG"),
        (lambda p: imagefiles.encode(p.convert("P"), "PNG"), "PNG"),
        (lambda p: imagefiles.encode(p.convert("L"), "JPEG"), "JPEG"),
        (lambda p: imagefiles.encode(p, "WEBP"), "WEBP"),
        (lambda p: imagefiles.animated_gif(p), "GIF"),
    ],
)
def test_every_mode_becomes_rgb(photo, make, fmt):
    loaded = load_image(make(photo))
    assert loaded.format == fmt and loaded.image.mode == "RGB" and loaded.image.size == photo.size


def test_exif_orientation_is_applied(photo):
    loaded = load_image(imagefiles.rotated_with_exif(photo, 6))
    assert loaded.image.size == photo.size and (loaded.width, loaded.height) == photo.size


def test_large_jpegs_are_decoded_smaller(photo):
    big = imagefiles.encode(photo.resize((4000, 4000)), "JPEG")
    loaded = load_image(big)
    assert max(loaded.image.size) == DECODE_LONG_SIDE == 1000 and (loaded.width, loaded.height) == (4000, 4000)
    phone = load_image(imagefiles.encode(photo.resize((4032, 3024)), "JPEG"))  # decoded at 1/4 by the decoder
    assert phone.image.size == (1008, 756) and (phone.width, phone.height) == (4032, 3024)
