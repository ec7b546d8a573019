"""The k nearest neighbours of every face of a set at once, for a full regrouping (the app's
cluster_faces), on the local engine's search index.

The collection's index (search_index.CollectionIndex, caught up) is read as it stands: its
memory-mapped HNSW generation answers a whole batch of queries per call (usearch, several threads),
the faces added since it (its delta) are compared exactly, and every candidate is then scored from
the faces' float32 vectors: the similarities are the model's own, as SearchFaces gives them. Work
grows with n x k (the graph search per face), memory with n (the vectors of the faces asked about,
float32, and the graph's n x k entries), never n x n. A collection without an HNSW file (small) is
all delta: blocked exact products.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .base import Neighbours
from .search_index import CollectionIndex

BATCH = 512  # queries per graph search and re-rank (which gathers BATCH x (k + 1) vectors: ~35 MB)
BLOCK = 2048  # queries per block of exact products with the delta
MIN_EF = 32  # the graph search's breadth (ef) at least: at 32, 0.98 of same-person neighbours found at 100k
RERANK = 1  # candidates re-ranked exactly per neighbour wanted (the best of the graph's and the delta's)
MAX_CANDIDATES = 1024  # at most, per query (when few of the collection's faces are asked about)
THREADS = 2


@dataclass
class Frozen:
    """What a batch search reads of a CollectionIndex, taken under its lock: the generation (immutable,
    mapped), the ids of its delta (their vectors are among the faces asked about) and the deleted keys."""

    snapshot: object | None
    delta_ids: list[str]
    removed: np.ndarray
    graph: object | None = None  # a view of the generation's file of this search's own (its own ef)

    @classmethod
    def from_index(cls, index: CollectionIndex) -> Frozen:
        """Read under the index's lock (the caller holds it)."""
        snapshot = index.snapshot if index.snapshot is not None and index.snapshot.index is not None else None
        removed = np.fromiter(index.removed, np.int64, len(index.removed))
        graph = None
        if snapshot is not None:
            try:
                graph = type(snapshot.index).restore(str(snapshot.path), view=True)
            except (OSError, RuntimeError, ValueError):  # a newer generation replaced the file: share the view
                graph = None
        return cls(snapshot, list(index.delta.ids), removed, graph)


def load_vectors(vectors: Iterable[tuple[str, np.ndarray]], count: int) -> tuple[list[str], np.ndarray]:
    """(ids, their float32 vectors) of at most `count` (id, vector) pairs, read into one n x d matrix as
    they come (nothing more held)."""
    ids, matrix = [], None
    for face_id, vector in vectors:
        if matrix is None:
            matrix = np.empty((count, len(vector)), np.float32)
        matrix[len(ids)] = vector
        ids.append(face_id)
    return ids, (matrix[: len(ids)] if matrix is not None else np.zeros((0, 0), np.float32))


def nearest(frozen: Frozen, ids: list[str], vectors: np.ndarray, k: int, model, threshold: float):
    """Each face's (at most) k most similar others among `ids` with similarity >= threshold."""
    n = len(ids)
    if n < 2 or k < 1:
        return Neighbours(list(ids), *_empty())
    row_of = {face_id: r for r, face_id in enumerate(ids)}
    snap_rows = _snapshot_rows(frozen, row_of)
    delta_rows = np.array([row_of[i] for i in frozen.delta_ids if i in row_of], np.int64)
    want = min(k, n - 1)
    parts = []
    for start in range(0, n, BATCH):
        queries = np.arange(start, min(start + BATCH, n))
        rows, scores = _graph_candidates(frozen, snap_rows, vectors[queries], want)
        if len(delta_rows):
            more, more_scores = _exact_candidates(vectors, queries, delta_rows, want)
            rows, scores = np.hstack([rows, more]), np.hstack([scores, more_scores])
        parts.append(_rerank(vectors, queries, _shortlist(queries, rows, scores, want), want, model, threshold))
    rows, cols, sims = (np.concatenate(p) for p in zip(*parts))
    return Neighbours(list(ids), rows, cols, sims)


def _empty():
    return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64)


def _snapshot_rows(frozen: Frozen, row_of: dict[str, int]) -> np.ndarray | None:
    """For each entry of the generation, its row among the faces asked about (-1: not asked, or deleted)."""
    if frozen.snapshot is None:
        return None
    snap = frozen.snapshot
    rows = np.fromiter((row_of.get(i.decode(), -1) for i in snap.ids), np.int64, len(snap.ids))
    if len(frozen.removed):
        gone = np.searchsorted(snap.seqs, frozen.removed)
        gone = gone[(gone < len(snap.seqs)) & (snap.seqs[np.minimum(gone, len(snap.seqs) - 1)] == frozen.removed)]
        rows[gone] = -1
    return rows


