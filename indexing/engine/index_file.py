"""A collection's search index on disk, shared by the processes of one machine.

In the index directory, per collection (named by its id, made file-safe, and a hash of it):

    <name>.json                 the pointer: which generation is current, at which sequence number
    <name>-<seq>.usearch        the HNSW graph with int8 vectors (usearch); keys are sequence numbers
    <name>-<seq>.seqs.npy       the sequence numbers held, ascending, and beside them
    <name>-<seq>.ids.npy        the face id of each (fixed-width bytes)
    <name>.lock                 flock'ed by the one process writing a generation

Data files are written under a temporary name and os.replace'd, the pointer last, so a reader
sees a whole generation or the previous one. Readers memory-map every file (`Index.restore(view=
True)`, `np.load(mmap_mode="r")`): the pages are shared by every process of the machine.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime  # noqa: F401  before usearch: the other way round, importing onnxruntime crashes (below)
from usearch.index import Index

# usearch 2.26.6's extension loaded before onnxruntime 1.32.0's makes onnxruntime's import die of
# SIGSEGV (in libstdc++'s codecvt); loaded after it, both work. tests/indexing/engine/
# test_search_index.py checks the order holds for the engine's modules.

FORMAT = 2  # 2: vectors quantized by quantize() below (1: by usearch's own cast)


def quantize(vectors: np.ndarray) -> np.ndarray:
    """Each row as int8, scaled so that its largest component is +-127 (cosine ignores scale).

    usearch's own cast multiplies a unit vector by 127 and truncates: a 512-d face's components
    then span about -22..22 and its cosines err by 0.005 (std), enough to reorder the tail of a
    top-10 and to mislead the graph search; scaled to the full range and rounded, 0.0005.
    """
    v = np.atleast_2d(np.asarray(vectors, np.float32))
    peak = np.maximum(np.abs(v).max(axis=1, keepdims=True), np.float32(1e-30))
    return np.rint(v * (np.float32(127) / peak)).astype(np.int8)


@dataclass(frozen=True)
class HnswParams:
    connectivity: int = 16  # M: neighbours per node (2M on the base layer); bench/ann_compare.py --tune
    # ef_construction. At 100k faces, recall@10 at ef 128: 0.991-0.993 in three builds at 256 against
    # 0.985-0.990 at 128 (lfw-like strangers, docs/search-index.md), for twice the build CPU
    expansion_add: int = 256
    expansion_search: int = 128  # ef at query time up to ef_grows_from faces (raised to k when k is larger)
    ef_grows_from: int = 100_000

    def ef_for(self, size: int) -> int:
        """ef for a graph of `size` faces: expansion_search, doubled for every ten times ef_grows_from.

        At a fixed ef a larger graph finds less (usearch alone, lfw-like strangers, recall@10 at ef
        128: 0.993 at 100k, 0.953 at 1M; at 1M ef 256: 0.966 for a p99 of 6.3-7.3 ms, ef 512: 0.976
        for 10.9-12.6 ms on a loaded machine), and the latency target grows with it (2 ms at 100k,
        10 ms at 1M): the wider search spends part of that budget on recall.
        """
        if size <= self.ef_grows_from:
            return self.expansion_search
        return round(self.expansion_search * 2 ** math.log10(size / self.ef_grows_from))

    def new_index(self, dim: int) -> Index:
        index = Index(
            ndim=dim,
            metric="cos",
            dtype="i8",  # vectors go in through quantize(); the re-rank uses the store's float32
            connectivity=self.connectivity,
            expansion_add=self.expansion_add,
            expansion_search=self.expansion_search,
        )
        return index

    def restore(self, path: Path) -> Index:
        """A generation's file loaded to add to (a restored index has usearch's default ef's otherwise)."""
        index = Index.restore(path)
        index.expansion_add, index.expansion_search = self.expansion_add, self.expansion_search
        return index


@dataclass
class Snapshot:
    """One generation of the index, memory-mapped."""

    seq: int  # every change up to this number is in it
    index: Index
    seqs: np.ndarray  # int64, ascending
    ids: np.ndarray  # bytes, one per entry of seqs
    path: Path  # the .usearch file

    def __len__(self) -> int:
        return len(self.seqs)

    def face_ids(self, keys: np.ndarray) -> list[str]:
        rows = np.searchsorted(self.seqs, keys)
        return [i.decode() for i in np.asarray(self.ids[rows]).tolist()]


class IndexFiles:
    def __init__(self, directory: str | os.PathLike, collection_id: str):
        self.directory = Path(directory)
        digest = hashlib.sha256(collection_id.encode()).hexdigest()[:16]
        self.name = f"{re.sub(r'[^a-zA-Z0-9_-]', '_', collection_id)[:64]}.{digest}"
        self.pointer = self.directory / f"{self.name}.json"

    def _data(self, seq: int, suffix: str) -> Path:
        return self.directory / f"{self.name}-{seq}.{suffix}"

    def stamp(self) -> tuple[int, int] | None:
        """Changes whenever a new generation is written (cheaper than reading it)."""
        try:
            st = os.stat(self.pointer)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns

    def read(self, created: float, head: int) -> Snapshot | None:
        """The current generation, or None when missing, of another collection, ahead of the
        store (the store went back) or unreadable."""
        try:
            meta = json.loads(self.pointer.read_text())
            if meta.get("format") != FORMAT or meta["created"] != created or meta["seq"] > head:
                return None
            seq = meta["seq"]
            seqs = np.load(self._data(seq, "seqs.npy"), mmap_mode="r")
            ids = np.load(self._data(seq, "ids.npy"), mmap_mode="r")
            path = self._data(seq, "usearch")
            # restored at usearch's default ef (64): every search sets its own (search_index, neighbours)
            index = Index.restore(path, view=True) if len(seqs) else None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if len(ids) != len(seqs) or (len(seqs) and (index is None or len(index) != len(seqs))):
            return None
        return Snapshot(seq, index, seqs, ids, path)

    def write(self, created: float, seq: int, index: Index, seqs: np.ndarray, ids: list[str]) -> None:
        """A new generation at `seq` (seqs ascending, ids in their order), then the pointer to it."""
        self.directory.mkdir(parents=True, exist_ok=True)
        width = max([len(i.encode()) for i in ids] + [1])
        self._replace(self._data(seq, "seqs.npy"), lambda f: np.save(f, np.asarray(seqs, np.int64)))
        self._replace(self._data(seq, "ids.npy"), lambda f: np.save(f, np.array(ids, dtype=f"S{width}")))
        if len(seqs):
            self._replace(self._data(seq, "usearch"), lambda f: index.save(f), by_path=True)
        meta = {"format": FORMAT, "created": created, "seq": seq, "count": len(seqs)}
        self._replace(self.pointer, lambda f: f.write(json.dumps(meta).encode()))
        self._remove_generations(keep=seq)

    def _replace(self, path: Path, writer, by_path: bool = False) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        if by_path:
            writer(str(tmp))
        else:
            with open(tmp, "wb") as f:
                writer(f)
        os.replace(tmp, path)

    def _remove_generations(self, keep: int | None) -> None:
        """Old generations go; processes still mapping them keep reading the unlinked pages."""
        for path in self.directory.glob(f"{glob_escape(self.name)}-*"):
            if keep is None or not path.name.startswith(f"{self.name}-{keep}."):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()

    def remove(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.pointer.unlink()
        self._remove_generations(keep=None)

    @contextlib.contextmanager
    def lock(self, wait: bool = True):
        """Yields True when this process holds the collection's write lock (False: another does)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / f"{self.name}.lock", "a") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[\]])", r"[\1]", name)
