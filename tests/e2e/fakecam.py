"""A still photo as a .y4m video, for Chromium's fake webcam (--use-file-for-fake-video-capture)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageOps


def write_y4m(photo: Path, out: Path, size: tuple[int, int] = (640, 480)) -> Path:
    """One 4:2:0 frame (Chromium loops it), BT.601 limited range as Chromium expects."""
    width, height = size
    image = ImageOps.pad(Image.open(photo).convert("RGB"), size, color=(128, 128, 128))
    rgb = np.asarray(image, dtype=np.float64)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = 128 + (b - y) / 1.772 * 224 / 255
    cr = 128 + (r - y) / 1.402 * 224 / 255
    y = 16 + y * 219 / 255

    def half(plane):  # chroma averaged over 2x2 blocks
        return plane.reshape(height // 2, 2, width // 2, 2).mean(axis=(1, 3))

    planes = [np.clip(np.rint(p), 0, 255).astype(np.uint8).tobytes() for p in (y, half(cb), half(cr))]
    out.write_bytes(f"YUV4MPEG2 W{width} H{height} F30:1 Ip A1:1 C420jpeg\n".encode() + b"FRAME\n" + b"".join(planes))
    return out
