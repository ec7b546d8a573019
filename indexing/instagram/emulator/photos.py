"""The emulator's pictures: photos from a folder, served as Instagram serves them (JPEG, at most 1080 px)."""

from __future__ import annotations

import io
import struct
import threading
from pathlib import Path

from PIL import Image, ImageOps

SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
LONG_SIDE = 1080  # Instagram stores photos at most 1080 pixels wide
# Not a playable video: the crawler only ever fetches a video's thumbnail.
VIDEO_BYTES = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


class PhotoLibrary:
    """Photos of a folder by file name, converted once to Instagram-like JPEGs."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise FileNotFoundError(f"No folder of photos at {self.folder}")
        self.names = sorted(p.name for p in self.folder.iterdir() if p.suffix.lower() in SUFFIXES)
        if not self.names:
            raise FileNotFoundError(f"No photos (.jpg, .png, .webp) in {self.folder}")
        self._jpegs: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def jpeg(self, name: str) -> bytes:
        with self._lock:
            if name not in self._jpegs:
                self._jpegs[name] = _instagram_jpeg(self.folder / name)
            return self._jpegs[name]

    def media_bytes(self, name: str, media_id: str) -> bytes:
        """The photo as the media item's own file: a JPEG comment makes every media item's bytes unique."""
        return with_comment(self.jpeg(name), f"instagram media {media_id}".encode())


def _instagram_jpeg(path: Path) -> bytes:
    with Image.open(path) as image:
        image = ImageOps.exif_transpose(image).convert("RGB")
        image.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=88)
        return out.getvalue()


def with_comment(jpeg: bytes, comment: bytes) -> bytes:
    """Insert a COM segment right after the JPEG's start-of-image marker."""
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + jpeg[2:]
