"""Calibration figures of a face model on a labelled photo set (LFW by default).

Embeds the largest face of every photo, compares all pairs and prints: faces found, top-1 (is the
nearest other photo the same person, over people with >= 2 photos), precision and recall at
several similarity thresholds, the raw threshold where precision first reaches the goal, the
genuine and impostor distributions, and milliseconds per detection and per embedding.

  .venv/bin/python bench/calibrate.py --model arcface --data ../shared/faces-lfw
  .venv/bin/python bench/calibrate.py --model dlib --raw-dlib
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SIMILARITY_THRESHOLDS = (50, 60, 70, 75, 80, 85, 90, 95, 99)
RAW_CUTS = {
    "cosine": (0.25, 0.28, 0.30, 0.32, 0.33, 0.34, 0.35, 0.36, 0.38, 0.40, 0.45, 0.50),
    "distance": (0.28, 0.30, 0.31, 0.32, 0.33, 0.34, 0.36, 0.38, 0.42, 0.45, 0.50, 0.60),
}


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def read_manifest(data: Path, limit: int) -> list[tuple[str, str]]:
    with open(data / "manifest.csv", newline="") as f:
        rows = [(r["file"], r["identity"]) for r in csv.DictReader(f)]
    if limit:
        keep = set(sorted({who for _, who in rows})[:limit])
        rows = [(f, who) for f, who in rows if who in keep]
    return rows


def embed_all(model, data: Path, rows, raw_dlib: bool):
    """Embeddings of the largest face of each photo, their identities, timings, raw dlib vectors."""
    from indexing.engine.images import load_image

    vectors, names, raw, missing = [], [], [], []
    det_s, analyze_s = 0.0, 0.0
    for file, who in rows:
        image = load_image((data / file).read_bytes()).image
        t0 = time.process_time()
        model.detect(np.asarray(image))
        t1 = time.process_time()
        faces = model.analyze(image, max_faces=1)
        t2 = time.process_time()
        det_s, analyze_s = det_s + t1 - t0, analyze_s + t2 - t1
        if not faces:
            missing.append(file)
            continue
        vectors.append(faces[0].embedding)
        names.append(who)
        if raw_dlib:
            pixels = np.asarray(image)
            rect = max((r for r, _ in model.detect(pixels)), key=lambda r: r.width() * r.height())
            raw.append(model.raw_descriptor(pixels, rect)[0])
    timing = (1000 * det_s / len(rows), 1000 * (analyze_s - det_s) / max(1, len(vectors)))
    return np.stack(vectors), np.array(names), np.array(raw) if raw else None, missing, timing


def top1(scores: np.ndarray, names: np.ndarray) -> tuple[float, int]:
    """Share of photos whose nearest other photo (highest score) is the same person."""
    counts = {n: (names == n).sum() for n in set(names)}
    queries = [i for i, n in enumerate(names) if counts[n] >= 2]
    s = scores.copy()
    np.fill_diagonal(s, -np.inf)
    right = sum(names[s[i].argmax()] == names[i] for i in queries)
    return right / len(queries), len(queries)


def loosest_threshold(values: np.ndarray, genuine: np.ndarray, goal: float) -> tuple[float, float, float]:
    """The loosest cut on `values` (higher = more alike) with precision >= goal: (cut, precision, recall)."""
    order = np.argsort(-values, kind="stable")
    hits = np.cumsum(genuine[order])
    precision = hits / np.arange(1, len(order) + 1)
    ok = np.flatnonzero(precision >= goal)
    if not ok.size:
        return float("nan"), 0.0, 0.0
    k = ok[-1]
    return float(values[order[k]]), float(precision[k]), float(hits[k] / genuine.sum())


def report_raw(label: str, alike: np.ndarray, genuine: np.ndarray, sign: float) -> None:
    """Distribution of a raw metric and its thresholds; `sign` -1 for distances (lower = alike)."""
    g = np.percentile(alike[genuine], [1, 5, 50, 95]) * sign
    i = np.percentile(alike[~genuine], [50, 99, 99.9, 100]) * sign
    say(
        f"{label}: genuine pairs worst 1% / 5% / median / best 5%: {g.round(3).tolist()}; "
        f"impostor pairs median / closest 1% / 0.1% / closest: {i.round(3).tolist()}"
    )
    cuts = RAW_CUTS["cosine" if sign > 0 else "distance"]
    if label.startswith("raw"):
        cuts = tuple(round(c * 1.42, 2) for c in cuts)  # raw dlib norms are ~1.42
    for cut in cuts:
        p, r = pr_at(alike, genuine, cut * sign)
        say(f"  {label} {'>=' if sign > 0 else '<='} {cut}: precision {p:.4f} recall {r:.4f}")
    for goal in (0.99, 0.995, 0.999):
        cut, p, r = loosest_threshold(alike, genuine, goal)
        say(f"  {label} where precision first reaches >= {goal}: {cut * sign:.3f} (precision {p:.4f}, recall {r:.4f})")


def pr_at(values: np.ndarray, genuine: np.ndarray, cut: float) -> tuple[float, float]:
    accepted = values >= cut
    tp = (accepted & genuine).sum()
    return tp / max(1, accepted.sum()), tp / genuine.sum()


def embeddings(model, a: argparse.Namespace, rows):
    """embed_all's answer, from the --cache file when there is one."""
    if a.cache and a.cache.exists():
        z = np.load(a.cache, allow_pickle=False)
        raw = z["raw"] if z["raw"].size else None
        return z["vectors"], z["names"], raw, [str(m) for m in z["missing"]], z["timing"]
    vectors, names, raw, missing, timing = embed_all(model, a.data, rows, a.raw_dlib and a.model == "dlib")
    if a.cache:
        np.savez(
            a.cache,
            vectors=vectors,
            names=names,
            raw=raw if raw is not None else np.zeros(0),
            missing=np.array(missing, dtype=str),
            timing=np.array(timing),
        )
    return vectors, names, raw, missing, timing


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", choices=("arcface", "dlib"), default="arcface")
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "faces-lfw")
    ap.add_argument("--limit", type=int, default=0, help="use the first N identities only (0: all)")
    ap.add_argument("--cache", type=Path, help="an .npz of the embeddings: read if it exists, else written")
    ap.add_argument("--raw-dlib", action="store_true", help="also measure on dlib's raw (unnormalised) descriptors")
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from indexing.engine.models import load_model

    model = load_model(a.model)
    model.detect(np.zeros((480, 640, 3), dtype=np.uint8))  # warm up before timing
    rows = read_manifest(a.data, a.limit)
    vectors, names, raw, missing, (det_ms, emb_ms) = embeddings(model, a, rows)
    say(f"model {model.name}: {len(rows)} photos, {len(set(names))} people, no face in {len(missing)} {missing[:5]}")
    cosine = vectors @ vectors.T
    iu = np.triu_indices(len(names), 1)
    genuine = (names[:, None] == names[None, :])[iu]
    similarity = np.stack([model.similarity(v, vectors) for v in vectors])[iu]
    rate, n = top1(cosine, names)
    say(f"top-1 {rate:.4f} over {n} photos; pairs: {genuine.sum()} genuine, {(~genuine).sum()} impostor")
    for t in SIMILARITY_THRESHOLDS:
        p, r = pr_at(similarity, genuine, t)
        say(f"  similarity >= {t}: precision {p:.4f} recall {r:.4f}")
    if a.model == "arcface":
        report_raw("cosine", cosine[iu], genuine, 1.0)
    else:
        report_raw("distance", -np.sqrt(np.clip(2 - 2 * cosine[iu], 0, None)), genuine, -1.0)
        if raw is not None:
            d = np.linalg.norm(raw[:, None, :] - raw[None, :, :], axis=2)
            norms = np.linalg.norm(raw, axis=1)
            say(
                f"raw descriptor norms min/median/max {norms.min():.3f}/{np.median(norms):.3f}/{norms.max():.3f}; "
                f"raw top-1 {top1(-d, names)[0]:.4f}"
            )
            report_raw("raw distance", -d[iu], genuine, -1.0)
    say(f"CPU time: detection {det_ms:.1f} ms per photo, embedding {emb_ms:.1f} ms per face (analyze minus detection)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
