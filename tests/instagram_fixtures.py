"""Fixtures for the Instagram work: the emulator on a real port, a Celery worker that crawls through it.

Registered in tests/conftest.py (pytest_plugins). The crawl tasks go to their own queue
(INSTAGRAM_QUEUE), so only the worker started here, with the emulator's URLs in its environment,
runs them.
"""

from __future__ import annotations

import copy
import html
import re
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from indexing.instagram.emulator import EmulatorServer, PhotoLibrary, World
from tests.workers import app_worker_env, start_celery_worker, stop_worker

ROOT = Path(__file__).resolve().parents[1]
FACES = ROOT.parent / "shared" / "faces"
CLIENT_ID, CLIENT_SECRET = "test-app", "test-secret"
QUEUE = "instagram-test"
# Small pages and short waits, so faults play out in seconds.
FAST = {
    "INSTAGRAM_PAGE_SIZE": "2",
    "INSTAGRAM_HTTP_RETRIES": "2",
    "INSTAGRAM_RETRY_BACKOFF": "0.2",
    "INSTAGRAM_MAX_RETRIES": "2",
    "INSTAGRAM_RATE_LIMIT_WAIT": "1",
    "INSTAGRAM_HTTP_TIMEOUT": "10",
}


@pytest.fixture(scope="session")
def emulator_server():
    world = World(PhotoLibrary(FACES), CLIENT_ID, CLIENT_SECRET)
    server = EmulatorServer(world).start()
    yield server
    server.stop()


@pytest.fixture
def emulator(emulator_server) -> World:
    """The emulator's world, empty and without faults for each test."""
    emulator_server.world.reset()
    yield emulator_server.world
    emulator_server.world.reset()


def instagram_env(server: EmulatorServer, queue: str = QUEUE) -> dict[str, str]:
    return {
        "INSTAGRAM_EMULATOR_URL": server.url,
        "INSTAGRAM_APP_ID": CLIENT_ID,
        "INSTAGRAM_APP_SECRET": CLIENT_SECRET,
        "INSTAGRAM_QUEUE": queue,
        **FAST,
    }


@pytest.fixture
def instagram_settings(settings, emulator_server, emulator, redis_url):
    """This process's settings pointed at the emulator (the live server's OAuth runs here); an empty queue."""
    url = emulator_server.url
    settings.SOCIAL_AUTH_INSTAGRAM_KEY, settings.SOCIAL_AUTH_INSTAGRAM_SECRET = CLIENT_ID, CLIENT_SECRET
    settings.SOCIAL_AUTH_INSTAGRAM_AUTHORIZATION_URL = f"{url}/oauth/authorize"
    settings.SOCIAL_AUTH_INSTAGRAM_ACCESS_TOKEN_URL = f"{url}/oauth/access_token"
    settings.SOCIAL_AUTH_INSTAGRAM_GRAPH_URL = settings.INSTAGRAM_GRAPH_URL = url
    settings.INSTAGRAM_QUEUE = QUEUE
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)  # the login form redirects to the emulator
    policy["DIRECTIVES"]["form-action"].append(url)
    settings.CONTENT_SECURITY_POLICY = policy
    for name, value in FAST.items():
        setattr(settings, name, type(getattr(settings, name))(value))
    purge_queue(redis_url, QUEUE)
    return settings


@pytest.fixture
def idle_queue(instagram_settings, redis_url):
    """Crawl tasks go to a queue no worker reads: the test runs the steps itself, or only looks at the start."""
    queue = instagram_settings.INSTAGRAM_QUEUE = "instagram-idle"
    purge_queue(redis_url, queue)
    yield queue
    purge_queue(redis_url, queue)


def kit_account(world: World, posts: int = 1, password: str = "pw-kit", first_caption: str = "", carousel_videos=()):
    """Kit's business account "kit.h" in the emulator with the first `posts` of his four posts, oldest first:
    a photo of Kit, a carousel (Kit and Rose, Rose; `carousel_videos`: the children that are videos), a video,
    a photo of Rose (five images, six faces in all)."""
    account = world.add_account("kit.h", password)
    every = [
        lambda: account.add_image("kit_harington_1.jpg", first_caption),
        lambda: account.add_carousel(["group_kit_rose.jpg", "rose_leslie_1.jpg"], videos=carousel_videos),
        lambda: account.add_video("kit_harington_3.jpg"),
        lambda: account.add_image("rose_leslie_2.jpg"),
    ]
    for post in every[:posts]:
        post()
    return account


@pytest.fixture
def kit(emulator, idle_queue):
    """Kit's account with his first photo; the crawl it starts waits on a queue no worker reads."""
    return kit_account(emulator)


def purge_queue(redis_url: str, queue: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).delete(queue)


def start_worker(env: dict, log_path: Path, *extra: str) -> subprocess.Popen:
    """A real Celery worker on the crawl queue (env["INSTAGRAM_QUEUE"]); returns once it is ready."""
    return start_celery_worker(env, log_path, "-Q", env["INSTAGRAM_QUEUE"], *extra)


def worker_env(redis_url: str, media_root: Path, server: EmulatorServer, queue: str = QUEUE) -> dict:
    return {**app_worker_env(redis_url, media_root), **instagram_env(server, queue)}


@pytest.fixture(scope="session")
def instagram_worker(redis_url, media_root, emulator_server, django_db_setup):
    """A real worker on the crawl queue, with the emulator's URLs in its environment."""
    proc = start_worker(worker_env(redis_url, media_root, emulator_server), media_root / "instagram-worker.log")
    yield proc
    stop_worker(proc)


def oauth_login(
    http: requests.Session,
    app_url: str,
    username: str,
    password: str,
    decision: str = "allow",
    face_indexing: bool = True,
) -> requests.Response:
    """The browser's part of 'Log in with Instagram', over real HTTP: app -> emulator consent -> app.

    With face_indexing, the user ticks "find the faces in my photos" beside the button (a new
    account indexes no face before its owner agrees).
    """
    login_page = http.get(f"{app_url}/accounts/login/")
    csrf = http.cookies.get("csrftoken") or re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text
    ).group(1)
    begin = {"csrfmiddlewaretoken": csrf, **({"face_indexing": "on"} if face_indexing else {})}
    to_consent = http.post(
        f"{app_url}/auth/login/instagram/",
        data=begin,
        headers={"Referer": f"{app_url}/accounts/login/"},
        allow_redirects=False,
    )
    assert to_consent.status_code == 302, to_consent.text[:500]
    consent = http.get(to_consent.headers["Location"])
    assert consent.status_code == 200, consent.text[:500]
    form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', consent.text))
    form = {k: html.unescape(v) for k, v in form.items()}
    answer = http.post(
        urljoin(consent.url, "/oauth/authorize"),
        data={**form, "username": username, "password": password, "decision": decision},
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:500]
    return http.get(answer.headers["Location"])  # back in the app, which exchanges the code
