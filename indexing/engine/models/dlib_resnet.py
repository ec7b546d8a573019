"""dlib's HOG face detector and ResNet-34 face descriptor (the face_recognition_models weights).

dlib is imported here, so only a process that loads this model pays for it.
"""

from __future__ import annotations

from pathlib import Path

import dlib
import face_recognition_models
import numpy as np
from PIL import Image

from .base import DetectedFace, FaceModel
from .pose import pose_of
from .quality import QualityLimits, check_file, laplacian_variance

# dlib-models' official files (as on dlib.net), shipped by face_recognition_models 0.3.0.
KNOWN_SHA256 = {
    "shape_predictor_5_face_landmarks.dat": "c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888",
    "dlib_face_recognition_resnet_model_v1.dat": "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30",
}

# dlib's raw descriptors are NOT unit norm: their norms run 1.23-1.65 (median 1.42) on LFW. They
# are stored L2-normalised (the contract) and similarity is piecewise-linear in the euclidean
# distance of the stored vectors, which is all it sees. That distance ranks LFW pairs better than
# the raw one where precision matters (recall at precision 0.99 / 0.995 / 0.999: 0.66 / 0.59 /
# 0.40 against 0.65 / 0.54 / 0.29 raw; top-1 0.979 against 0.981); dlib's usual 0.6 on raw
# descriptors is about 0.42 here. Measured with bench/calibrate.py --raw-dlib on faces-lfw
# (728 photos with a face, 2,731 genuine and 261,897 impostor pairs): precision first reaches
# 0.99 at 0.333 (recall 0.66); at 0.32 it is 0.996 (recall 0.57), so 80 sits there. The closest
# impostor pair is 0.282, so 99 sits at 0.25; the impostor median 0.57 maps to 40.
DISTANCE_ANCHORS = (0.0, 0.25, 0.32, 0.57, 2.0)
SIMILARITY_ANCHORS = (100.0, 99.0, 80.0, 40.0, 0.0)

UPSAMPLE_MAX_PIXELS = 1_000_000  # HOG finds faces >= 80 px; upsampled once, >= 40 px, at 4x the cost
CHIP = 150  # the descriptor's input: 150x150, face aligned on its 5 points with 25% padding
CHIP_PADDING = 0.25

# Quality and the QualityFilter AUTO reasons, kept conservative (see arcface.py). Measured on the
# 150 px chips: faces of shared/faces >= 50 (Laplacian variance), LFW median 36, LFW blurred
# with sigma 2 median 4.5, sigma 4 2.5. HOG margins: shared/faces >= 0.27, LFW >= 0.18.
MIN_FACE_PX = 20
MIN_SHARPNESS = 3.5
GOOD_SHARPNESS = 100.0
GOOD_FACE_PX = 100
MIN_SCORE = 0.1  # LOW_CONFIDENCE under this HOG margin (0 is the detector's own threshold)


def check_model_file(path: Path) -> str:
    """`path` as a string if it holds exactly the known bytes of its name."""
    return str(check_file(path, KNOWN_SHA256, unknown_allowed=False))


LIMITS = QualityLimits(MIN_FACE_PX, GOOD_FACE_PX, MIN_SHARPNESS, GOOD_SHARPNESS, MIN_SCORE)


def confidence_of(score: float) -> float:
    """The HOG margin as 0-100: 0 (the detector's threshold) is 50, 1 is 93, 2 is 99."""
    return round(float(100 * (1 - 0.5 * np.exp(-2 * max(score, 0.0)))), 3)


class DlibModel(FaceModel):
    name = "dlib-resnet-v1"
    dim = 128
    decode_long_side = 1920  # one HOG pass over the whole photo: small faces need the pixels

    def __init__(self):
        self.detector = dlib.get_frontal_face_detector()
        landmarks = Path(face_recognition_models.pose_predictor_five_point_model_location())
        descriptor = Path(face_recognition_models.face_recognition_model_location())
        self.predictor = dlib.shape_predictor(check_model_file(landmarks))
        self.encoder = dlib.face_recognition_model_v1(check_model_file(descriptor))

    def detect(self, pixels: np.ndarray) -> list[tuple[dlib.rectangle, float]]:
        """HOG detections (rectangle, margin) of an RGB array, upsampled once when it is small."""
        h, w = pixels.shape[:2]
        upsample = 1 if w * h <= UPSAMPLE_MAX_PIXELS else 0
        rects, scores, _ = self.detector.run(pixels, upsample, 0.0)
        return list(zip(rects, scores, strict=True))

    def raw_descriptor(self, pixels: np.ndarray, rect: dlib.rectangle) -> tuple[np.ndarray, np.ndarray, list]:
        """dlib's raw 128-d descriptor of the face in `rect`, its aligned chip, and its eye
        centres and nose (pixels; the eye on the image's left first)."""
        shape = self.predictor(pixels, rect)
        chip = dlib.get_face_chip(pixels, shape, size=CHIP, padding=CHIP_PADDING)
        # the 5-point model: 0-1 corners of the eye on the image's right, 2-3 of the other, 4 the nose
        p = np.array([(pt.x, pt.y) for pt in shape.parts()], dtype=np.float64)
        points = [tuple(p[2:4].mean(0)), tuple(p[0:2].mean(0)), tuple(p[4])]
        return np.array(self.encoder.compute_face_descriptor(chip), dtype=np.float32), chip, points

    def analyze(
        self, image: Image.Image, max_faces: int = 100, source_long_side: int | None = None
    ) -> list[DetectedFace]:
        pixels = np.asarray(image.convert("RGB"))
        h, w = pixels.shape[:2]
        found = sorted(self.detect(pixels), key=lambda d: -d[0].width() * d[0].height())[: max(0, max_faces)]
        faces = []
        for rect, score in found:
            raw, chip, points = self.raw_descriptor(pixels, rect)
            gray = np.asarray(Image.fromarray(chip).convert("L"))
            sharpness = laplacian_variance(gray)
            quality, reasons = LIMITS.face_quality(rect.width(), sharpness, float(score))
            faces.append(
                DetectedFace(
                    box=(rect.left() / w, rect.top() / h, rect.width() / w, rect.height() / h),
                    confidence=confidence_of(float(score)),
                    quality=quality,
                    embedding=raw / np.linalg.norm(raw),
                    landmarks=[(float(x / w), float(y / h)) for x, y in points],
                    unusable_reasons=reasons,
                    brightness=round(float(gray.mean()) / 2.55, 2),
                    pose=pose_of(points),  # eyes and nose only: Roll and Yaw, no Pitch
                )
            )
        return faces

    def similarity(self, query: np.ndarray, matrix: np.ndarray) -> np.ndarray:
        diff = np.asarray(matrix, dtype=np.float32).reshape(-1, self.dim) - np.asarray(query, dtype=np.float32)
        distance = np.sqrt((diff * diff).sum(1))
        return np.interp(distance, DISTANCE_ANCHORS, SIMILARITY_ANCHORS).astype(np.float32)

    def similarities(self, queries: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        diff = np.asarray(candidates, np.float32) - np.asarray(queries, np.float32)[:, None, :]
        distance = np.sqrt((diff * diff).sum(2))
        return np.interp(distance, DISTANCE_ANCHORS, SIMILARITY_ANCHORS).astype(np.float32)
