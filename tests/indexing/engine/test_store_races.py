"""The database store under concurrent writers: a collection deleted (an erasure) while a worker adds a
face to it, the worker's transaction still open when the deletion starts."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from indexing.face_index.store import DatabaseStore
from indexing.models import EngineCollection, EngineFace

from .test_search_index import add, unit_vectors

pytestmark = pytest.mark.django_db(transaction=True)


def test_deleting_a_collection_while_a_face_is_being_added_leaves_no_face_and_no_error():
    store = DatabaseStore()
    store.create_collection("c", "m")
    add(store, "c", unit_vectors(2, 1))
    added, release, outcome = threading.Event(), threading.Event(), {}

    def worker() -> None:  # IndexFaces: its transaction holds the collection's row until it commits
        try:
            with transaction.atomic():
                add(store, "c", unit_vectors(1, 2))
                added.set()
                release.wait(10)
        finally:
            connection.close()

    def erasure() -> None:
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
    time.sleep(0.5)  # the deletion has started and waits for the worker's transaction
    release.set()
    adding.join(10)
    deleting.join(30)
    assert outcome == {"deleted": True}
    assert not EngineCollection.objects.filter(collection_id="c").exists() and not EngineFace.objects.exists()
