"""Checks graphs written by knng against scikit-learn's kneighbors_graph.

usage: compare_sklearn.py DATA.npy GRAPH.npz METRIC K MODE INCLUDE_SELF [GRAPH.npz METRIC K MODE INCLUDE_SELF ...]

For each graph: load it with scipy.sparse.load_npz, build scikit-learn's graph of the same float32
data (cast to float64) with the same metric, k, mode and include_self, and compare row by row.
The check is tie-tolerant: the neighbour sets may differ only among candidates whose distance equals
the k-th distance (within a float tolerance); the sorted distances must agree, and in distance mode
every shared edge must carry the same weight. 'inner-product' has no scikit-learn metric; its
reference is -X @ X.T from numpy. Prints one line per graph and exits 1 on the first disagreement.
"""
import sys

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import pairwise_distances
from sklearn.neighbors import kneighbors_graph

SKLEARN_METRIC = {"euclidean": "euclidean", "sqeuclidean": "sqeuclidean", "cosine": "cosine",
                  "manhattan": "manhattan"}


def reference_distances(X, metric):
    if metric == "inner-product":
        return -(X @ X.T)
    return pairwise_distances(X, metric=SKLEARN_METRIC[metric])


def reference_graph(X, D, metric, k, mode, include_self):
    if metric != "inner-product":
        return kneighbors_graph(X, k, mode=mode, metric=SKLEARN_METRIC[metric],
                                include_self=include_self, n_jobs=1).tocsr()
    n = X.shape[0]
    rows, cols, vals = [], [], []
    for i in range(n):
        d = D[i].copy()
        if not include_self:
            d[i] = np.inf
        order = np.lexsort((np.arange(n), d))[:k]
        if include_self and i not in order:
            order = np.concatenate(([i], order[: k - 1]))
        rows += [i] * k
        cols += list(order)
        vals += list(d[order] if mode == "distance" else np.ones(k))
    return sp.csr_matrix((vals, (rows, cols)), shape=(n, n))


def check(X, path, metric, k, mode, include_self):
    n = X.shape[0]
    ours = sp.load_npz(path).tocsr()
    assert ours.shape == (n, n), f"shape {ours.shape} != {(n, n)}"
    assert ours.nnz == n * k, f"nnz {ours.nnz} != {n * k}"
    D = reference_distances(X, metric)
    theirs = reference_graph(X, D, metric, k, mode, include_self)
    scale = max(1.0, float(np.abs(D).max()))
    tol = 1e-5 * scale
    for i in range(n):
        a = ours.indices[ours.indptr[i]:ours.indptr[i + 1]]
        b = theirs.indices[theirs.indptr[i]:theirs.indptr[i + 1]]
        assert len(a) == k and len(set(a)) == k, f"row {i}: {len(a)} entries, expected {k} distinct"
        if include_self:
            assert i in a, f"row {i}: include_self but the point itself is missing"
        else:
            assert i not in a, f"row {i}: self-loop without include_self"
        da = np.sort(D[i, a])
        db = np.sort(D[i, b])
        assert np.allclose(da, db, rtol=0, atol=tol), f"row {i}: distances {da} vs sklearn {db}"
        kth = db[-1]
        for j in set(a) ^ set(b):
            if include_self and j == i:
                continue
            assert abs(D[i, j] - kth) <= tol, \
                f"row {i}: neighbour {j} at {D[i, j]} differs from sklearn but is not tied with the k-th ({kth})"
        if mode == "distance":
            for j in set(a) & set(b):
                w_ours, w_theirs = ours[i, j], theirs[i, j]
                if not (metric == "cosine" and j == i):
                    assert abs(w_ours - w_theirs) <= tol, f"row {i}, col {j}: weight {w_ours} vs {w_theirs}"
        else:
            assert np.all(ours.data[ours.indptr[i]:ours.indptr[i + 1]] == 1), f"row {i}: weights not 1"
    print(f"ok {path} metric={metric} k={k} mode={mode} include_self={include_self} rows={n}")


def main(argv):
    X = np.load(argv[1]).astype(np.float64)
    jobs = argv[2:]
    assert len(jobs) % 5 == 0 and jobs, "arguments come in groups of 5"
    for g in range(0, len(jobs), 5):
        path, metric, k, mode, include_self = jobs[g:g + 5]
        check(X, path, metric, int(k), mode, include_self == "1")


if __name__ == "__main__":
    main(sys.argv)
