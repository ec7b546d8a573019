#!/usr/bin/env python3
"""Indexing throughput and search latency of the local face engine (no Django involved).

  .venv/bin/python bench/index_and_search.py [--model arcface|dlib] [--sizes 1000,10000,100000,1000000]

Prints photos/s for small photos (LFW, 250x250), for the shared photos at Instagram's 1080 px and
for 12-megapixel phone-size JPEGs with one face, on one core and on every core (one process per
core), then search latency p50/p99 of search_faces at each collection size (real faces plus
synthetic unit vectors; bench/engine_scale.py measures the search index properly).
"""

from __future__ import annotations

import argparse
import io
import multiprocessing as mp
import os
import sys
import time
import uuid
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from indexing.engine.local import LocalEngine  # noqa: E402
from indexing.engine.store import MemoryStore, StoredFace  # noqa: E402

TARGETS = (
    "targets: >= 30 photos/s on 2 cores for 12-MP single-face JPEGs (arcface); "
    "search p99 <= 2 ms at 100k faces, <= 20 ms at 1M"
)


def small_photos(n: int) -> list[bytes]:
    files = sorted((SHARED / "faces-lfw").rglob("*.jpg"))[:n]
    return [f.read_bytes() for f in files]


def phone_photos(n: int) -> list[bytes]:
    """12-MP (4000x3000) JPEGs, each one face, made from the shared portraits."""
    sources = ["joe_biden_2.jpg", "barack_obama_2.jpg", "kit_harington_1.jpg", "rose_leslie_2.jpg"]
    out = []
    for i in range(n):
        portrait = Image.open(SHARED / "faces" / sources[i % len(sources)]).convert("RGB")
        portrait = portrait.resize((int(3000 * portrait.width / portrait.height), 3000), Image.Resampling.BICUBIC)
        canvas = Image.new("RGB", (4000, 3000), (90 + i % 50, 110, 130))
        canvas.paste(portrait, ((4000 - portrait.width) // 2 + (i % 7) * 20, 0))
        buf = io.BytesIO()
        canvas.save(buf, "JPEG", quality=90)
        out.append(buf.getvalue())
    return out


def instagram_photos(n: int) -> list[bytes]:
    """The shared photos as Instagram serves them (at most 1080 px, JPEG q88), as the crawl meets them."""
    files = sorted((SHARED / "faces").glob("*.jpg"))
    out = []
    for i in range(n):
        image = Image.open(files[i % len(files)]).convert("RGB")
        image.thumbnail((1080, 1080), Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=88 - i // len(files))  # each file's bytes its own
        out.append(buf.getvalue())
    return out


SMALL_FACES = True


def _index_all(args) -> int:
    model, photos = args
    engine = LocalEngine(MemoryStore(), model=model, small_faces=SMALL_FACES)
    engine.create_collection("bench")
    faces = 0
    for data in photos:
        faces += len(engine.index_faces("bench", data)["FaceRecords"])
    return faces


def throughput(model: str, photos: list[bytes], processes: int) -> tuple[float, int]:
    """photos/s indexing `photos` split over `processes` processes (models loaded before timing)."""
    chunks = [photos[i::processes] for i in range(processes)]
    with mp.get_context("fork").Pool(processes, initializer=_warm, initargs=(model,)) as pool:
        pool.map(_sleep, range(processes))  # every worker has loaded its model
        t0 = time.perf_counter()
        faces = sum(pool.map(_index_all, [(model, c) for c in chunks]))
        elapsed = time.perf_counter() - t0
    return len(photos) / elapsed, faces


def _warm(model: str) -> None:
    _index_all((model, small_photos(1)))


def _sleep(_):
    time.sleep(0.2)


def search_latency(model: str, sizes: list[int], queries: int) -> None:
    engine = LocalEngine(MemoryStore(), model=model)
    engine.create_collection("bench")
    for data in small_photos(200):
        engine.index_faces("bench", data)
    real = engine.store.list_faces("bench", None, 10_000)
    dim = real[0].embedding.shape[0]
    rng = np.random.default_rng(7)
    have = len(real)
    for size in sizes:
        add = size - have
        while add > 0:
            batch = min(add, 100_000)
            vectors = rng.standard_normal((batch, dim)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            engine.store.add_faces(
                "bench", [StoredFace(str(uuid.uuid4()), "synthetic", None, real[0].box, 99.0, v) for v in vectors]
            )
            add -= batch
        have = max(have, size)
        engine.search_faces("bench", real[0].face_id)  # loads the matrix into the cache
        times = []
        for i in range(queries):
            t0 = time.perf_counter()
            engine.search_faces("bench", real[i % len(real)].face_id, max_faces=100)
            times.append((time.perf_counter() - t0) * 1000)
        p50, p99 = np.percentile(times, [50, 99])
        print(f"search_faces at {size:>9,} faces: p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   ({queries} queries)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="arcface", choices=["arcface", "dlib"])
    ap.add_argument("--photos", type=int, default=120, help="photos per throughput run")
    ap.add_argument("--sizes", default="1000,10000,100000,1000000")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--skip-index", action="store_true")
    ap.add_argument("--no-small-faces", action="store_true", help="as FACE_SMALL_FACES=false")
    a = ap.parse_args()
    global SMALL_FACES
    SMALL_FACES = not a.no_small_faces
    cores = os.cpu_count() or 1
    print(f"model {a.model}, small faces {'on' if SMALL_FACES else 'off'}, {cores} cores; {TARGETS}")
    if not a.skip_index:
        for label, photos in (
            ("small photos (LFW 250x250)", small_photos(a.photos)),
            ("Instagram-size JPEGs (shared photos at 1080 px)", instagram_photos(max(a.photos // 2, 8))),
            ("12-MP single-face JPEGs", phone_photos(max(a.photos // 2, 8))),
        ):
            for processes in sorted({1, cores}):
                rate, faces = throughput(a.model, photos, processes)
                if not faces:
                    sys.exit(f"bench/index_and_search.py: no face indexed in {label}: the rate would mean nothing")
                print(
                    f"index {label}: {rate:6.1f} photos/s on {processes} core(s) ({len(photos)} photos, {faces} faces)"
                )
    search_latency(a.model, [int(s) for s in a.sizes.split(",")], a.queries)


if __name__ == "__main__":
    main()
