#!/usr/bin/env python3
"""Grouping and auto-tagging at scale, in this process: one user's library filled with person-clustered
synthetic faces (bench/scale_measure.fill) to each size, then at each size:
  per face   a new photo (one synthetic face: of a known synthetic person, or of somebody new) saved
             the way indexing saves it, then people.services.autotag.autotag_photo (auto-tagging's search and the
             grouping of the face, as the pipeline's last step runs them): ms per new face, wall and
             this process's CPU, and database queries per face
  full       people.services.cluster_user_faces (the cluster_faces command): s wall (of which the
             neighbour graph) and CPU, faces, groups

  .venv/bin/python bench/grouping_scale.py [--dir /tmp/grouping-scale] [--sizes 10000,100000] [--faces 40]

--dir keeps the SQLite database and the index files between runs (filling 100k and building its index
takes minutes); without it a temporary directory is used and removed. Exits 1 when nothing was measured.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def setup(folder: Path) -> None:
    (folder / "media").mkdir(parents=True, exist_ok=True)
    os.environ.update(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        MEDIA_ROOT=str(folder / "media"),
        FACE_INDEX_DIR=str(folder / "face-index"),
        DJANGO_SETTINGS_MODULE="faceapp.settings",
        SECRET_KEY="bench-grouping-scale-not-a-secret-0123456789",
        DEBUG="false",
        OMP_NUM_THREADS="1",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def owner_get():
    from django.contrib.auth import get_user_model

    from bench import scale_measure as m

    found = get_user_model().objects.filter(username="bench").first()
    return found or m.make_owner()


def new_photo(owner, vector: np.ndarray):
    """A photo with one face, saved as the pipeline's save_faces leaves it (engine and Face row)."""
    from bench import scale_measure as m
    from indexing.engine.store import StoredFace
    from indexing.face_index import collection_id_for
    from indexing.face_index.store import DatabaseStore
    from indexing.models import Album, Face

    album = Album.objects.get(owner=owner, title="Synthetic")
    photo = m.synthetic_photo(owner, album, f"new_{uuid.uuid4().hex}.jpg")
    photo.save()
    stored = StoredFace(str(uuid.uuid4()), str(uuid.uuid4()), photo.external_image_id, m._BOX, 99.0, vector)
    DatabaseStore().add_faces(collection_id_for(owner), [stored])
    Face.objects.create(
        owner=owner,
        photo=photo,
        engine_face_id=stored.face_id,
        crop=m.PLACEHOLDER,
        confidence=99.0,
        quality=50.0,
        **m._ROW,
    )
    return photo


def new_vectors(size: int, count: int, seed: int) -> np.ndarray:
    """Half of them faces of synthetic people of the library (persons 0-4 are named), half of new people."""
    from bench import scale_measure as m

    rng = np.random.default_rng(seed)
    people = rng.integers(0, size // m.FACES_PER_PERSON, count)
    rows = []
    for i, who in enumerate(people):
        centre = np.random.default_rng(int(who) if i % 2 == 0 else 10**9 + seed * 1000 + i).normal(size=512)
        rows.append(centre / np.linalg.norm(centre) + rng.normal(scale=m.NOISE, size=512))
    matrix = np.asarray(rows, np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def per_face(owner, size: int, count: int, profile: bool) -> tuple[float, float, float]:
    """(wall ms, CPU ms, queries) per new face through autotag_photo."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from indexing.people.services.autotag import autotag_photo

    photos = [new_photo(owner, v) for v in new_vectors(size, count + 2, seed=int(time.time()))]
    for photo in photos[:2]:  # warm: the index caught up, the model's similarity loaded
        autotag_photo(photo)
    walls, cpus, queries = [], [], []
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile(time.process_time)  # CPU: the machine is shared
    for photo in photos[2:]:
        with CaptureQueriesContext(connection) as captured:
            started, cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            autotag_photo(photo)
            if profiler:
                profiler.disable()
            cpus.append(1000 * (time.process_time() - cpu))
            walls.append(1000 * (time.perf_counter() - started))
        queries.append(len(captured.captured_queries))
    if profiler:
        import pstats

        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(30)
    return float(np.median(walls)), float(np.median(cpus)), float(np.mean(queries))


def full(owner) -> tuple[float, float, object]:
    from indexing.people.services import cluster_user_faces

    started, cpu = time.perf_counter(), time.process_time()
    report = cluster_user_faces(owner)
    return time.perf_counter() - started, time.process_time() - cpu, report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", help="keep the library here between runs")
    parser.add_argument("--sizes", default="10000,100000", help="library sizes in photos (one face each)")
    parser.add_argument("--faces", type=int, default=40, help="new faces auto-tagged and grouped per size")
    parser.add_argument("--no-full", action="store_true", help="skip the full regrouping")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the per-face work")
    args = parser.parse_args()
    folder = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="grouping-scale-"))
    setup(folder)
    from bench import scale_measure as m

    owner, measured = owner_get(), 0
    say("faces  per face: wall ms  cpu ms  queries   full: wall s  (graph s)  cpu s  faces  groups  grouped")
    try:
        for size in sorted(int(s) for s in args.sizes.split(",")):
            started = time.perf_counter()
            m.fill(owner, size)
            say(f"(filled to {m.face_count(owner)} faces in {time.perf_counter() - started:.0f} s)")
            wall, cpu, queries = per_face(owner, size, args.faces, args.profile)
            line = f"{m.face_count(owner):6d}  {wall:16.1f}  {cpu:6.1f}  {queries:7.1f}"
            if not args.no_full:
                fwall, fcpu, report = full(owner)
                line += f"   {fwall:12.1f}  {report.graph_seconds:9.1f}  {fcpu:5.1f}  {report.faces:5d}"
                line += f"  {report.groups:6d}  {report.grouped:7d}"
            say(line)
            measured += 1
    finally:
        if not args.dir:
            shutil.rmtree(folder, ignore_errors=True)
    return 0 if measured else 1


if __name__ == "__main__":
    sys.exit(main())
