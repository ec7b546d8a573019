"""The contract every face model meets."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from ..images import DECODE_LONG_SIDE


@dataclass
class DetectedFace:
    """One face found in an image.

    `box` is (left, top, width, height) as ratios of the image's width and height
    (Rekognition's BoundingBox convention; may run below 0 or above 1 at the edges).
    `confidence` is the detector's score 0-100. `quality` is 0-100 (higher is sharper and
    larger); `unusable_reasons` lists Rekognition reasons (SMALL_BOUNDING_BOX, LOW_SHARPNESS,
    LOW_CONFIDENCE, ...) that make the face too poor to index under QualityFilter AUTO.
    `embedding` is float32, L2-normalised, shape (model.dim,).
    """

    box: tuple[float, float, float, float]
    confidence: float
    quality: float
    embedding: np.ndarray
    landmarks: list[tuple[float, float]]  # in ratios, like box
    unusable_reasons: list[str]
    brightness: float = 50.0  # 0-100: mean luminance of the aligned face crop
    pose: dict = field(default_factory=dict)  # {Roll, Yaw, Pitch} in degrees (see pose.py)
    # Rekognition's other landmark types (name -> (x, y) in ratios), filled only when asked (ALL)
    more_landmarks: dict = field(default_factory=dict)

    @property
    def area(self) -> float:
        return self.box[2] * self.box[3]


class FaceModel(ABC):
    """Detects faces in an RGB image and embeds them.

    `name` is the model version stored with every embedding (embeddings of different
    names are never compared). `similarity` maps embeddings to Rekognition's 0-100 scale,
    calibrated per model so that 80 gives precision >= 0.99 on LFW.
    """

    name: str
    dim: int
    decode_long_side: int = DECODE_LONG_SIDE  # pixels on the long side its detector can use

    @abstractmethod
    def analyze(
        self, image: Image.Image, max_faces: int = 100, source_long_side: int | None = None
    ) -> list[DetectedFace]:
        """Every face of an RGB image, largest first, at most `max_faces`; `source_long_side`: the
        long side of the photo `image` was decoded from, when it was decoded smaller."""

    def add_landmarks(self, image: Image.Image, faces: list[DetectedFace]) -> None:
        """Fill `more_landmarks` of each face (Rekognition's full landmark set); a model without a
        dense landmark model leaves them empty."""
        return None

    @abstractmethod
    def similarity(self, query: np.ndarray, matrix: np.ndarray) -> np.ndarray:
        """Similarity 0-100 of `query` (dim,) to each row of `matrix` (n, dim)."""

    def similarities(self, queries: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        """(b, c) similarities of each of `queries` (b, dim) to its own `candidates` (b, c, dim): many
        similarity calls at once (engine/neighbours.py)."""
        return np.stack([self.similarity(q, c) for q, c in zip(queries, candidates)]).reshape(candidates.shape[:2])
