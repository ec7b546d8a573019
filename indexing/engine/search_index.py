"""The local engine's search index: approximate candidates, exact similarities.

Per collection and process, a `CollectionIndex` holds:
- the current generation of the collection's HNSW file (index_file.py), memory-mapped and shared
  by every process of the machine; its vectors are int8, so its candidates are re-ranked with the
  store's float32 embeddings (the engine fetches those faces to answer anyway);
- a delta: the faces added since that generation, with their float32 vectors, searched exactly;
- the faces of the generation deleted since (by sequence number), filtered out.

It catches up with the store's change feed (`EmbeddingStore.changes_since`): a process holding
the index at sequence N reads only what changed after N. When the delta grows past
`delta_limit`, one process (file lock) writes a new generation and the others pick it up when
they next catch up. A collection smaller than `exact_below` has no file: all of it is the
delta, searched exactly. A missing, stale or corrupt file is rebuilt from the store.
"""

from __future__ import annotations

import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

from .index_file import HnswParams, IndexFiles, Snapshot, quantize
from .store import Changes, CollectionInfo, EmbeddingStore, StoredFace

EXACT_BELOW = 5_000  # faces: below this, exact search over the vectors in memory (no file); measured
DELTA_LIMIT = 4_096  # faces added or deleted since the file before a new generation is written
CANDIDATES = 16  # approximate candidates re-ranked exactly, at least (bench/ann_compare.py --tune: 32 finds no more)
BATCH = 50_000  # faces per change-feed read
THREADS = 2  # threads adding faces to a graph (a build, a new generation)
REBUILD_DELETED = 0.2  # a generation whose deleted share passes this is rebuilt from the store
OPEN_COLLECTIONS = 16  # collection indexes a process keeps (least recently used go)
TOMBSTONES_KEPT = 50_000  # changes behind a newly written generation whose deletions stay in the feed

Fetch = Callable[[list[str]], list[StoredFace]]


