"""faceapp/celery.py: what a worker does around its tasks."""

import time

import pytest
from django.db import connection

from faceapp.celery import connections_as_requests
from indexing.photos.tasks import index_photo

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_task_keeps_its_database_connection_until_conn_max_age_says_otherwise(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)  # the app's default (the tests' may be 0)
    connection.close()  # a fresh connection, with that age
    connection.ensure_connection()
    raw = connection.connection
    connections_as_requests(sender=index_photo)  # a task ended, as a worker runs it (not eager)
    assert connection.connection is raw  # reused by the next task: no new connection
    connection.close_at = time.monotonic() - 1  # older than CONN_MAX_AGE
    connections_as_requests(sender=index_photo)
    assert connection.connection is None
