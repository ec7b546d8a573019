"""Rekognition's CompareFaces for the local engine (mixed into LocalEngine).

The largest face of the source image is compared with each of the (at most 100) largest faces of
the target image, on the model's similarity scale (the one SearchFaces uses). QualityFilter
(default NONE) leaves out the faces that do not pass it, in both images: filtered faces are not
compared and appear in neither list, as Rekognition documents. SourceImageOrientationCorrection
and TargetImageOrientationCorrection are never set: Rekognition documents them as always null
(images are read upright from their EXIF orientation, and boxes refer to the upright image).
"""

from __future__ import annotations

import numpy as np

from .base import DEFAULT_THRESHOLD, FaceEngine
from .details import box_dict, check_quality_filter, compared_face, reasons
from .errors import InvalidParameter, Validation


class LocalCompare(FaceEngine):
    def compare_faces(
        self,
        source_bytes: bytes,
        target_bytes: bytes,
        similarity_threshold: float = DEFAULT_THRESHOLD,
        quality_filter: str = "NONE",
    ) -> dict:
        if not 0 <= similarity_threshold <= 100:
            raise Validation("SimilarityThreshold must be between 0 and 100")
        check_quality_filter(quality_filter)
        sources = [f for f in self.detect(source_bytes) if not reasons(f, quality_filter)]
        targets = [f for f in self.detect(target_bytes) if not reasons(f, quality_filter)]
        if not sources:
            raise InvalidParameter("There are no faces in the source image. Should be at least 1.")
        if not targets:
            raise InvalidParameter("There are no faces in the target image. Should be at least 1.")
        source = sources[0]
        sims = self.model.similarity(source.embedding, np.stack([t.embedding for t in targets]))
        matches, unmatched = [], []
        for target, sim in zip(targets, sims, strict=True):
            if sim >= similarity_threshold:
                matches.append({"Similarity": round(float(sim), 4), "Face": compared_face(target)})
            else:
                unmatched.append(compared_face(target))
        matches.sort(key=lambda m: -m["Similarity"])
        return {
            "SourceImageFace": {"BoundingBox": box_dict(source.box), "Confidence": source.confidence},
            "FaceMatches": matches,
            "UnmatchedFaces": unmatched,
        }
