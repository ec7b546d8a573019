"""Headless Debian Chromium driven by Playwright, against the app on a live server."""

from __future__ import annotations

import os
import shutil

import pytest

from .pages import new_page, sign_in

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags that keep Chromium off the (closed) network and quiet, as root in a container.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; the tests still use the ORM here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def playwright_driver():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: `make test` installs it as root, or run `apt-get install chromium`")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def launch_chromium(playwright_driver):
    """launch_chromium(*extra_args) -> a Browser; every browser launched is closed at the end."""
    launched = []

    def launch(*extra_args: str):
        browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + list(extra_args))
        launched.append(browser)
        return browser

    yield launch
    for browser in launched:
        browser.close()


@pytest.fixture(scope="session")
def browser(launch_chromium):
    return launch_chromium()


@pytest.fixture
def page(browser, live_server):
    page = new_page(browser, live_server)
    yield page
    page.context.close()


@pytest.fixture
def log_in(page):
    return lambda username, password: sign_in(page, username, password)
