"""Rekognition's FaceDetail and ComparedFace built from a model's DetectedFace.

DEFAULT (what Rekognition answers without Attributes): BoundingBox, Confidence, the five default
Landmarks, Pose {Roll, Yaw, Pitch} and Quality {Brightness, Sharpness}. ALL adds Rekognition's other
25 landmark types, from the 106-point landmark model. Every other attribute (AgeRange, Smile,
Eyeglasses, Sunglasses, Gender, Beard, Mustache, EyesOpen, MouthOpen, Emotions, FaceOccluded,
EyeDirection) is not served: no model here measures it, and a made-up value would mislead.
"""

from __future__ import annotations

from .errors import Validation
from .models import DetectedFace

DEFAULT_LANDMARKS = ("eyeLeft", "eyeRight", "nose", "mouthLeft", "mouthRight")
# botocore's Attribute enum; only DEFAULT and ALL change the answer here (see the docstring)
ATTRIBUTES = (
    "DEFAULT",
    "ALL",
    "AGE_RANGE",
    "BEARD",
    "EMOTIONS",
    "EYE_DIRECTION",
    "EYEGLASSES",
    "EYES_OPEN",
    "GENDER",
    "MOUTH_OPEN",
    "MUSTACHE",
    "FACE_OCCLUDED",
    "SMILE",
    "SUNGLASSES",
)


def wants_all(attributes) -> bool:
    """Whether `attributes` (Attributes / DetectionAttributes) asks for every attribute."""
    attributes = list(attributes or [])
    unknown = [a for a in attributes if a not in ATTRIBUTES]
    if unknown:
        raise Validation(f"Attributes must be among {', '.join(ATTRIBUTES)}; got {', '.join(unknown)}")
    return "ALL" in attributes


def box_dict(box: tuple[float, float, float, float]) -> dict:
    left, top, width, height = box
    return {"Width": float(width), "Height": float(height), "Left": float(left), "Top": float(top)}


def landmarks(face: DetectedFace) -> list[dict]:
    named = list(zip(DEFAULT_LANDMARKS, face.landmarks)) + list(face.more_landmarks.items())
    return [{"Type": t, "X": float(x), "Y": float(y)} for t, (x, y) in named]


def face_detail(face: DetectedFace) -> dict:
    """The FaceDetail of a face: the DEFAULT attributes, plus every landmark when they were added."""
    return {
        "BoundingBox": box_dict(face.box),
        "Confidence": face.confidence,
        "Landmarks": landmarks(face),
        "Pose": dict(face.pose),
        # Sharpness is the face's quality score (sharpness and size, see models/quality.py): the
        # LOW / MEDIUM / HIGH filters compare it with their floors.
        "Quality": {"Brightness": face.brightness, "Sharpness": face.quality},
    }


def compared_face(face: DetectedFace) -> dict:
    """CompareFaces' ComparedFace: BoundingBox, Confidence, Landmarks, Pose, Quality."""
    return face_detail(face)


QUALITY_FILTERS = ("NONE", "AUTO", "LOW", "MEDIUM", "HIGH")
# Faces below this quality are filtered by LOW / MEDIUM / HIGH (AUTO uses the model's reasons).
QUALITY_FLOORS = {"LOW": 10.0, "MEDIUM": 30.0, "HIGH": 60.0}


def check_quality_filter(quality_filter: str) -> None:
    if quality_filter not in QUALITY_FILTERS:
        raise Validation(f"QualityFilter must be one of {', '.join(QUALITY_FILTERS)}")


def reasons(face: DetectedFace, quality_filter: str) -> list[str]:
    """Why `quality_filter` leaves the face out ([] when it passes)."""
    if quality_filter == "NONE":
        return []
    if quality_filter == "AUTO":
        return list(face.unusable_reasons)
    return list(face.unusable_reasons) or (
        ["LOW_FACE_QUALITY"] if face.quality < QUALITY_FLOORS[quality_filter] else []
    )
