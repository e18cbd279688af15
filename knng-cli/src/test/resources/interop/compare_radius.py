"""Checks radius graphs written by knng against scikit-learn's radius_neighbors_graph.

usage: compare_radius.py DATA.npy GRAPH.npz METRIC RADIUS K   (K = 0: no bound)

Edges must be exactly those of scikit-learn's graph (mode='distance', include_self=False) with the
same weights, except pairs within a float tolerance of the radius, which may fall either side.
With K > 0 each row must hold the nearest K of scikit-learn's radius neighbours (ties by index).
"""
import sys

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import pairwise_distances
from sklearn.neighbors import radius_neighbors_graph

data, graph, metric, radius, k = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
X = np.load(data).astype(np.float64)
ours = sp.load_npz(graph).tocsr()
theirs = radius_neighbors_graph(X, radius, mode="distance", metric=metric, include_self=False).tocsr()
D = pairwise_distances(X, metric=metric)
tol = 1e-5 * max(1.0, radius)
n = X.shape[0]
assert ours.shape == (n, n), ours.shape
edges = 0
for i in range(n):
    a = ours.indices[ours.indptr[i]:ours.indptr[i + 1]]
    b = theirs.indices[theirs.indptr[i]:theirs.indptr[i + 1]]
    if k > 0:
        order = sorted(b, key=lambda j: (D[i, j], j))[:k]
        near_boundary = {j for j in b if abs(D[i, j] - radius) <= tol}
        # only the boundary and the k-th place may differ by rounding
        kth = D[i, order[-1]] if order else None
        allowed = near_boundary | {j for j in range(n) if kth is not None and abs(D[i, j] - kth) <= tol}
        diff = set(a) ^ set(order)
    else:
        allowed = {j for j in set(a) | set(b) if abs(D[i, j] - radius) <= tol}
        diff = set(a) ^ set(b)
    assert i not in a, f"row {i}: self-loop"
    assert diff <= allowed, f"row {i}: {sorted(diff - allowed)} differ from scikit-learn away from the boundary"
    for p in range(ours.indptr[i], ours.indptr[i + 1]):
        j = ours.indices[p]
        assert abs(ours.data[p] - D[i, j]) <= tol, f"row {i}, col {j}: weight {ours.data[p]} vs {D[i, j]}"
    edges += len(a)
print(f"ok {graph} metric={metric} radius={radius} k={k} rows={n} edges={edges}")
