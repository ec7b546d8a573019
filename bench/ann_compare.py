#!/usr/bin/env python3
"""Which HNSW library for the local engine: usearch, faiss-cpu, hnswlib on real embeddings.

  .venv/bin/python bench/ann_compare.py [--sizes 100000,1000000] [--libs usearch,faiss,hnswlib]

The collection: every real LFW arcface embedding (bench/embeddings.py) plus person-clustered
synthetic ones; the queries: the real ones. Prints, per library and size, recall@10 of the
approximate top-10 and of the top-10 after an exact re-rank of 32 candidates (both against
exact search), p50/p99 query latency on one thread, build time (2 threads), memory and file
size, each with its compact storage (int8 where the library has it, else float16/float32).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))
import numpy as np  # noqa: E402
from embeddings import add_strangers_option, collection  # noqa: E402

M, EF_ADD, EF_SEARCH, K, CANDIDATES = 16, 128, 64, 10, 32


def tune(vectors, queries, exact_top, ms, efs, candidates) -> None:
    """usearch as the engine uses it (int8 through its quantize()): recall@10 after the exact
    re-rank with the query's own face left out (as search_faces does), CPU time and distances
    computed per query, for each M, ef and candidate count."""
    import onnxruntime  # noqa: F401  before usearch: the other order crashes (docs/search-index.md)
    from usearch.index import Index

    from indexing.engine.index_file import quantize

    for m in ms:
        index = Index(ndim=vectors.shape[1], metric="cos", dtype="i8", connectivity=m, expansion_add=EF_ADD)
        t0 = time.process_time()
        index.add(np.arange(len(vectors), dtype=np.uint64), quantize(vectors), threads=2)
        build = time.process_time() - t0
        with tempfile.TemporaryDirectory() as tmp:
            index.save(os.path.join(tmp, "i"))
            disk = os.path.getsize(os.path.join(tmp, "i")) / 2**20
        for ef in efs:
            index.expansion_search = ef
            for c in candidates:
                hits, times, distances = 0, [], 0
                for row, (q, truth) in enumerate(zip(queries, exact_top)):  # query `row` is face `row`
                    t0 = time.thread_time()
                    found = index.search(quantize(q)[0], c + 1, threads=1)
                    times.append((time.thread_time() - t0) * 1000)
                    cand, distances = found.keys.astype(np.int64), distances + found.computed_distances
                    cand, truth = cand[cand != row], truth[truth != row][:K]  # the face itself left out
                    hits += len(set(cand[np.argsort(-(vectors[cand] @ q))[:K]].tolist()) & set(truth.tolist()))
                p50, p99 = np.percentile(times, [50, 99])
                print(
                    f"{len(vectors):>9,} usearch i8 M={m:<2} ef={ef:<3} candidates={c:<3} recall@10 re-ranked "
                    f"{hits / (K * len(queries)):.4f}  CPU p50 {p50:.3f} ms p99 {p99:.3f} ms  "
                    f"distances/query {distances / len(queries):.0f}  build CPU {build:6.1f} s  file {disk:6.1f} MiB",
                    flush=True,
                )


class Usearch:
    name = "usearch (int8, cos)"

    def build(self, vectors):
        from usearch.index import Index

        self.index = Index(ndim=vectors.shape[1], metric="cos", dtype="i8", connectivity=M, expansion_add=EF_ADD)
        self.index.expansion_search = EF_SEARCH
        self.index.add(np.arange(len(vectors), dtype=np.uint64), vectors, threads=2)

    def search(self, q, k):
        return self.index.search(q, k, threads=1).keys

    def save(self, path):
        self.index.save(path)


class Faiss:
    name = "faiss IndexHNSWSQ (int8, ip)"

    def build(self, vectors):
        import faiss

        faiss.omp_set_num_threads(2)
        self.index = faiss.IndexHNSWSQ(vectors.shape[1], faiss.ScalarQuantizer.QT_8bit, M, faiss.METRIC_INNER_PRODUCT)
        self.index.hnsw.efConstruction = EF_ADD
        self.index.train(vectors[:50_000])
        self.index.add(vectors)
        self.index.hnsw.efSearch = EF_SEARCH
        faiss.omp_set_num_threads(1)

    def search(self, q, k):
        return self.index.search(q[None, :], k)[1][0]

    def save(self, path):
        import faiss

        faiss.write_index(self.index, path)


class Hnswlib:
    name = "hnswlib (float32 only, ip)"

    def build(self, vectors):
        import hnswlib

        self.index = hnswlib.Index(space="ip", dim=vectors.shape[1])
        self.index.init_index(max_elements=len(vectors), ef_construction=EF_ADD, M=M)
        self.index.add_items(vectors, np.arange(len(vectors)), num_threads=2)
        self.index.set_ef(EF_SEARCH)

    def search(self, q, k):
        return self.index.knn_query(q[None, :], k, num_threads=1)[0][0]

    def save(self, path):
        self.index.save_index(path)


LIBS = {"usearch": Usearch, "faiss": Faiss, "hnswlib": Hnswlib}


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024


def measure(lib, vectors, queries, exact_top):
    before = rss_mb()
    t0 = time.perf_counter()
    lib.build(vectors)
    build = time.perf_counter() - t0
    memory = rss_mb() - before
    hits = hits_rr = 0
    times = []
    for q, truth in zip(queries, exact_top):
        t0 = time.perf_counter()
        found = lib.search(q, K)
        times.append((time.perf_counter() - t0) * 1000)
        hits += len(set(found.tolist()) & set(truth.tolist()))
        cand = np.asarray(lib.search(q, CANDIDATES), dtype=np.int64)
        cand = cand[cand >= 0]
        reranked = cand[np.argsort(-(vectors[cand] @ q))[:K]]
        hits_rr += len(set(reranked.tolist()) & set(truth.tolist()))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "index")
        lib.save(path)
        disk = os.path.getsize(path) / 2**20
    p50, p99 = np.percentile(times, [50, 99])
    n = len(queries) * K
    return hits / n, hits_rr / n, p50, p99, build, memory, disk


def main():
    global EF_ADD  # the libraries' build() read it
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000")
    ap.add_argument("--libs", default="usearch,faiss,hnswlib")
    ap.add_argument("--tune", help="usearch alone, these M values (e.g. 8,12,16), with --efs and --candidates")
    ap.add_argument("--efs", default="64,128")
    ap.add_argument("--candidates", default="32,64")
    ap.add_argument("--ef-add", type=int, default=EF_ADD, help="ef_construction of every build")
    add_strangers_option(ap)
    a = ap.parse_args()
    EF_ADD = a.ef_add
    print(f"HNSW M={M} ef_construction={EF_ADD} ef_search={EF_SEARCH}; build on 2 threads, queries on 1")
    done = 0
    for size in [int(s) for s in a.sizes.split(",")]:
        vectors, queries = collection(size, strangers=a.strangers)
        exact_top = np.stack([np.argsort(-(vectors @ q))[: K + 1] for q in queries])  # --tune drops the face itself
        exact_top = exact_top if a.tune else exact_top[:, :K]
        if a.tune:
            ints = [[int(x) for x in s.split(",")] for s in (a.tune, a.efs, a.candidates)]
            tune(vectors, queries, exact_top, *ints)
            done += 1
            continue
        for name in a.libs.split(","):
            recall, recall_rr, p50, p99, build, memory, disk = measure(LIBS[name](), vectors, queries, exact_top)
            print(
                f"{size:>9,} {LIBS[name].name:<30} recall@10 {recall:.4f} (re-ranked {CANDIDATES}: {recall_rr:.4f})"
                f"  p50 {p50:.3f} ms p99 {p99:.3f} ms  build {build:6.1f} s"
                f"  RSS +{memory:6.0f} MB  file {disk:6.0f} MB",
                flush=True,
            )
            done += 1
        del vectors
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    sys.exit(0 if done else 1)


if __name__ == "__main__":
    main()
