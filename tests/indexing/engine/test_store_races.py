"""The database store under concurrent writers: a collection deleted (an erasure) while a worker adds a
face to it, the worker's transaction still open when the deletion starts."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from indexing.face_index.store import DatabaseStore
from indexing.models import EngineCollection, EngineFace
from tests.postgres import ON_POSTGRES
from tests.waiting import wait_until

from .test_search_index import add, unit_vectors

pytestmark = pytest.mark.django_db(transaction=True)


def test_deleting_a_collection_while_a_face_is_being_added_leaves_no_face_and_no_error():
    store = DatabaseStore()
    store.create_collection("c", "m")
    add(store, "c", unit_vectors(2, 1))
    added, release, started, outcome = threading.Event(), threading.Event(), threading.Event(), {}

    def worker() -> None:  # IndexFaces: its transaction holds the collection's row until it commits
        try:
            with transaction.atomic():
                add(store, "c", unit_vectors(1, 2))
                added.set()
                release.wait(10)
        finally:
            connection.close()

    def erasure() -> None:
        started.set()
        try:
            outcome["deleted"] = store.delete_collection("c")
        except Exception as e:  # noqa: BLE001  the failure this test is about
            outcome["error"] = e
        finally:
            connection.close()

    adding = threading.Thread(target=worker)
    adding.start()
    assert added.wait(10)
    deleting = threading.Thread(target=erasure)
    deleting.start()
    # The deletion waits for the worker's transaction: seen in pg_locks on PostgreSQL; SQLite's wait for the
    # write lock (inside its BEGIN IMMEDIATE) shows nowhere, so there it is the deletion having started.
    wait_until(lambda: started.is_set() and (not ON_POSTGRES or _waiting_for_a_lock()), 10, "the deletion to wait")
    release.set()
    adding.join(10)
    deleting.join(30)
    assert outcome == {"deleted": True}
    assert not EngineCollection.objects.filter(collection_id="c").exists() and not EngineFace.objects.exists()


def _waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0
