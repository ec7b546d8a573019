"""Real Celery worker subprocesses, on the test database of the run (SQLite file or PostgreSQL test_...)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.postgres import database_url
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[1]
DIRECT_QUEUES = ("worker1", "worker2")  # each app worker also reads its own: a test hands a task to one worker


def worker_command(*extra: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "faceapp", "worker", "--pool", "solo", "--loglevel", "INFO"] + [
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        *extra,
    ]


def start_celery_worker(env: dict, log_path: Path, *extra: str) -> subprocess.Popen:
    """A real Celery worker subprocess (its environment over this one's); returns once it is ready."""
    log = open(log_path, "w")
    proc = subprocess.Popen(
        worker_command(*extra), cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
    )

    def started() -> bool:
        return "ready" in log_path.read_text()

    wait_until(lambda: proc.poll() is not None or started(), 60, lambda: "the Celery worker:\n" + log_path.read_text())
    if not started():
        raise RuntimeError("the Celery worker did not start:\n" + log_path.read_text())
    return proc


def stop_worker(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=30)


def app_worker_env(redis_url: str, media_root: Path) -> dict:
    """The environment of a worker on the test database of this run (SQLite file or PostgreSQL test_...)."""
    return {
        "REDIS_URL": redis_url,
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(media_root),
        "FACE_INDEX_DIR": str(media_root / "face-index"),
        "DJANGO_SETTINGS_MODULE": "faceapp.settings",
    }


def finished_tasks(log_path: Path) -> set[str]:
    """Ids of the tasks the worker writing this log has finished (succeeded or failed)."""
    done = re.compile(r"Task [\w.]+\[([0-9a-f-]{36})\] (?:succeeded|raised)")
    return set(done.findall(log_path.read_text()))


def wait_for_tasks(task_ids, log_path: Path, timeout: float = 120) -> None:
    """Wait until the worker writing this log has finished every task of task_ids."""
    wait_until(
        lambda: set(task_ids) <= finished_tasks(log_path),
        timeout,
        lambda: f"{log_path.name}'s tasks to finish:\n" + log_path.read_text()[-3000:],
    )


def wait_until_idle(log_paths: list[Path], timeout: float = 30) -> bool:
    """Wait until every task these workers received has finished (succeeded, raised or was retried).

    Best effort, bounded: a task received with a countdown may keep a worker busy past `timeout`."""
    received = re.compile(r"Task [\w.]+\[([0-9a-f-]{36})\] received")
    finished = re.compile(r"Task [\w.]+\[([0-9a-f-]{36})\] (?:succeeded|raised|retry)")

    def idle() -> bool:
        text = "".join(p.read_text() for p in log_paths if p.exists())
        return set(received.findall(text)) <= set(finished.findall(text))

    try:
        return wait_until(idle, timeout)
    except AssertionError:
        return False
