"""What both models share: the model file check and the face quality score with its AUTO reasons."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ModelFileMismatch


def check_file(path: Path, known_sha256: dict[str, str], unknown_allowed: bool) -> Path:
    """`path` if it exists and holds exactly the known bytes of its name.

    A name missing from `known_sha256` passes only when `unknown_allowed`.
    """
    if not path.is_file():
        raise ModelFileMismatch(f"Model file {path} is missing.")
    expected = known_sha256.get(path.name)
    if expected or not unknown_allowed:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != expected:
            raise ModelFileMismatch(
                f"Model file {path} has SHA-256 {digest}, expected {expected}: "
                "embeddings and thresholds are calibrated for the known file only."
            )
    return path


def laplacian_variance(gray: np.ndarray) -> float:
    """Variance of the 4-neighbour Laplacian: low for blurred (or upscaled) pictures."""
    g = gray.astype(np.float32)
    lap = g[1:-1, :-2] + g[1:-1, 2:] + g[:-2, 1:-1] + g[2:, 1:-1] - 4 * g[1:-1, 1:-1]
    return float(lap.var())


@dataclass(frozen=True)
class QualityLimits:
    """Below the min_* limits a face is unusable (Rekognition's AUTO reasons); good_* scores full marks."""

    min_face_px: float
    good_face_px: float
    min_sharpness: float
    good_sharpness: float
    min_score: float

    def face_quality(self, width_px: float, sharpness: float, score: float) -> tuple[float, list[str]]:
        """Quality 0-100 (half size, half sharpness, on log scales) and the AUTO filter's reasons."""
        size = np.clip(np.log(max(width_px, 1) / self.min_face_px) / np.log(self.good_face_px / self.min_face_px), 0, 1)
        sharp = np.clip(
            np.log(max(sharpness, 1e-3) / self.min_sharpness) / np.log(self.good_sharpness / self.min_sharpness), 0, 1
        )
        reasons = []
        if width_px < self.min_face_px:
            reasons.append("SMALL_BOUNDING_BOX")
        if sharpness < self.min_sharpness:
            reasons.append("LOW_SHARPNESS")
        if score < self.min_score:
            reasons.append("LOW_CONFIDENCE")
        return round(float(50 * size + 50 * sharp), 2), reasons
