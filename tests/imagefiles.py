"""Broken and unusual image files, made on the fly for the bad-input tests."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def encode(image: Image.Image, fmt: str, **kw) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **kw)
    return out.getvalue()


def png_claiming_size(width: int, height: int) -> bytes:
    """A valid small PNG whose header claims width x height: a decompression bomb's first bytes."""
    data = bytearray(encode(Image.new("L", (8, 8)), "PNG"))
    ihdr = 8 + 8  # signature, then the IHDR chunk's length and type
    data[ihdr : ihdr + 8] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr - 4 : ihdr + 13])) & 0xFFFFFFFF
    data[ihdr + 13 : ihdr + 17] = struct.pack(">I", crc)
    return bytes(data)


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def sixteen_bit_png(source: Image.Image) -> bytes:
    gray = source.convert("L")
    return encode(gray.point(lambda v: v * 256, "I").convert("I;16"), "PNG")


def animated_gif(first: Image.Image) -> bytes:
    frames = [first.convert("P"), Image.new("P", first.size, 3)]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def rotated_with_exif(source: Image.Image, orientation: int = 6) -> bytes:
    """The photo stored sideways with an EXIF orientation that puts it upright again (as phones do)."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    stored = source.transpose(Image.Transpose.ROTATE_90) if orientation == 6 else source
    return encode(stored, "JPEG", exif=exif.tobytes(), quality=92)
