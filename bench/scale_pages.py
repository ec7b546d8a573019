#!/usr/bin/env python3
"""The pages of a big library, alone: fill one user's library (bulk inserts, no image decoding), then
measure each page in this process (CPU ms, wall ms and SQL queries per request) and under gunicorn
(p95 of 8 concurrent clients). The library is kept in --dir, so a second run measures it again at once.

  .venv/bin/python bench/scale_pages.py --dir /tmp/faceapp-pages --size 100000 [--requests 80] [--queries]

Pages: the gallery, an album (all the photos), a person, a face's matches, the admin photo change list
(bench/scale.py's five), then an album of 200 photos spread over the timeline and the photo viewer.
No Celery worker runs (nothing is indexed). Exits 1 when a page did not answer 200.
Target (issue 13): p95 <= 150 ms at 100k photos (gunicorn: p95 wall / CPU ms per request).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def owner_of_library():
    from django.contrib.auth import get_user_model

    from bench import scale_measure as m

    return get_user_model().objects.filter(username="bench").first() or m.make_owner()


def small_album(owner, size: int = 200) -> str:
    """An album of `size` photos spread over the whole timeline (every n-th photo): its page must not
    walk the owner's timeline to find them."""
    from django.urls import reverse

    from indexing.models import Album, Photo

    album, made = Album.objects.get_or_create(owner=owner, title="Spread", defaults={"source": Album.Source.UPLOAD})
    if made:
        step = max(1, Photo.objects.filter(owner=owner).count() // size)
        ids = list(Photo.objects.filter(owner=owner).order_by("pk").values_list("pk", flat=True)[::step][:size])
        Photo.objects.filter(pk__in=ids).update(album=album)
    return reverse("album", args=[album.pk])


def middle_photo(owner) -> str:
    """The photo viewer half-way down the timeline (its position and count are capped counts)."""
    from django.urls import reverse

    from indexing.photos.selectors import photos_for_user

    photos = photos_for_user(owner)
    return reverse("photo", args=[photos.values_list("pk", flat=True)[photos.count() // 2]]) + "?in=all"


def in_process(pages: dict[str, str], owner, repeat: int, show_queries: bool) -> bool:
    """Median CPU and wall ms and the query count of each page, through Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(owner)
    ok = True
    for name, path in pages.items():
        cpu, wall, status = [], [], 0
        for i in range(repeat + 1):  # the first one warms caches (the engine's index)
            with CaptureQueriesContext(connection) as queries:
                started, started_cpu = time.perf_counter(), time.process_time()
                status = client.get(path).status_code
                elapsed, used = time.perf_counter() - started, time.process_time() - started_cpu
            if i:
                cpu.append(1000 * used)
                wall.append(1000 * elapsed)
        ok &= status == 200
        say(
            f"  {name:<14} {status} cpu {statistics.median(cpu):7.1f} ms  wall {statistics.median(wall):7.1f} ms  "
            f"{len(queries)} queries"
        )
        if show_queries:
            for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:4]:
                say(f"      {float(q['time']) * 1000:7.1f} ms  {q['sql'][:300]}")
    return ok


def profile(pages: dict[str, str], owner, top: int) -> None:
    """Each page's request under cProfile (after a warm one): the functions with the most cumulative and own time."""
    import cProfile
    import io
    import pstats

    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(owner)
    for name, path in pages.items():
        client.get(path)
        profiler = cProfile.Profile()
        profiler.runcall(client.get, path)
        for key in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(top)
            say(f"== {name}, by {key}")
            say("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:20000])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True, help="the library's directory (created, or reused when it exists)")
    parser.add_argument("--size", type=int, default=100000, help="photos in the library")
    parser.add_argument("--requests", type=int, default=80, help="requests per page under gunicorn")
    parser.add_argument("--repeat", type=int, default=5, help="in-process requests per page")
    parser.add_argument("--queries", action="store_true", help="print each page's slowest queries")
    parser.add_argument("--no-gunicorn", action="store_true", help="measure in this process only")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print each page's N costliest functions")
    args = parser.parse_args()
    tmp = Path(args.dir)
    tmp.mkdir(parents=True, exist_ok=True)
    from bench.scale_stack import Stack

    with Stack(tmp, keep=True, workers=0) as stack:
        from bench import scale_measure as m

        owner = owner_of_library()
        started = time.perf_counter()
        m.fill(owner, args.size)
        filled = time.perf_counter() - started
        say(f"library: {m.photo_count(owner)} photos, {m.face_count(owner)} faces ({filled:.0f} s to fill)")
        pages = {**m.pages_of(owner), "small album": small_album(owner), "viewer": middle_photo(owner)}
        say("in this process (median of %d; CPU is what a request costs on an idle core):" % args.repeat)
        ok = in_process(pages, owner, args.repeat, args.queries)
        if args.profile:
            profile(pages, owner, args.profile)
        if not args.no_gunicorn:
            say(f"gunicorn (2 workers), 8 concurrent clients, {args.requests} requests per page:")
            say("  p95 ms (wall, on this machine as loaded as it is) / gunicorn CPU ms per request")
            figures = m.page_latency(stack, owner, args.requests, pages=pages)
            say("  " + "  ".join(f"{k} {v}" for k, v in figures.items()))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
