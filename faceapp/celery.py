"""The Celery app: JSON only, ids as arguments, configured from Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "faceapp.settings")

# Each domain of indexing/ keeps its tasks in its own tasks.py (names pinned to indexing.tasks.*).
TASK_PACKAGES = ["indexing.photos", "indexing.people", "indexing.instagram", "indexing.tagging"]

app = Celery("faceapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(TASK_PACKAGES)
