"""Decoding every image a phone or camera makes into one RGB picture, within limits.

Everything that reads image bytes goes through `load_image`, so a bomb, a truncated file or a
renamed HTML page is refused the same way everywhere, with a message a person can read.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from .errors import ImageTooLarge, InvalidImageFormat

try:  # HEIC/HEIF from iPhones, where the wheel is installed
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - the wheel is in requirements.txt
    pass

MAX_PIXELS = 100_000_000  # a 200-megapixel bomb is refused before its pixels are decoded
MAX_BYTES = 50 * 1024 * 1024
FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "HEIF", "MPO", "TIFF", "BMP"}
# Detection never needs more than this many pixels on the long side (ArcFace's largest pass is 960 px;
# thumbnails are 640, face crops 160); larger JPEGs are decoded at 1/2, 1/4 or 1/8 size by the decoder
# itself (draft mode): a 12-MP JPEG at 1/4 (1000 px) in ~8 ms of CPU instead of ~30 ms at 1/2.
DECODE_LONG_SIDE = 1000
T = Image.Transpose
_TRANSPOSE = {
    2: T.FLIP_LEFT_RIGHT,
    3: T.ROTATE_180,
    4: T.FLIP_TOP_BOTTOM,
    5: T.TRANSPOSE,
    6: T.ROTATE_270,
    7: T.TRANSVERSE,
    8: T.ROTATE_90,
}  # as ImageOps.exif_transpose


@dataclass
class LoadedImage:
    """An RGB picture, upright, with what the file said about itself."""

    image: Image.Image
    format: str
    width: int  # of the original, upright
    height: int
    exif_datetime: str | None


def load_image(
    data: bytes, max_pixels: int = MAX_PIXELS, long_side: int | None = DECODE_LONG_SIDE, max_bytes: int = MAX_BYTES
) -> LoadedImage:
    """Decode `data` to an upright RGB image, at most `long_side` pixels on its long side.

    Raises InvalidImageFormat for anything that is not a whole image of a known format and
    ImageTooLarge for files or pixel counts over the limits.
    """
    if not data:
        raise InvalidImageFormat("The file is empty (0 bytes).")
    if len(data) > max_bytes:
        raise ImageTooLarge(f"The file is {len(data):,} bytes, over the limit of {max_bytes / 2**20:.0f} MB.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data))
            fmt = im.format or ""
            if fmt not in FORMATS:
                raise InvalidImageFormat(f"{fmt or 'This'} files are not supported; use JPEG, PNG, WebP, GIF or HEIC.")
            w, h = im.size
            if w * h > max_pixels:
                raise ImageTooLarge(
                    f"The image is {w}x{h} ({w * h / 1e6:.0f} megapixels); the limit is {max_pixels / 1e6:.0f}."
                )
            exif = im.getexif()
            orientation = exif.get(0x0112, 1)
            taken = exif.get_ifd(0x8769).get(0x9003) or exif.get(0x0132)
            if fmt == "JPEG" and long_side and max(w, h) > long_side:
                ratio = long_side / max(w, h)  # draft picks the smallest scale still >= this size
                im.draft("RGB", (math.ceil(w * ratio), math.ceil(h * ratio)))
            if getattr(im, "n_frames", 1) > 1:
                im.seek(0)
            im.load()
            im = _to_rgb(im)
            if orientation in _TRANSPOSE:
                im = im.transpose(_TRANSPOSE[orientation])
            if long_side and max(im.size) > long_side * 1.5:  # draft mode already came close enough
                im.thumbnail((long_side, long_side), Image.Resampling.BILINEAR, reducing_gap=2.0)
    except (InvalidImageFormat, ImageTooLarge):
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise ImageTooLarge(f"The image has more than {max_pixels / 1e6:.0f} megapixels, the limit.") from e
    except UnidentifiedImageError as e:
        raise InvalidImageFormat("This file is not an image (or not one we can read).") from e
    except (OSError, ValueError, SyntaxError, EOFError) as e:
        raise InvalidImageFormat(f"The image is damaged or truncated ({e}).") from e
    upright_w, upright_h = (h, w) if orientation in (5, 6, 7, 8) else (w, h)
    return LoadedImage(im, fmt, upright_w, upright_h, str(taken).strip("\x00 ") if taken else None)


def _to_rgb(im: Image.Image) -> Image.Image:
    """RGB from any mode: alpha flattened on white, palette, grayscale, CMYK, 16-bit."""
    if im.mode == "RGB":
        return im
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        im = im.point(lambda v: v / 256).convert("L") if im.mode != "I" else im.convert("L")
    if im.mode == "P":
        im = im.convert("RGBA")
    if im.mode in ("RGBA", "LA", "PA"):
        background = Image.new("RGB", im.size, (255, 255, 255))
        background.paste(im.convert("RGBA"), mask=im.convert("RGBA").getchannel("A"))
        return background
    if im.mode == "CMYK":  # Adobe CMYK JPEGs are stored inverted; Pillow handles both
        return im.convert("RGB")
    return im.convert("RGB")


def crop_box(image: Image.Image, box: dict, margin: float = 0.0, max_side: int | None = None) -> Image.Image:
    """The part of `image` inside `box` (ratios, as the engine gives them) grown by `margin` of the box
    on each side, clipped to the image, at least one pixel; shrunk to `max_side` when given."""
    w, h = image.size
    mx, my = box["Width"] * margin, box["Height"] * margin
    left, top = max(0.0, box["Left"] - mx), max(0.0, box["Top"] - my)
    right, bottom = min(1.0, box["Left"] + box["Width"] + mx), min(1.0, box["Top"] + box["Height"] + my)
    crop = image.crop(
        (int(left * w), int(top * h), max(int(right * w), int(left * w) + 1), max(int(bottom * h), int(top * h) + 1))
    )
    if max_side:
        crop.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return crop


def jpeg_bytes(image: Image.Image, quality: int, optimize: bool = False) -> bytes:
    """`image` encoded as JPEG."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=optimize)
    return out.getvalue()


def refuse_costly_decode(data: bytes, max_pixels: int) -> None:
    """Refuse, from the header alone, an image whose decode would cost more than `max_pixels` pixels.

    JPEGs count at 1/64 of their size (load_image decodes large ones at 1/8 scale, draft mode); other
    formats count in full, since they are decoded whole before they can be shrunk. What is not an image
    is left for load_image to refuse with its own message.
    """
    try:
        with Image.open(io.BytesIO(data)) as im:
            fmt, (w, h) = im.format, im.size
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        return
    cost = w * h / 64 if fmt == "JPEG" else w * h
    if cost > max_pixels:
        raise ImageTooLarge(
            f"The picture is {w}x{h} ({w * h / 1e6:.0f} megapixels) in {fmt}: too costly to search. "
            "Send a smaller picture or a JPEG."
        )
