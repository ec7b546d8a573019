"""The Celery app: JSON only, ids as arguments, configured from Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "faceapp.settings")

app = Celery("faceapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
