"""Checks and steps shared by the browser tests of the gallery."""

from __future__ import annotations

from indexing.photos.pipeline.runner import index_photo_now
from indexing.photos.services import album_get_or_create, photo_create


def index_in_process(user, faces_dir, names, album_title="Trip"):
    """Photos of `user` indexed in the test process (for tests about reading, not the worker)."""
    album = album_get_or_create(user, album_title)
    photos = {}
    for name in names:
        photos[name] = photo_create(user, (faces_dir / name).read_bytes(), name, album=album, enqueue=False).photo
        index_photo_now(photos[name].pk)
    return photos


def assert_accessible(page) -> None:
    """Every image has an alt attribute and every visible field a label (or an aria-label)."""
    problems = page.evaluate("""() => [
        ...[...document.querySelectorAll('img:not([alt])')].map(i => 'no alt: ' + i.src),
        ...[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter(f => !f.labels.length && !f.getAttribute('aria-label')).map(f => 'no label: ' + f.name),
        ...[...document.querySelectorAll('a.facebox')].filter(a => !a.getAttribute('aria-label'))
            .map(a => 'facebox without aria-label: ' + a.href),
    ]""")
    assert problems == [], problems


def tab_to(page, selector: str, presses: int = 40) -> None:
    """Press Tab until the focused element matches `selector` (it must be reachable by keyboard)."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with the Tab key")