def _graph_candidates(frozen: Frozen, snap_rows, queries: np.ndarray, k: int) -> np.ndarray:
    """(batch, c) rows of approximate nearest faces from the HNSW generation (-1: none), and their
    approximate cosine."""
    if snap_rows is None:
        return np.full((len(queries), 0), -1, np.int64), np.zeros((len(queries), 0), np.float32)
    snap = frozen.snapshot
    asked = max(1, int(np.count_nonzero(snap_rows >= 0)))  # the graph's other faces are skipped: ask for more
    count = min(len(snap.seqs), MAX_CANDIDATES, max(MIN_EF, -(-(k + 1) * len(snap.seqs) // asked)))
    graph = frozen.graph or snap.index
    if frozen.graph is not None and frozen.graph.expansion_search != count:
        frozen.graph.expansion_search = count  # ef = the candidates asked: measured enough (bench/grouping_scale.py)
    found = graph.search(queries, count, threads=THREADS)
    keys = np.asarray(found.keys, np.int64).reshape(len(queries), -1)
    filled = np.arange(keys.shape[1])[None, :] < np.asarray(found.counts).reshape(-1, 1)
    position = np.clip(np.searchsorted(snap.seqs, keys), 0, len(snap.seqs) - 1)
    known = filled & (snap.seqs[position] == keys)
    rows = np.where(known, snap_rows[position], -1)
    scores = 1.0 - np.asarray(found.distances, np.float32).reshape(rows.shape)  # cosine, from the int8 vectors
    return rows, np.where(rows < 0, -np.inf, scores)


def _shortlist(queries: np.ndarray, rows: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
    """Of each query's candidates, the RERANK * (k + 1) best by their first score (itself and -1 out)."""
    scores = np.where((rows < 0) | (rows == queries[:, None]), -np.inf, scores)
    keep = RERANK * (k + 1)
    if rows.shape[1] > keep:
        best = np.argpartition(-scores, keep - 1, axis=1)[:, :keep]
        rows, scores = np.take_along_axis(rows, best, axis=1), np.take_along_axis(scores, best, axis=1)
    return np.where(np.isfinite(scores), rows, -1)


def _exact_candidates(vectors: np.ndarray, queries: np.ndarray, delta_rows: np.ndarray, k: int):
    """(batch, <= k + 1) rows of the nearest faces of the delta, and their cosine (exact)."""
    rows, scores = [], []
    take = min(k + 1, len(delta_rows))
    for start in range(0, len(queries), BLOCK):
        cos = vectors[queries[start : start + BLOCK]] @ vectors[delta_rows].T
        best = np.argpartition(-cos, take - 1, axis=1)[:, :take] if take < len(delta_rows) else None
        if best is None:
            best = np.broadcast_to(np.arange(len(delta_rows)), cos.shape)
        rows.append(delta_rows[best])
        scores.append(np.take_along_axis(cos, best, axis=1))
    return np.vstack(rows), np.vstack(scores)


def _rerank(vectors, queries, candidates, k, model, threshold: float):
    """The k most similar candidates of each query (itself, duplicates and -1 dropped), by the model's
    similarity on the float32 vectors, kept above the threshold: (rows, cols, similarities)."""
    candidates = np.sort(candidates, axis=1)
    bad = (candidates < 0) | (candidates == queries[:, None])
    bad[:, 1:] |= candidates[:, 1:] == candidates[:, :-1]
    safe = np.where(bad, 0, candidates)
    sims = model.similarities(vectors[queries], vectors[safe]).astype(np.float64)
    sims[bad] = -np.inf
    order = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    best, cols = np.take_along_axis(sims, order, axis=1), np.take_along_axis(safe, order, axis=1)
    keep = best >= threshold
    rows = np.broadcast_to(queries[:, None], keep.shape)
    return rows[keep], cols[keep], np.round(best[keep], 4)


class LocalNeighbours:
    """LocalEngine's neighbour_graph (FaceEngine's contract): the batch search above."""

    def neighbour_graph(self, collection_id, face_ids, threshold, k):
        info = self._collection(collection_id)
        wanted = list(dict.fromkeys(face_ids))
        ids, vectors = load_vectors(self.store.get_vectors(collection_id, wanted), len(wanted))
        index = self.index.collection(info)
        with index.lock:
            frozen = Frozen.from_index(index)
        return nearest(frozen, ids, vectors, k, self.model, threshold)