class Delta:
    """Faces with their float32 vectors, in sequence order, searched exactly."""

    def __init__(self):
        self.seqs = np.zeros(0, np.int64)
        self.ids: list[str] = []
        self._vectors = np.zeros((0, 0), np.float32)

    def __len__(self) -> int:
        return len(self.seqs)

    @property
    def vectors(self) -> np.ndarray:
        return self._vectors[: len(self.seqs)]

    def add(self, seqs: np.ndarray, ids: list[str], vectors: np.ndarray) -> None:
        n, size = len(self.seqs), len(self.seqs) + len(seqs)
        if size > len(self._vectors) or self._vectors.shape[1] != vectors.shape[1]:
            grown = np.zeros((max(size + size // 4 + 64, 2 * len(self._vectors)), vectors.shape[1]), np.float32)
            if n:
                grown[:n] = self._vectors[:n]
            self._vectors = grown
        self._vectors[n:size] = vectors
        self.seqs = np.concatenate([self.seqs, seqs])
        self.ids.extend(ids)

    def keep(self, mask: np.ndarray) -> None:
        rows = np.flatnonzero(mask)
        self._vectors = self.vectors[rows].copy() if len(rows) else np.zeros((0, 0), np.float32)
        self.seqs = self.seqs[rows]
        self.ids = [self.ids[r] for r in rows]


class CollectionIndex:
    def __init__(
        self, store: EmbeddingStore, files: IndexFiles, params: HnswParams, exact_below: int, delta_limit: int
    ):
        self.store, self.files, self.params = store, files, params
        self.exact_below, self.delta_limit = exact_below, delta_limit
        self.collection_id = ""
        self.created: float | None = None
        self.lock = threading.Lock()
        self._reset(None)

    def _reset(self, snapshot: Snapshot | None) -> None:
        self.snapshot = snapshot
        self.seq = snapshot.seq if snapshot else 0
        self.stamp = self.files.stamp()
        self.delta = Delta()
        self.removed: dict[int, int] = {}  # sequence number of a face of the snapshot -> when deleted

    @property
    def file_seq(self) -> int:
        return self.snapshot.seq if self.snapshot else 0

    def __len__(self) -> int:
        return (len(self.snapshot) if self.snapshot else 0) - len(self.removed) + len(self.delta)

    # catching up
    def sync(self, info: CollectionInfo) -> None:
        """Brings this index to the collection's version `info` (the store's view of it now)."""
        self.collection_id = info.collection_id
        if info.created != self.created:
            self.created = info.created
            self._open(info)
        if info.version > self.seq and self.files.stamp() != self.stamp:
            newer = self.files.read(info.created, info.version)
            if newer is not None and newer.seq > self.file_seq:
                self._adopt(newer)
        if 0 < self.seq < info.pruned:  # deletions it has not read are gone from the feed: start again
            self._open(info)
        while self.seq < info.version:
            changes = self.store.changes_since(info.collection_id, self.seq, limit=BATCH)
            self._apply(changes)
            if not changes.more:
                break
        if self._compaction_due():
            self._compact(info)

    def _open(self, info: CollectionInfo) -> None:
        snapshot = self._current(info)
        if snapshot is None and info.face_count >= self.exact_below:
            with self.files.lock():
                snapshot = self._current(info) or self._build(info)
        self._reset(snapshot)

    def _current(self, info: CollectionInfo) -> Snapshot | None:
        """The file's generation, unless deletions after it were pruned from the feed."""
        snapshot = self.files.read(info.created, info.version)
        return snapshot if snapshot is not None and snapshot.seq >= info.pruned else None

    def _written(self, seq: int) -> None:
        """A generation at `seq` is written: deletions long before it leave the feed."""
        if seq > TOMBSTONES_KEPT:
            self.store.prune_tombstones(self.collection_id, seq - TOMBSTONES_KEPT)

    def _adopt(self, snapshot: Snapshot) -> None:
        """A newer generation: what it holds leaves the delta and the deleted set."""
        self.delta.keep(self.delta.seqs > snapshot.seq)
        self.removed = {k: when for k, when in self.removed.items() if when > snapshot.seq}
        self.snapshot, self.seq, self.stamp = snapshot, max(self.seq, snapshot.seq), self.files.stamp()

    def _apply(self, changes: Changes) -> None:
        gone = np.array(sorted(changes.removed.values()), np.int64)
        if len(gone):
            self.delta.keep(~np.isin(self.delta.seqs, gone))
            for key in gone[gone <= self.file_seq]:
                self.removed[int(key)] = changes.seq
        fresh = changes.seqs > max(self.file_seq, self.delta.seqs[-1] if len(self.delta) else 0)
        if fresh.any():
            self.delta.add(
                changes.seqs[fresh], [i for i, f in zip(changes.face_ids, fresh) if f], changes.vectors[fresh]
            )
        self.seq = max(self.seq, changes.seq)

    # writing generations
    def _compaction_due(self) -> bool:
        if self.snapshot is None:
            return len(self.delta) >= self.exact_below
        return len(self.delta) + len(self.removed) > self.delta_limit

    def _compact(self, info: CollectionInfo) -> None:
        with self.files.lock(wait=False) as mine:
            if not mine:
                return  # another process is writing one; this one carries on with its delta
            newer = self.files.read(info.created, max(self.seq, info.version))
            if newer is not None and newer.seq > self.file_seq:
                self._adopt(newer)
                return
            if self.snapshot is not None and len(self.removed) > REBUILD_DELETED * len(self.snapshot):
                self._reset(self._build(info))
                return
            self._write_merged()

    def _write_merged(self) -> None:
        """The snapshot (loaded, not mapped) with the delta added and the deleted faces removed."""
        old, dim = self.snapshot, self.delta.vectors.shape[1]
        index = self.params.new_index(dim)
        if old is not None and old.index is not None:
            index = self.params.restore(old.path)
        keep = np.ones(len(old), bool) if old is not None else np.ones(0, bool)
        if self.removed:
            keys = np.array(sorted(self.removed), np.int64)
            index.remove(keys.astype(np.uint64))
            keep &= ~np.isin(old.seqs, keys)
        if len(self.delta):
            index.add(self.delta.seqs.astype(np.uint64), quantize(self.delta.vectors), threads=THREADS)
        seqs = np.concatenate([old.seqs[keep] if old is not None else np.zeros(0, np.int64), self.delta.seqs])
        ids = ([i.decode() for i in old.ids[keep]] if old is not None else []) + self.delta.ids
        self.files.write(self.created, self.seq, index, seqs, ids)
        self._written(self.seq)
        self._adopt(self.files.read(self.created, self.seq))

    def _build(self, info: CollectionInfo) -> Snapshot | None:
        """A generation from the store alone (under the lock): the whole collection, read in batches."""
        index, seqs, ids, seq, gone = None, [], [], 0, set()
        while True:
            changes = self.store.changes_since(info.collection_id, seq, limit=BATCH)
            if len(changes.seqs):
                if index is None:
                    index = self.params.new_index(changes.vectors.shape[1])
                index.add(changes.seqs.astype(np.uint64), quantize(changes.vectors), threads=THREADS)
                seqs.append(changes.seqs)
                ids.extend(changes.face_ids)
            gone.update(changes.removed.values())
            seq = changes.seq
            if not changes.more:
                break
        all_seqs = np.concatenate(seqs) if seqs else np.zeros(0, np.int64)
        keep = ~np.isin(all_seqs, np.array(sorted(gone), np.int64))
        if index is not None and not keep.all():
            index.remove(all_seqs[~keep].astype(np.uint64))
        self.files.write(info.created, seq, index, all_seqs[keep], [i for i, k in zip(ids, keep) if k])
        self._written(seq)
        return self.files.read(info.created, seq)

    # searching
    def nearest(self, query: np.ndarray, k: int, fetch: Fetch) -> list[tuple[str, np.ndarray, StoredFace | None]]:
        """The k faces nearest `query` (cosine), best first, each with its float32 vector and, when
        it was fetched from the store for the re-rank, its stored face."""
        query = np.asarray(query, np.float32)
        found: list[tuple[float, str, np.ndarray, StoredFace | None]] = []
        if len(self.delta):
            cos = self.delta.vectors @ query
            top = np.argpartition(-cos, k - 1)[:k] if k < len(cos) else np.arange(len(cos))
            found += [(float(cos[r]), self.delta.ids[r], self.delta.vectors[r], None) for r in top]
        if self.snapshot is not None and self.snapshot.index is not None:
            faces = fetch(self.snapshot.face_ids(self._candidates(query, max(k, CANDIDATES))))
            cos = np.stack([f.embedding for f in faces]) @ query if faces else []
            found += [(float(c), f.face_id, f.embedding, f) for c, f in zip(cos, faces)]
        found.sort(key=lambda f: -f[0])
        return [(face_id, vector, stored) for _, face_id, vector, stored in found[:k]]

    def _candidates(self, query: np.ndarray, count: int) -> np.ndarray:
        """Keys of the approximate nearest `count` faces of the snapshot, none of them deleted."""
        want, size, int8 = count, len(self.snapshot), quantize(query)[0]
        gone = np.fromiter(self.removed, np.int64, len(self.removed)) if self.removed else None
        while True:
            want = min(want, size)
            if want >= size:  # all of it (a graph search for every node may miss some)
                keys = np.asarray(self.snapshot.seqs, np.int64)
            else:
                keys = self._graph_search(int8, want)
            if gone is not None:
                keys = keys[~np.isin(keys, gone)]
            if len(keys) >= count or want >= size:
                return keys[:count]
            want *= 4

    def _graph_search(self, int8: np.ndarray, want: int) -> np.ndarray:
        """The graph's `want` nearest keys, searched at the graph's size's ef and at least 2 x want: at
        ef = want (usearch's floor) a search for a large `want` (a person's many faces over the
        threshold) misses a few of them."""
        graph = self.snapshot.index
        ef = max(self.params.ef_for(len(self.snapshot)), 2 * want)
        if graph.expansion_search != ef:
            graph.expansion_search = ef  # this process's view only, under the collection's lock
        return graph.search(int8, want, threads=1).keys.astype(np.int64)


class FaceIndex:
    """Every collection's index in this process, sharing files under `directory` (None: a private
    temporary directory, for an engine used alone)."""

    def __init__(
        self,
        store: EmbeddingStore,
        directory: str | None = None,
        exact_below: int = EXACT_BELOW,
        delta_limit: int = DELTA_LIMIT,
        params: HnswParams | None = None,
    ):
        self.store, self.params = store, params or HnswParams()
        self.exact_below, self.delta_limit = exact_below, delta_limit
        self._tmp = None if directory else tempfile.TemporaryDirectory(prefix="face-index-")
        self.directory = directory or self._tmp.name
        self._open: OrderedDict[str, CollectionIndex] = OrderedDict()
        self._lock = threading.Lock()

    def collection(self, info: CollectionInfo) -> CollectionIndex:
        """The collection's index, caught up with `info` (hold its .lock while using it)."""
        with self._lock:
            index = self._open.pop(info.collection_id, None)
            if index is None:
                files = IndexFiles(self.directory, info.collection_id)
                index = CollectionIndex(self.store, files, self.params, self.exact_below, self.delta_limit)
            self._open[info.collection_id] = index
            while len(self._open) > OPEN_COLLECTIONS:
                self._open.popitem(last=False)
        with index.lock:
            index.sync(info)
        return index

    def forget(self, collection_id: str) -> None:
        """The collection is gone: its index and files too."""
        with self._lock:
            self._open.pop(collection_id, None)
        IndexFiles(self.directory, collection_id).remove()
