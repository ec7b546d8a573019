#!/usr/bin/env python3
"""A real library at scale: one user's collection filled to each size, measured at each size, in one run.

  .venv/bin/python bench/scale.py [--sizes 1000,10000,100000] [--photos 24] [--full-max 100000]

Everything runs on loopback in a temporary directory: an SQLite database, a media root, an
embedded valkey, two real Celery workers (--pool solo, one process each) and gunicorn. The
library grows with person-clustered synthetic faces (Photo and Face rows bulk-created without
image decoding, their embeddings written through the engine's own store, DatabaseStore), then at
each size the bench prints:
  index     photos/s of 12-MP phone JPEGs (../shared photos upscaled to 4000x3000, JPEG q90)
            indexed through the workers, from the first claim to the last photo done, and the
            workers' CPU ms per photo (2000 / that = photos/s on 2 idle cores: on a shared
            machine the wall-clock rate says more about the neighbours)
  search    p50/p99 of SearchFaces (top 10) for real faces among the synthetic ones, and
            recall@10 against an exact search over every vector
  grouping  incremental: ms per new face (its search + grouping.group_new_faces);
            full: cluster_faces (clusters.cluster_user_faces), up to --full-max faces
  memory    RSS of each worker process and of the gunicorn workers (MB)
  pages     p95 (ms, wall) / gunicorn CPU ms per request of the gallery, an album, a person, a face's
            matches and the admin photo change list, 8 concurrent clients against gunicorn (2 workers),
            a bounded number of requests
Exits 1 when nothing was indexed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))
TARGETS = (
    "targets: 12-MP >= 30 photos/s on 2 cores; photos/s at 100k >= 0.9 x at 0; search p99 <= 2 ms at 100k, "
    "recall@10 >= 0.99; grouping <= 20 ms per new face at 100k, full regrouping of 100k <= 60 s; "
    "worker RSS <= 400 MB at 100k; pages p95 <= 150 ms at 100k photos"
)


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="library sizes in photos, comma-separated")
    parser.add_argument("--photos", type=int, default=24, help="12-MP photos indexed through the workers per size")
    parser.add_argument("--full-max", type=int, default=100000, help="skip the full regrouping above this many faces")
    parser.add_argument("--requests", type=int, default=40, help="requests per page and size")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    tmp = Path(tempfile.mkdtemp(prefix="faceapp-scale-"))
    from bench.scale_stack import Stack

    with Stack(tmp, keep=args.keep) as stack:
        from bench import scale_measure as m

        owner = m.make_owner()
        phones = m.phone_photos(tmp / "phone", args.photos * (len(sizes) + 1))
        say(TARGETS)
        say(
            f"{'photos':>8} {'faces':>8} {'photos/s':>9} {'cpu ms/photo':>12} "
            f"{'search p50/p99 ms':>18} {'recall@10':>9} "
            f"{'group ms/face':>13} {'full s':>7} {'worker MB':>10} {'web MB':>7}  pages p95/cpu ms"
        )
        indexed, batch = 0, iter([phones[i : i + args.photos] for i in range(0, len(phones), args.photos)])
        rate0 = m.index_through_workers(stack, owner, next(batch))
        indexed += rate0.photos
        say(f"{'0':>8} {m.face_count(owner):8d} {rate0.per_second:9.1f} {rate0.cpu_ms:12.0f}  (an empty library)")
        for size in sizes:
            m.fill(owner, size)
            say(f"{size:8d}: the search index built in {m.build_index(owner):.0f} s")
            rate = m.index_through_workers(stack, owner, next(batch))
            indexed += rate.photos
            search = m.search_latency(owner)
            per_face = m.incremental_grouping(owner)
            faces = m.face_count(owner)
            full = m.full_grouping(owner) if faces <= args.full_max else None
            pages = m.page_latency(stack, owner, args.requests)
            say(
                f"{m.photo_count(owner):8d} {faces:8d} {rate.per_second:9.1f} {rate.cpu_ms:12.0f} "
                f"{search.p50:8.2f}/{search.p99:<9.2f} {search.recall:9.3f} {per_face:13.1f} "
                f"{'-' if full is None else f'{full:.1f}':>7} {'/'.join(f'{r:.0f}' for r in stack.worker_rss()):>10} "
                f"{max(stack.web_rss(), default=0):7.0f}  " + "  ".join(f"{k} {v}" for k, v in pages.items())
            )
    if not indexed:
        say("nothing was indexed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
