"""Head pose (Roll, Yaw, Pitch in degrees) from the five face landmarks, as Rekognition's `Pose`.

A weak-perspective estimate on a mean face: the landmarks are first turned upright (Roll), then
the nose tip's offset from the eyes' midpoint, as a share of the eye distance, gives Yaw, and its
height between the eye line and the mouth line, against the frontal face's, gives Pitch. The nose
tip stands NOSE_DEPTH eye distances in front of the eyes and PITCH_DEPTH eye-to-mouth heights in
front of the eye-mouth plane (mean adult face); NOSE_HEIGHT is its height on a level face.

Conventions (image coordinates, seen by the viewer): Roll > 0 when the face is turned clockwise in
the image (the eye on the right lower); Yaw > 0 when the nose points to the image's right; Pitch >
0 when the face looks up. Measured by bench/rekognition_fidelity.py (docs/rekognition-api.md).
"""

from __future__ import annotations

import math

import numpy as np

NOSE_DEPTH = 0.5  # nose tip in front of the eye centres, in eye distances
PITCH_DEPTH = 0.42  # nose tip in front of the eye-mouth plane, in eye-to-mouth heights
# (nose - eyes) / (mouth - eyes) of a face seen level: 0.494 on ArcFace's template, which put the
# median Pitch of faces-lfw's faces (news photos, mostly level) at -5.2 degrees; 0.532 puts it at 0.
NOSE_HEIGHT = 0.532


def _upright(points: np.ndarray) -> tuple[float, np.ndarray]:
    """Roll in degrees and the points turned back by it, around the eyes' midpoint."""
    left, right = points[0], points[1]
    dx, dy = right - left
    roll = math.atan2(dy, dx)
    c, s = math.cos(-roll), math.sin(-roll)
    centred = points - (left + right) / 2
    return math.degrees(roll), centred @ np.array([[c, s], [-s, c]])


def pose_of(points_px) -> dict:
    """{Roll, Yaw, Pitch} from (eye on the image's left, the other eye, nose tip, mouth corners)
    in pixels; Pitch only when the mouth corners are given."""
    points = np.asarray(points_px, dtype=np.float64).reshape(-1, 2)
    roll, upright = _upright(points)
    eye_distance = max(float(np.linalg.norm(points[1] - points[0])), 1e-6)
    yaw = math.degrees(math.atan2(upright[2, 0] / eye_distance, NOSE_DEPTH))
    pose = {"Roll": round(roll, 2), "Yaw": round(yaw, 2)}
    if len(points) >= 5:
        mouth_height = max(float(upright[3:5, 1].mean()), 1e-6)
        offset = NOSE_HEIGHT - upright[2, 1] / mouth_height
        pose["Pitch"] = round(math.degrees(math.atan2(offset, PITCH_DEPTH)), 2)
    return pose
