"""The run is on the database TEST_DATABASE names, and so are the workers it starts."""

import pytest

from tests.postgres import ON_POSTGRES
from tests.workers import app_worker_env

pytestmark = pytest.mark.django_db


def test_the_run_and_its_workers_use_the_test_database_that_TEST_DATABASE_names(redis_url, media_root):
    from django.db import connection

    url = app_worker_env(redis_url, media_root)["DATABASE_URL"]
    if ON_POSTGRES:
        assert connection.vendor == "postgresql"
        assert connection.settings_dict["NAME"] == "test_faceapp" and url.endswith("/test_faceapp")
        assert connection.settings_dict["HOST"] == "127.0.0.1"  # the session's own server, never a service
    else:
        assert connection.vendor == "sqlite" and url == f"sqlite:///{connection.settings_dict['NAME']}"
    with connection.cursor() as cursor:  # the migrated schema is there
        cursor.execute("SELECT COUNT(*) FROM indexing_photo")
        assert cursor.fetchone() == (0,)


def test_sqlite_runs_in_wal_mode_so_pages_read_while_workers_write():
    from django.db import connection

    if ON_POSTGRES:
        pytest.skip("a PostgreSQL run: SQLite's journal mode does not apply")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 1  # NORMAL
