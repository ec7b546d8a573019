"""Waiting for a condition, never for a fixed time."""

from __future__ import annotations

import time


def wait_until(condition, timeout: float = 90, what="the condition", every: float = 0.05):
    """Call `condition` until it answers something true and answer that; AssertionError naming `what` (and the
    last answer) once `timeout` seconds have passed. `what` may be a callable, asked only then (a log's
    tail). `every`: seconds between two calls."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            what = what() if callable(what) else what
            raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {value!r})")
        time.sleep(every)
