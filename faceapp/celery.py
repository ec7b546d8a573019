"""The Celery app: JSON only, ids as arguments, configured from Django settings (CELERY_*)."""

import gc
import logging
import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "faceapp.settings")

# Each domain of indexing/ keeps its tasks in its own tasks.py (names pinned to indexing.tasks.*).
TASK_PACKAGES = ["indexing.photos", "indexing.instagram", "indexing.tagging"]

log = logging.getLogger(__name__)
app = Celery("faceapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(TASK_PACKAGES)


@worker_init.connect
def warm_up(**_) -> None:
    """In the worker's main process, before the pool forks its processes: the face model is loaded once
    and shared by them all (instead of once in each at its first photo); then what is loaded now, which
    lives as long as the processes, is left out of the collector's full collections (wsgi.py's reason)."""
    from indexing.face_index import engine_warm_up

    try:
        engine_warm_up()
        log.info("warmed up before the pool starts: the face model is loaded")
    except Exception:  # a model that cannot load fails each photo with its reason, as without the warm-up
        log.exception("the face model did not load before the pool started")
    gc.freeze()


@task_prerun.connect
@task_postrun.connect
def connections_as_requests(sender=None, **_) -> None:
    """A task ends like a request: its database connection is closed when CONN_MAX_AGE or an error says
    so, and reused otherwise (CELERY_DB_REUSE_MAX keeps Celery's Django fixup from closing it after
    every task: a new connection cost each task its set-up and a cold SQLite page cache)."""
    if sender is not None and getattr(sender.request, "is_eager", False):
        return  # in a caller's transaction (eager tests): nothing to close
    from django.db import close_old_connections

    close_old_connections()
