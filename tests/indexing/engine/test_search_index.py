"""The local engine's search index: change feed, catch-up between processes, deletions, files.

A second engine object on the same store and index directory stands for another process of the
machine (each holds its own memory-mapped view and delta, as processes do). Collections are
synthetic unit vectors with small `exact_below` / `delta_limit` so that files are written.
"""

from __future__ import annotations

import subprocess
import sys
import uuid

import numpy as np
import pytest

from indexing.engine.index_file import HnswParams, IndexFiles
from indexing.engine.local import LocalEngine
from indexing.engine.store import MemoryStore, StoredFace

DIM = 512
BOX = {"Width": 0.5, "Height": 0.5, "Left": 0.25, "Top": 0.25}


def unit_vectors(n: int, seed: int, people: int | None = None) -> np.ndarray:
    """n unit vectors; with `people`, clustered around that many identities (as faces are)."""
    rng = np.random.default_rng(seed)
    v = rng.standard_normal((n, DIM)).astype(np.float32)
    if people:
        centres = rng.standard_normal((people, DIM)).astype(np.float32)
        centres /= np.linalg.norm(centres, axis=1, keepdims=True)
        v = centres[rng.integers(0, people, n)] + v * (0.8 / np.sqrt(DIM))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def add(store, collection_id: str, vectors: np.ndarray) -> list[str]:
    faces = [StoredFace(str(uuid.uuid4()), "img", None, BOX, 99.0, v) for v in vectors]
    store.add_faces(collection_id, faces)
    return [f.face_id for f in faces]


def engine_on(store, index_dir, **kw) -> LocalEngine:
    return LocalEngine(store, index_dir=str(index_dir), exact_below=kw.pop("exact_below", 300), **kw)


def found(engine: LocalEngine, face_id: str, max_faces: int = 4096) -> list[str]:
    answer = engine.search_faces("c", face_id, threshold=0, max_faces=max_faces)
    return [m["Face"]["FaceId"] for m in answer["FaceMatches"]]


@pytest.fixture
def two_processes(tmp_path):
    """(store, engine a, engine b): one store, one index directory, two engines; 1,000 faces."""
    store = MemoryStore()
    a, b = engine_on(store, tmp_path, delta_limit=50), engine_on(store, tmp_path, delta_limit=50)
    a.create_collection("c")
    ids = add(store, "c", unit_vectors(1000, 1))
    return store, a, b, ids


def test_memory_store_change_feed_numbers_adds_and_deletions():
    store = MemoryStore()
    store.create_collection("c", "m")
    first = add(store, "c", unit_vectors(3, 1))
    store.delete_faces("c", [first[1], "no-such-face"])
    later = add(store, "c", unit_vectors(2, 2))
    assert store.get_collection("c").version == 6  # 5 faces added, 1 deleted
    everything = store.changes_since("c", 0)
    assert everything.seqs.tolist() == [1, 3, 5, 6] and everything.face_ids == [first[0], first[2], *later]
    assert everything.removed == {first[1]: 2} and everything.seq == 6 and not everything.more
    assert np.allclose(everything.vectors[3], store.get_faces("c", [later[1]])[0].embedding)
    after_delete = store.changes_since("c", 4)
    assert after_delete.face_ids == later and after_delete.removed == {} and after_delete.seq == 6
    page = store.changes_since("c", 0, limit=2)  # faces 1 and 3: the deletion (4) comes next
    assert page.face_ids == first[::2] and page.removed == {} and page.more and page.seq == 3
    rest = store.changes_since("c", page.seq, limit=2)
    assert rest.face_ids == later and rest.removed == {first[1]: 2} and rest.seq == 6
    assert store.changes_since("c", 6).face_ids == [] and store.changes_since("c", 6).seq == 6


