"""Where a crawled (or imported) photo's CPU goes, step by step, in one process; queries per step.

    .venv/bin/python bench/crawl_steps.py [--posts 100] [--import] [--profile FILE]

The app's real code on a scratch SQLite database and media folder, with Celery eager: the crawl of
a synthesized account through the Instagram emulator (or, with --import, a synthesized data
download) runs in this process, each step of a photo wrapped by a timer of its own thread's CPU
(the emulator's threads are not counted) and a counter of its SQL queries. Prints each step's own
CPU ms a photo (its children's excluded) and queries a photo, after a warm-up of a few posts (the
models load then). No Celery or network overhead is in here: bench/crawl.py measures the whole.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict
from functools import wraps
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WARM_POSTS = 5
LOGIN = {"password": "bench", "decision": "allow"}


class Timers:
    """Own CPU (thread time, children excluded) and queries of each step, by its path of steps."""

    def __init__(self):
        self.cpu, self.calls, self.queries = defaultdict(float), defaultdict(int), defaultdict(int)
        self.local, self.on = threading.local(), False

    def _stack(self) -> list:
        if not hasattr(self.local, "stack"):
            self.local.stack = []
        return self.local.stack

    def wrap(self, owner, name: str, label: str | None = None):
        fn = getattr(owner, name, None)
        if fn is None:  # a step this version of the code does not have
            return
        label = label or name

        @wraps(fn)
        def timed(*args, **kwargs):
            stack = self._stack()
            path = f"{stack[-1][0]} > {label}" if stack else label
            stack.append([path, 0.0])
            start = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent = time.thread_time() - start
                _, children = stack.pop()
                if stack:
                    stack[-1][1] += spent
                if self.on:
                    self.cpu[path] += spent - children
                    self.calls[path] += 1

        setattr(owner, name, timed)

    def query(self, execute, sql, params, many, context):
        stack = self._stack()
        if self.on:
            self.queries[stack[-1][0] if stack else "(outside)"] += 1
        return execute(sql, params, many, context)

    def print(self, photos: int) -> None:
        total_cpu, total_q = sum(self.cpu.values()), sum(self.queries.values())
        print(f"{'step (own CPU, children excluded)':72} {'ms/photo':>8} {'queries/photo':>13} {'calls':>6}")
        for path in sorted(set(self.cpu) | set(self.queries), key=lambda p: -self.cpu.get(p, 0)):
            ms, q = 1000 * self.cpu.get(path, 0) / photos, self.queries.get(path, 0) / photos
            print(f"{path[-72:]:72} {ms:8.1f} {q:13.1f} {self.calls.get(path, 0):6}")
        print(f"{'total':72} {1000 * total_cpu / photos:8.1f} {total_q / photos:13.1f}")


def instrument(timers: Timers) -> None:
    from django.core.files.storage import FileSystemStorage

    from indexing.engine import images
    from indexing.engine.local import LocalEngine
    from indexing.instagram.services import crawl, export_import
    from indexing.people.services import autotag, grouping
    from indexing.photos import services
    from indexing.photos.pipeline import runner, steps

    crawl_steps = ("media_fetch_batch", "media_fetch", "_fetch", "_store", "_media_finished", "finish_if_done")
    for name in (*crawl_steps, "_record_page"):
        timers.wrap(crawl, name)
    timers.wrap(crawl, "_download_quietly", "download")
    timers.wrap(export_import, "_store_items")
    timers.wrap(export_import, "_item_done")
    for name in ("photo_create", "_existing", "album_get_or_create"):
        timers.wrap(services, name)
    timers.wrap(runner, "index_photo_now")
    timers.wrap(runner, "_claim", "claim")
    timers.wrap(runner, "_fail", "fail")
    steps.STEPS[:] = [_wrapped(timers, step) for step in steps.STEPS]
    for name in ("_face_row", "_still_wanted"):
        timers.wrap(steps, name)
    timers.wrap(steps, "faces_remove_from_engine")
    timers.wrap(LocalEngine, "index_faces_decoded", "engine.index_faces")
    for name in ("load_image", "jpeg_bytes", "crop_box"):
        timers.wrap(images, name)
    timers.wrap(FileSystemStorage, "_save", "storage.save")
    timers.wrap(autotag, "autotag_photo")
    timers.wrap(autotag, "similar_faces_many")
    timers.wrap(autotag, "group_new_faces")
    timers.wrap(grouping, "_around")


def _wrapped(timers: Timers, step):
    holder = type("Holder", (), {step.__name__: staticmethod(step)})
    timers.wrap(holder, step.__name__)
    return getattr(holder, step.__name__)


def setup(scratch: Path, env: dict) -> None:
    os.environ.update(
        {
            "VAR_DIR": str(scratch),
            "DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(scratch / "media"),
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "ALLOWED_HOSTS": "testserver",
            "DJANGO_SETTINGS_MODULE": "faceapp.settings",
            "LOG_LEVEL": "WARNING",
            **env,
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def crawl_run(args, scratch: Path, timers: Timers) -> int:
    """Log in (eager: the crawl runs inside the login's request), crawl WARM_POSTS then the rest."""
    from indexing.instagram.emulator import EmulatorServer, PhotoLibrary, World

    world = World(PhotoLibrary(args.photos))
    account = world.add_account("bench.account", "bench")
    account.synthesize(WARM_POSTS)
    emulator = EmulatorServer(world).start()
    try:
        setup(
            scratch,
            {
                "INSTAGRAM_EMULATOR_URL": emulator.url,
                "INSTAGRAM_APP_ID": world.client_id,
                "INSTAGRAM_APP_SECRET": world.client_secret,
            },
        )
        import requests
        from django.db import connection
        from django.test import Client

        from bench.crawl import _hidden_fields
        from indexing.instagram.services import crawl
        from indexing.models import InstagramCrawl, Photo

        instrument(timers)
        client = Client()
        consent = requests.get(client.post("/auth/login/instagram/", {"face_indexing": "on"})["Location"])
        back = requests.post(
            f"{world.base_url}/oauth/authorize",
            allow_redirects=False,
            data={**_hidden_fields(consent.text), "username": account.username, **LOGIN},
        )
        client.get(back.headers["Location"].split("#")[0].replace("http://testserver", ""))  # the warm-up crawl
        warm = Photo.objects.count()
        account.synthesize(args.posts)
        user = InstagramCrawl.objects.get().owner
        with connection.execute_wrapper(timers.query):
            timers.on = True
            with _profiled(args.profile):
                crawl_id = crawl.crawl_start(user).pk  # eager: runs the whole crawl here
            timers.on = False
        print(f"crawl {InstagramCrawl.objects.get(pk=crawl_id).state}")
        return Photo.objects.filter(status=Photo.Status.INDEXED).count() - warm
    finally:
        emulator.stop()


def import_run(args, scratch: Path, timers: Timers) -> int:
    setup(scratch, {})
    from django.contrib.auth import get_user_model
    from django.db import connection

    from bench.instagram_import import build_export
    from indexing.instagram.services import export_import
    from indexing.models import AccountSettings, Photo

    instrument(timers)
    owner = get_user_model().objects.create_user("bench", password="bench-password-1")
    AccountSettings.objects.create(user=owner, face_indexing_enabled=True)
    export_import.import_create(owner, [str(build_export(scratch / "warm.zip", WARM_POSTS, args.photos))], False, True)
    warm = Photo.objects.count()
    export = build_export(scratch / "export.zip", args.posts + WARM_POSTS, args.photos)  # the warm posts again
    with connection.execute_wrapper(timers.query):
        timers.on = True
        with _profiled(args.profile):
            export_import.import_create(owner, [str(export)], uploaded=False, run_now=True)
        timers.on = False
    return Photo.objects.filter(status=Photo.Status.INDEXED).count() - warm


class _profiled:
    def __init__(self, path: str | None):
        self.path, self.profile = path, cProfile.Profile() if path else None

    def __enter__(self):
        if self.profile:
            self.profile.enable()

    def __exit__(self, *exc):
        if self.profile:
            self.profile.disable()
            self.profile.dump_stats(self.path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--import", dest="export", action="store_true", help="an export's import, not a crawl")
    parser.add_argument("--photos", default=str(ROOT.parent / "shared" / "faces"))
    parser.add_argument("--profile", help="also write a cProfile of the measured part to this file")
    args = parser.parse_args()
    scratch, timers = Path(tempfile.mkdtemp(prefix="bench-steps-")), Timers()
    try:
        start = time.process_time()
        photos = (import_run if args.export else crawl_run)(args, scratch, timers)
        print(f"{photos} photos indexed (after the warm-up); process CPU {time.process_time() - start:.1f} s in all")
        if photos:
            timers.print(photos)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if not photos:
        sys.exit("bench/crawl_steps.py: no photo was indexed: the figures above mean nothing")


if __name__ == "__main__":
    main()
