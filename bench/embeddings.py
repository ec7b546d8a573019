"""Real and synthetic face embeddings for the engine benches (no Django involved).

`lfw()` embeds the photos of ../shared/faces-lfw with the app's own model (largest face per
photo), cached under var/bench/; `clustered()` makes person-clustered synthetic unit vectors
whose same-person cosine matches the real ones (`noise_for`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
CACHE = ROOT / "var" / "bench"

import numpy as np  # noqa: E402


def lfw(model: str = "arcface") -> tuple[np.ndarray, np.ndarray]:
    """(embeddings (n, dim) float32, person label per row) of every LFW photo with a face."""
    cache = CACHE / f"lfw-{model}.npz"
    if cache.exists():
        data = np.load(cache)
        return data["vectors"], data["labels"]
    from indexing.engine.images import load_image
    from indexing.engine.models import load_model

    engine_model = load_model(model, None, True)
    vectors, labels = [], []
    for path in sorted((SHARED / "faces-lfw").rglob("*.jpg")):
        faces = engine_model.analyze(load_image(path.read_bytes()).image, max_faces=1)
        if faces:
            vectors.append(faces[0].embedding.astype(np.float32))
            labels.append(path.parent.name)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(cache, vectors=np.stack(vectors), labels=np.array(labels))
    return np.stack(vectors), np.array(labels)


def same_person_cosine(vectors: np.ndarray, labels: np.ndarray) -> float:
    """Mean cosine between two different photos of the same person."""
    sims = []
    for person in np.unique(labels):
        rows = vectors[labels == person]
        if len(rows) > 1:
            g = rows @ rows.T
            sims.extend(g[np.triu_indices(len(rows), 1)])
    return float(np.mean(sims))


def noise_for(target_cosine: float, dim: int) -> float:
    """Per-face noise (norm relative to the unit centre) giving `target_cosine` between two faces
    of one identity: two faces c+n1, c+n2 with |n| = s have cosine ~ 1 / (1 + s^2)."""
    return float(np.sqrt(1.0 / target_cosine - 1.0))


def clustered(
    n: int, dim: int, noise: float, faces_per_person: int = 20, seed: int = 7, like: np.ndarray | None = None
) -> np.ndarray:
    """n unit vectors in identities of ~faces_per_person faces each (float32). Their centres are
    isotropic (two strangers' cosine has std 1/sqrt(dim), 0.044 at 512: the hardest case for an
    approximate index), or, with `like` (real embeddings), drawn from a Gaussian of their mean and
    covariance (strangers then as spread as real ones: cosine std ~0.067 for arcface)."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, dim), np.float32)
    shape = None
    if like is not None:  # x = mean + z @ L.T has the real embeddings' mean and covariance
        mean = like.mean(axis=0)
        shape = (mean, np.linalg.cholesky(np.cov(like, rowvar=False) + 1e-6 * np.eye(dim)).T.astype(np.float32))
    for start in range(0, n, 50_000):
        m = min(50_000, n - start)
        centres = rng.standard_normal((m // faces_per_person + 1, dim)).astype(np.float32)
        if shape is not None:
            centres = shape[0] + centres @ shape[1]
        centres /= np.linalg.norm(centres, axis=1, keepdims=True)
        block = centres[rng.integers(0, len(centres), m)]
        block += rng.standard_normal((m, dim)).astype(np.float32) * (noise / np.sqrt(dim))
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start : start + m] = block
    return out


STRANGERS = ("lfw-like", "isotropic")


def add_strangers_option(parser, both: bool = False) -> None:
    """--strangers, the synthetic faces' centres (clustered()), for a bench's argparse parser; with
    `both`, "both" (the default then) measures each kind in turn."""
    parser.add_argument(
        "--strangers",
        choices=STRANGERS + (("both",) if both else ()),
        default="both" if both else "isotropic",
        help="synthetic centres as spread as real faces, or isotropic (the graph's hardest case)",
    )


def collection(n: int, model: str = "arcface", strangers: str = "isotropic") -> tuple[np.ndarray, np.ndarray]:
    """(n vectors: every real LFW embedding then clustered synthetic ones, the real ones as queries).
    strangers: "isotropic" or "lfw-like" centres (clustered())."""
    real, labels = lfw(model)
    noise = noise_for(same_person_cosine(real, labels), real.shape[1])
    like = real if strangers == "lfw-like" else None
    synthetic = clustered(max(n - len(real), 0), real.shape[1], noise, like=like)
    return np.concatenate([real[:n], synthetic]), real


if __name__ == "__main__":
    v, lab = lfw()
    c = same_person_cosine(v, lab)
    s = clustered(2000, v.shape[1], noise_for(c, v.shape[1]), faces_per_person=20)
    print(f"{len(v)} LFW faces of {len(np.unique(lab))} people; same-person cosine {c:.3f}")
    g = s[:20] @ s[:20].T  # not one identity necessarily; rough check below
    print(f"synthetic cosine to nearest other face: {np.sort(s[:200] @ s.T, axis=1)[:, -2].mean():.3f}")