def test_database_store_keeps_the_face_count_without_recounting_the_collection(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from indexing.face_index.store import DatabaseStore

    store = DatabaseStore()
    store.create_collection("c", "m")
    with CaptureQueriesContext(connection) as captured:
        first = add(store, "c", unit_vectors(3, 1))
        store.delete_faces("c", [first[0], first[0], "no-such-face"])
    assert store.get_collection("c").face_count == 2 == len(store.changes_since("c", 0).face_ids)
    assert not [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]  # O(1) a photo


def test_database_store_change_feed_numbers_adds_and_deletions(db):
    from indexing.face_index.store import DatabaseStore

    store = DatabaseStore()
    store.create_collection("c", "m")
    first = add(store, "c", unit_vectors(3, 1))
    assert store.delete_faces("c", [first[1], "no-such-face"]) == [first[1]]
    later = add(store, "c", unit_vectors(2, 2))
    assert store.get_collection("c").version == 6
    everything = store.changes_since("c", 0)
    assert everything.seqs.tolist() == [1, 3, 5, 6] and everything.face_ids == [first[0], first[2], *later]
    assert everything.removed == {first[1]: 2} and everything.seq == 6 and not everything.more
    assert np.array_equal(everything.vectors[3], store.get_faces("c", [later[1]])[0].embedding)
    assert store.changes_since("c", 4).face_ids == later and store.changes_since("c", 4).removed == {}
    page = store.changes_since("c", 0, limit=2)  # faces 1 and 3: the deletion (4) comes next
    assert page.face_ids == first[::2] and page.removed == {} and page.more and page.seq == 3
    rest = store.changes_since("c", page.seq, limit=2)
    assert rest.face_ids == later and rest.removed == {first[1]: 2} and rest.seq == 6
    assert store.changes_since("c", 6).face_ids == [] and store.changes_since("c", 6).seq == 6


def test_another_process_catches_up_with_adds_from_the_change_feed(two_processes, tmp_path):
    store, a, b, ids = two_processes
    assert found(b, ids[0], 5)  # b opens the collection: 1,000 faces >= exact_below, so a file is built
    held = b.index.collection(store.get_collection("c"))
    generation = held.snapshot.path
    assert len(held.snapshot) == 1000 and len(held.delta) == 0
    near = unit_vectors(1, 1)[0] + unit_vectors(1, 9)[0] * 0.05  # almost face 0
    new = add(store, "c", (near / np.linalg.norm(near))[None, :])
    assert found(b, ids[0], 1) == new  # b's search answers the new face, the nearest
    held = b.index.collection(store.get_collection("c"))
    assert held.snapshot.path == generation and held.delta.ids == new and held.seq == 1001


def test_deleted_faces_are_never_returned(two_processes):
    store, a, b, ids = two_processes
    found(b, ids[0])
    fresh = add(store, "c", unit_vectors(10, 3))
    a.delete_faces("c", ids[:300] + fresh[:5])  # from the file and from the delta
    gone = set(ids[:300] + fresh[:5])
    for engine in (a, b):
        for query in ids[300:320] + fresh[5:]:
            answer = found(engine, query)
            assert not gone & set(answer) and len(answer) == 1000 - 300 + 5 - 1
    held = b.index.collection(store.get_collection("c"))
    assert len(held) == 705


def test_a_full_delta_writes_a_new_generation_that_the_other_process_adopts(two_processes):
    store, a, b, ids = two_processes
    found(a, ids[0]), found(b, ids[0])
    first = b.index.collection(store.get_collection("c")).snapshot.seq
    more = add(store, "c", unit_vectors(60, 4))  # past delta_limit=50
    found(a, ids[0])  # a catches up, finds its delta too large and writes a generation
    written = a.index.collection(store.get_collection("c")).snapshot
    assert written.seq == 1060 > first and len(written) == 1060
    extra = add(store, "c", unit_vectors(1, 5))
    assert set(more) <= set(found(b, ids[0]))
    held = b.index.collection(store.get_collection("c"))
    assert held.snapshot.seq == 1060 and held.delta.ids == extra  # b read the new file, then one face


@pytest.mark.parametrize("damage", ["garbage", "truncated", "missing"])
def test_a_corrupt_or_missing_index_file_is_rebuilt_from_the_store(two_processes, tmp_path, damage):
    store, a, _, ids = two_processes
    found(a, ids[0], 10)
    path = a.index.collection(store.get_collection("c")).snapshot.path
    if damage == "missing":
        path.unlink()
    else:
        data = path.read_bytes()
        path.write_bytes(b"not an index" * 100 if damage == "garbage" else data[: len(data) // 2])
    fresh = engine_on(store, tmp_path)  # a process starting now
    assert len(found(fresh, ids[0], 10)) == 10
    assert fresh.index.collection(store.get_collection("c")).snapshot.path.exists()
    rebuilt = IndexFiles(tmp_path, "c").read(store.get_collection("c").created, 1000)
    assert rebuilt is not None and len(rebuilt.index) == 1000 and rebuilt.path.read_bytes() != b"not an index" * 100
    for n in (0, 500, 999):  # every face's own vector finds it (keys are sequence numbers 1..1000)
        vector = store.get_faces("c", [ids[n]])[0].embedding
        assert rebuilt.index.search(vector, 1).keys[0] == n + 1


def test_recall_at_10_against_exact_search_on_clustered_faces(tmp_path):
    store = MemoryStore()
    engine = engine_on(store, tmp_path, exact_below=1000)
    engine.create_collection("c")
    vectors = unit_vectors(10_000, 6, people=500)
    ids = add(store, "c", vectors)
    hits = 0
    queries = range(0, 10_000, 100)
    for q in queries:
        exact = [ids[i] for i in np.argsort(-(vectors @ vectors[q]))[1:11]]
        hits += len(set(found(engine, ids[q], 10)) & set(exact))
    assert engine.index.collection(store.get_collection("c")).snapshot is not None  # the HNSW was used
    assert hits / (10 * len(queries)) >= 0.99


def test_similarities_are_exact_for_the_faces_returned(two_processes):
    store, a, _, ids = two_processes
    answer = a.search_faces("c", ids[7], threshold=0, max_faces=20)["FaceMatches"]
    query = store.get_faces("c", [ids[7]])[0].embedding
    for m in answer:
        v = store.get_faces("c", [m["Face"]["FaceId"]])[0].embedding
        assert m["Similarity"] == round(float(a.model.similarity(query, v[None, :])[0]), 4)


def test_a_deleted_collection_takes_its_index_files_with_it(two_processes, tmp_path):
    store, a, _, ids = two_processes
    found(a, ids[0], 1)
    assert list(tmp_path.glob("c.*.json"))
    a.delete_collection("c")
    assert not [p for p in tmp_path.iterdir() if not p.name.endswith(".lock")]
    a.create_collection("c")
    again = add(store, "c", unit_vectors(2, 8))
    assert found(a, again[0]) == [again[1]]


def test_the_engine_modules_import_in_any_order_without_crashing():
    """usearch loaded before onnxruntime crashes onnxruntime's import; index_file.py orders them."""
    for first, then in [("indexing.engine.search_index", "onnxruntime"), ("indexing.engine.local", "onnxruntime")]:
        run = subprocess.run([sys.executable, "-c", f"import {first}; import {then}"], capture_output=True)
        assert run.returncode == 0, run.stderr.decode()[-2000:]


def test_two_engines_on_the_database_store_share_a_file_and_catch_up(db, tmp_path):
    from indexing.face_index.store import DatabaseStore

    a, b = engine_on(DatabaseStore(), tmp_path, exact_below=100), engine_on(DatabaseStore(), tmp_path, exact_below=100)
    a.create_collection("c")
    ids = add(a.store, "c", unit_vectors(300, 11))
    assert len(found(a, ids[0])) == 299 and list(tmp_path.glob("c.*.json"))  # a built the file
    more = add(a.store, "c", unit_vectors(3, 12))
    a.delete_faces("c", ids[:10] + more[:1])
    answer = found(b, ids[20])  # b opens a's file, then reads the 14 changes after it
    assert not set(ids[:10] + more[:1]) & set(answer) and set(more[1:]) <= set(answer) and len(answer) == 291
    held = b.index.collection(b.store.get_collection("c"))
    assert held.snapshot.seq == 300 and held.delta.ids == more[1:] and len(held.removed) == 10


def test_the_index_keeps_int8_vectors_whose_cosines_are_within_0_003_of_exact():
    """quantize() scales each face to the full int8 range (usearch's own cast errs by up to 0.02)."""
    from usearch.index import Index

    from indexing.engine.index_file import quantize

    vectors = unit_vectors(2000, 13, people=100)
    index = Index(ndim=DIM, metric="cos", dtype="i8")
    index.add(np.arange(len(vectors), dtype=np.uint64), quantize(vectors))
    for q in range(0, 2000, 200):
        found = index.search(quantize(vectors[q])[0], 50, exact=True)
        exact = vectors[found.keys.astype(np.int64)] @ vectors[q]
        assert np.abs((1 - found.distances) - exact).max() < 0.003


def test_the_database_store_finds_faces_by_id_through_the_collection_and_face_id_index(db):
    """Without it SQLite answered `collection_id = ? AND face_id IN (...)` by scanning the collection."""
    from django.db import connection

    from indexing.face_index.store import DatabaseStore
    from indexing.models import EngineCollection, EngineFace

    store = DatabaseStore()
    store.create_collection("c", "m")
    ids = add(store, "c", unit_vectors(3, 1))
    assert [f.face_id for f in store.get_faces("c", ids[::-1])] == ids[::-1]
    row = EngineCollection.objects.get(collection_id="c")
    sql, params = EngineFace.objects.filter(collection=row, face_id__in=ids).query.sql_with_params()
    if connection.vendor != "sqlite":
        pytest.skip("query plans are SQLite's here")
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "face_id=?" in plan  # looked up by id, not every face of the collection read


def test_a_process_behind_pruned_deletions_starts_again_from_a_fresh_file(two_processes):
    store, a, b, ids = two_processes
    found(b, ids[0])  # b holds the file at 1000
    a.delete_faces("c", ids[:5])  # deletions 1001..1005
    assert store.prune_tombstones("c", 1005) == 5
    assert store.get_collection("c").pruned == 1005 and store.changes_since("c", 1000).removed == {}
    answer = found(b, ids[10])  # the feed can no longer tell b what was deleted after its file
    held = b.index.collection(store.get_collection("c"))
    assert held.snapshot.seq == 1005 and len(held) == 995 and len(held.snapshot) == 995
    assert not set(ids[:5]) & set(answer) and len(answer) == 994


def test_writing_a_generation_prunes_the_deletions_long_behind_it(two_processes, monkeypatch):
    from indexing.engine import search_index

    monkeypatch.setattr(search_index, "TOMBSTONES_KEPT", 10)
    store, a, b, ids = two_processes
    found(a, ids[0]), found(b, ids[0])  # both hold the file at 1000
    a.delete_faces("c", ids[:20])  # deletions 1001..1020
    add(store, "c", unit_vectors(60, 4))  # 1021..1080: past delta_limit=50, a writes a generation
    found(a, ids[30])
    assert store.get_collection("c").pruned == 1070 and store.changes_since("c", 1000).removed == {}
    answer = found(b, ids[30])  # b adopts a's file at 1080 first: it needs none of the pruned deletions
    held = b.index.collection(store.get_collection("c"))
    assert held.snapshot.seq == 1080 and len(held) == 1040 and not set(ids[:20]) & set(answer)


def test_the_database_store_prunes_tombstones_and_records_how_far(db):
    from indexing.face_index.store import DatabaseStore

    store = DatabaseStore()
    store.create_collection("c", "m")
    first = add(store, "c", unit_vectors(3, 1))
    store.delete_faces("c", first[:1])
    store.delete_faces("c", first[1:2])  # deletions 4 and 5
    assert store.prune_tombstones("c", 4) == 1 and store.get_collection("c").pruned == 4
    assert store.changes_since("c", 4).removed == {first[1]: 2}
    assert store.prune_tombstones("c", 2) == 0 and store.get_collection("c").pruned == 4  # never goes back


def test_a_process_opening_the_file_searches_at_the_configured_ef_not_usearchs_default(two_processes):
    store, a, b, ids = two_processes
    found(a, ids[0], max_faces=10)  # a builds the file
    found(b, ids[1], max_faces=10)  # b maps it
    for engine in (a, b):
        snapshot = engine.index.collection(store.get_collection("c")).snapshot
        assert snapshot is not None and snapshot.index.expansion_search == engine.index.params.expansion_search == 128
    found(b, ids[2])  # a search for many faces searches wider (ef twice the faces asked for)
    assert b.index.collection(store.get_collection("c")).snapshot.index.expansion_search > 128


def test_a_larger_graph_is_searched_wider():
    params = HnswParams()
    assert params.ef_for(1_000) == params.ef_for(100_000) == 128
    assert params.ef_for(1_000_000) == 256 and 128 < params.ef_for(300_000) < 256


def test_a_search_uses_the_ef_of_its_graphs_size(tmp_path):
    store = MemoryStore()
    engine = engine_on(store, tmp_path)
    engine.index.params = HnswParams(ef_grows_from=100)  # the 1,000 faces below count as 10 x
    engine.create_collection("c")
    ids = add(store, "c", unit_vectors(1000, 1))
    assert len(found(engine, ids[0], max_faces=10)) == 10
    assert engine.index.collection(store.get_collection("c")).snapshot.index.expansion_search == 256


def test_a_merged_generation_adds_its_new_faces_at_the_configured_ef_construction(two_processes, monkeypatch):
    """usearch restores a file with its default expansion_add (128): a generation merged onto the
    last one would add its faces to a looser graph than a build does."""
    from usearch.index import Index

    store, a, _, ids = two_processes
    found(a, ids[0])  # the first generation, built
    efs, add_faces = [], Index.add

    def spy(self, *args, **kwargs):
        efs.append(self.expansion_add)
        return add_faces(self, *args, **kwargs)

    monkeypatch.setattr(Index, "add", spy)
    add(store, "c", unit_vectors(60, 4))  # past delta_limit=50: the next search writes a merged generation
    found(a, ids[0])
    assert efs == [a.index.params.expansion_add] and a.index.params.expansion_add != Index(ndim=8).expansion_add
