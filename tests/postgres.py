"""The test database: SQLite by default, or a throwaway PostgreSQL server with TEST_DATABASE=postgres.

The server is Debian's `postgresql` (its binaries under /usr/lib/postgresql/<version>/bin, installed
by `make test` when missing), started in a temporary directory on a free port for the test session
and stopped at its end; never a system service. As root it runs as the `postgres` user (or `nobody`),
since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.waiting import wait_until

DATABASE = os.environ.get("TEST_DATABASE", "sqlite").lower()
if DATABASE not in ("sqlite", "postgres"):
    raise pytest.UsageError(f"TEST_DATABASE is sqlite or postgres, not {DATABASE!r}")
ON_POSTGRES = DATABASE == "postgres"
only_on_postgres = pytest.mark.skipif(
    not ON_POSTGRES, reason="SQLite serialises writers; this race is proven on PostgreSQL"
)
# A throwaway cluster: durability is not what the tests are about.
FAST_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=100")


def postgres_bindir() -> Path:
    """The newest PostgreSQL under /usr/lib/postgresql (Debian), else the one on PATH."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parent.parent.name.split(".")[0])
    )
    if versions:
        return versions[-1].parent
    found = shutil.which("postgres")
    if found:
        return Path(found).parent
    raise RuntimeError("TEST_DATABASE=postgres needs PostgreSQL: `make test-postgres` installs Debian's postgresql")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as() -> dict:
    """Popen arguments that drop root to an unprivileged user; nothing when not root."""
    if os.geteuid() != 0:
        return {}
    for name in ("postgres", "nobody"):
        try:
            pw = pwd.getpwnam(name)
        except KeyError:
            continue
        return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": [], "env": {**os.environ, "HOME": "/tmp"}}
    raise RuntimeError("running as root and there is neither a postgres nor a nobody user to run PostgreSQL as")


@dataclass
class PostgresServer:
    """One PostgreSQL cluster in a temporary directory, listening on 127.0.0.1:port."""

    bindir: Path
    root: Path
    port: int
    proc: subprocess.Popen | None = None
    superuser: str = "postgres"

    @property
    def url(self) -> str:
        return self.url_for("faceapp")

    def url_for(self, database: str) -> str:
        return f"postgres://{self.superuser}@127.0.0.1:{self.port}/{database}"

    def client(self, program: str, *args: str) -> None:
        """Run one of the server's client programs (createdb, dropdb...) against it."""
        connect = ["-h", "127.0.0.1", "-p", str(self.port), "-U", self.superuser]
        subprocess.run([self.bindir / program, *connect, *args], check=True, capture_output=True)

    def start(self, timeout: float = 60) -> PostgresServer:
        run_as = _run_as()
        if run_as:
            os.chown(self.root, run_as["user"], run_as["group"])
        data = self.root / "data"
        subprocess.run(
            [self.bindir / "initdb", "-D", data, "-U", self.superuser, "-A", "trust", "-E", "UTF8", "--no-sync"],
            check=True,
            capture_output=True,
            **run_as,
        )
        options = [arg for setting in FAST_SETTINGS for arg in ("-c", setting)]
        log = open(self.root / "server.log", "w")
        self.proc = subprocess.Popen(
            [self.bindir / "postgres", "-D", data, "-k", self.root, "-p", str(self.port)]
            + ["-c", "listen_addresses=127.0.0.1", *options],
            stdout=log,
            stderr=subprocess.STDOUT,
            **run_as,
        )
        self._wait_ready(timeout)
        self.client("createdb", "faceapp")
        return self

    def _wait_ready(self, timeout: float) -> None:
        ready = [self.bindir / "pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port)]
        try:
            wait_until(lambda: self.proc.poll() is not None or subprocess.run(ready).returncode == 0, timeout)
        except AssertionError:
            pass
        if self.proc.poll() is not None or subprocess.run(ready).returncode != 0:
            self.stop()
            raise RuntimeError("PostgreSQL did not start:\n" + (self.root / "server.log").read_text())

    def stop(self) -> None:
        """A fast shutdown (SIGINT: clients disconnected, no waiting for them), then the directory goes."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> PostgresServer:
    return PostgresServer(postgres_bindir(), Path(tempfile.mkdtemp(prefix="faceapp-pg-")), free_port()).start()


def use_server(server: PostgresServer) -> None:
    """Point Django's default database at the server, before pytest-django creates the test database there.

    Django was configured from settings.py (SQLite, as DATABASE_URL was unset) before any conftest
    ran; no connection is open yet, so the settings dict is replaced in place and the handler
    re-applies its defaults, exactly as if DATABASE_URL had named this server from the start.
    """
    import environ
    from django.conf import settings
    from django.db import connections

    default = settings.DATABASES["default"]
    default.clear()
    default.update(environ.Env.db_url_config(server.url))
    connections.configure_settings(settings.DATABASES)
    if hasattr(connections._connections, "default"):
        connections["default"].close()
        del connections._connections.default


def database_url() -> str:
    """DATABASE_URL of the test database this run uses, for the worker subprocesses."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
