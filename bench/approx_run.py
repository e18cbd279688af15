"""Runs ONE approximate k-NN graph builder on one dataset, as its own process, and saves its ids.

usage: approx_run.py PEER DATA.npy K METRIC THREADS SEED OUT_IDS.npy OUT_TIMES.json

PEER (parameters in the name, so that approx.py can list any mix):
  pynndescent-NN         pynndescent.NNDescent(X, n_neighbors=NN, n_jobs=THREADS, random_state=SEED)
                         then .neighbor_graph, called twice in this process: the first call pays
                         numba's compilation, the second is "warm" (its ids go to OUT_IDS.warm.npy).
                         Its graph lists the point itself (normally first), so NN = K + 1 leaves K
                         others; NN = K leaves only K - 1 (the missing one is written as -1).
  hnswlib-M{M}-ef{EF}[-efc{C}]
                         hnswlib, M, ef_construction C (default 200); every point queried with
                         K + 1 at ef EF.
  faiss-hnsw-M{M}-ef{EF}[-efc{C}]
                         faiss.IndexHNSWFlat(d, M), efConstruction C (default 200, FAISS's own
                         default is 40); every point searched with K + 1 at efSearch EF.
  faiss-nndescent-K{G}   faiss.IndexNNDescentFlat(d, G): its graph of G neighbours (final_graph,
                         sorted by distance), the first K others kept.
METRIC is euclidean or cosine (FAISS: L2 on unit vectors, which ranks like cosine).

Every peer writes each point's K nearest OTHER points (itself removed by index; -1 where a tool
returned fewer) as an N x K int64 array, and its in-process seconds as JSON (build, query and,
for pynndescent, first and warm). approx.py times the whole process and measures the recall.
"""
import json
import re
import sys
import time

import numpy as np


def drop_self(ids, k, own=None):
    """ids: N x m neighbour lists that may hold the point itself (row i is point own[i], default
    i); returns N x k without it by index, padded with -1 when fewer than k others remain."""
    n, m = ids.shape
    ids = np.asarray(ids, dtype=np.int64)
    is_self = ids == (np.arange(n) if own is None else np.asarray(own))[:, None]
    order = np.argsort(is_self, axis=1, kind="stable")  # self entries move to the end, in order
    out = np.take_along_axis(np.where(is_self, -1, ids), order, axis=1)
    if m < k:
        out = np.hstack([out, np.full((n, k - m), -1, dtype=np.int64)])
    return out[:, :k]


def unit_rows(X):
    return np.ascontiguousarray(X / np.linalg.norm(X, axis=1, keepdims=True), dtype=np.float32)


def pynndescent_graph(X, k, metric, threads, seed, nn, out):
    import pynndescent
    times = {}
    for call in ("first", "warm"):
        start = time.perf_counter()
        index = pynndescent.NNDescent(X, n_neighbors=nn, metric=metric, n_jobs=threads, random_state=seed)
        ids, _ = index.neighbor_graph
        times[call] = time.perf_counter() - start
        if call == "warm":
            np.save(out.replace(".npy", "") + ".warm.npy", drop_self(ids, k))
        else:
            first = drop_self(ids, k)
        del index
    return first, times


def hnswlib_graph(X, k, metric, threads, seed, m, ef, efc):
    import hnswlib
    n, d = X.shape
    start = time.perf_counter()
    index = hnswlib.Index(space="cosine" if metric == "cosine" else "l2", dim=d)
    index.init_index(max_elements=n, ef_construction=efc, M=m, random_seed=seed)
    index.set_num_threads(threads)
    index.add_items(X, np.arange(n))
    built = time.perf_counter()
    index.set_ef(max(ef, k + 1))
    ids, _ = index.knn_query(X, k=k + 1, num_threads=threads)
    done = time.perf_counter()
    return drop_self(ids, k), {"build": built - start, "query": done - built}


def faiss_hnsw_graph(X, k, metric, threads, seed, m, ef, efc):
    import faiss
    faiss.omp_set_num_threads(threads)
    if metric == "cosine":
        X = unit_rows(X)
    start = time.perf_counter()
    index = faiss.IndexHNSWFlat(X.shape[1], m)
    index.hnsw.efConstruction = efc
    index.add(X)
    built = time.perf_counter()
    index.hnsw.efSearch = max(ef, k + 1)
    _, ids = index.search(X, k + 1)
    done = time.perf_counter()
    return drop_self(ids, k), {"build": built - start, "query": done - built}


def faiss_nndescent_graph(X, k, metric, threads, seed, degree):
    import faiss
    faiss.omp_set_num_threads(threads)
    if metric == "cosine":
        X = unit_rows(X)
    start = time.perf_counter()
    index = faiss.IndexNNDescentFlat(X.shape[1], degree)
    index.nndescent.random_seed = seed
    index.add(X)
    graph = faiss.vector_to_array(index.nndescent.final_graph).reshape(X.shape[0], degree)
    return drop_self(graph, k), {"build": time.perf_counter() - start}


def build(peer, X, k, metric, threads, seed, out):
    """Returns (N x k ids, in-process seconds by phase)."""
    if m := re.fullmatch(r"pynndescent-(\d+)", peer):
        return pynndescent_graph(X, k, metric, threads, seed, int(m.group(1)), out)
    if m := re.fullmatch(r"(hnswlib|faiss-hnsw)-M(\d+)-ef(\d+)(?:-efc(\d+))?", peer):
        graph = hnswlib_graph if m.group(1) == "hnswlib" else faiss_hnsw_graph
        return graph(X, k, metric, threads, seed, int(m.group(2)), int(m.group(3)), int(m.group(4) or 200))
    if m := re.fullmatch(r"faiss-nndescent-K(\d+)", peer):
        return faiss_nndescent_graph(X, k, metric, threads, seed, int(m.group(1)))
    raise SystemExit(f"unknown peer {peer} (see bench/approx_run.py)")


def main(argv):
    peer, data, k, metric, threads, seed, out, times_out = argv[1:9]
    X = np.ascontiguousarray(np.load(data), dtype=np.float32)
    ids, times = build(peer, X, int(k), metric, int(threads), int(seed), out)
    np.save(out, ids)
    with open(times_out, "w") as f:
        json.dump(times, f)


if __name__ == "__main__":
    main(sys.argv)
