"""Runs ONE low-dimensional k-NN graph builder on one dataset, as its own process, and saves its ids.

usage: lowdim_run.py PEER DATA.npy K THREADS OUT_IDS.npy OUT_TIMES.json [LABELS.npy]

PEER:
  ckdtree          scipy.spatial.cKDTree(X) (default leafsize 16, balanced_tree=True), then
                   .query(X, K + 1, workers=THREADS).
  sklearn-kd       sklearn.neighbors.NearestNeighbors(n_neighbors=K, algorithm='kd_tree',
                   n_jobs=THREADS).fit(X).kneighbors(): with no query it searches the training
                   points and drops each one from its own list by index (kneighbors_graph's
                   semantics).
  sklearn-ball     the same with algorithm='ball_tree'.
  ckdtree-loop     needs LABELS (one integer per row, any order): the rows grouped by label (a stable
                   argsort, timed), then one cKDTree per group, queried with K + 1 (at most the
                   group's size) and workers=THREADS, its ids mapped back to global rows.
  sklearn-kd-loop  the same loop with NearestNeighbors(algorithm='kd_tree', n_jobs=THREADS).

Every peer writes each point's K nearest OTHER points as an N x K int64 array: the point itself is
removed by index, not by distance, so a point with duplicates keeps them as neighbours (like knng);
-1 pads rows whose group has K points or fewer. OUT_TIMES.json holds the in-process seconds:
import (of scipy.spatial or sklearn.neighbors), load, build, query, grouping (the loops' sort and
bookkeeping) and total (build, query and grouping). Both cKDTree and scikit-learn copy the float32
input to float64 before they build.
"""
import importlib
import json
import sys
import time

import numpy as np

from approx_run import drop_self


def without_self(ids, k, chunk=65536):
    """drop_self of N x (k + 1) ids whose row i is point i, a chunk of rows at a time, taking
    columns 1..k straight where every row of the chunk lists itself first (always, unless some
    point has duplicates): no N x (k + 1) temporaries to count in the peak RSS."""
    out = np.empty((len(ids), k), dtype=np.int64)
    for start in range(0, len(ids), chunk):
        block = ids[start:start + chunk]
        own = np.arange(start, start + len(block))
        if (block[:, 0] == own).all():
            out[start:start + len(block)] = block[:, 1:k + 1]
        else:
            out[start:start + len(block)] = drop_self(block, k, own)
    return out


def ckdtree(X, k, threads):
    from scipy.spatial import cKDTree
    start = time.perf_counter()
    tree = cKDTree(X)
    built = time.perf_counter()
    _, ids = tree.query(X, k + 1, workers=threads)
    return without_self(ids, k), {"build": built - start, "query": time.perf_counter() - built}


def sklearn_tree(X, k, threads, algorithm):
    from sklearn.neighbors import NearestNeighbors
    start = time.perf_counter()
    nn = NearestNeighbors(n_neighbors=k, algorithm=algorithm, n_jobs=threads).fit(X)
    built = time.perf_counter()
    ids = nn.kneighbors(return_distance=False)  # X=None: the training points, each without itself
    return ids.astype(np.int64), {"build": built - start, "query": time.perf_counter() - built}


def group_loop(X, k, threads, labels, build_and_query):
    """Runs build_and_query(Y, kk) -> (local ids, build s, query s) on each group's rows Y."""
    start = time.perf_counter()
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    out = np.empty((len(X), k), dtype=np.int64)
    build = query = 0.0
    for rows in np.split(order, bounds):
        local, b, q = build_and_query(X[rows], min(k + 1, len(rows)))
        out[rows] = drop_self(rows[local], k, own=rows)
        build += b
        query += q
    grouping = time.perf_counter() - start - build - query
    return out, {"build": build, "query": query, "grouping": grouping}


def ckdtree_group(Y, kk, threads):
    from scipy.spatial import cKDTree
    start = time.perf_counter()
    tree = cKDTree(Y)
    built = time.perf_counter()
    _, ids = tree.query(Y, kk, workers=threads)
    return ids.reshape(len(Y), kk), built - start, time.perf_counter() - built


def sklearn_kd_group(Y, kk, threads):
    from sklearn.neighbors import NearestNeighbors
    start = time.perf_counter()
    nn = NearestNeighbors(algorithm="kd_tree", n_jobs=threads).fit(Y)
    built = time.perf_counter()
    ids = nn.kneighbors(Y, kk, return_distance=False)
    return ids, built - start, time.perf_counter() - built


WHOLE = {
    "ckdtree": ckdtree,
    "sklearn-kd": lambda X, k, t: sklearn_tree(X, k, t, "kd_tree"),
    "sklearn-ball": lambda X, k, t: sklearn_tree(X, k, t, "ball_tree"),
}
GROUPED = {
    "ckdtree-loop": ckdtree_group,
    "sklearn-kd-loop": sklearn_kd_group,
}
PEERS = list(WHOLE) + list(GROUPED)


def main(argv):
    if len(argv) not in (7, 8) or argv[1] not in PEERS:
        raise SystemExit(__doc__)
    peer, data, k, threads, out, times_out = argv[1:7]
    k, threads = int(k), int(threads)
    start = time.perf_counter()
    importlib.import_module("scipy.spatial" if peer.startswith("ckdtree") else "sklearn.neighbors")
    imported = time.perf_counter() - start
    start = time.perf_counter()
    X = np.ascontiguousarray(np.load(data), dtype=np.float32)
    labels = np.load(argv[7]) if len(argv) == 8 else None
    loaded = time.perf_counter() - start
    if peer in GROUPED:
        if labels is None:
            raise SystemExit(f"{peer} needs the group labels (LABELS.npy)")
        ids, times = group_loop(X, k, threads, labels, lambda Y, kk: GROUPED[peer](Y, kk, threads))
    else:
        ids, times = WHOLE[peer](X, k, threads)
    times["total"] = sum(times.values())
    times["load"] = loaded
    times["import"] = imported
    np.save(out, ids)
    with open(times_out, "w") as f:
        json.dump(times, f)


if __name__ == "__main__":
    main(sys.argv)
