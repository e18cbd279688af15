"""PyTorch Geometric's `knn_graph` and `radius_graph` (``torch_geometric.nn`` / ``torch_cluster``) on
knng's engines.

    from knng.pyg import knn_graph, radius_graph
    edge_index = knn_graph(pos, k=16, batch=batch)       # 2 x E, torch.long

The same signatures and conventions: ``batch`` assigns each row to a graph (it need not be
sorted), ``loop=True`` counts each point as one of its own k neighbours, ``flow='source_to_target'``
puts the neighbour in row 0 and the centre in row 1. The result is a ``torch.LongTensor`` when x is
a tensor (on x's device) or, for numpy input, when torch is installed; else a numpy int64 array.
Edges are grouped by centre, each centre's neighbours nearest first (ties by the smaller index);
a point is excluded from its own list by index, so duplicate points are found. Both are exact, as
torch_cluster's are, whatever the size (the kd-tree for point clouds, the exact engine above 8
dimensions): an approximate graph is asked for by name, with ``knng.kneighbors_graph``.
"""

import numpy as np

from . import _engine
from ._graphs import check_count

__all__ = ["knn_graph", "radius_graph"]

_FLOWS = ("source_to_target", "target_to_source")
# A target recall of 1: 'auto' then picks among the exact engines only (kd-tree or brute force),
# where without one it would hand large inputs of more than 8 dimensions to NN-Descent.
_EXACT = 1.0


def _labels(batch, n):
    if batch is None:
        return None
    if hasattr(batch, "detach"):
        batch = batch.detach().cpu().numpy()
    labels = np.asarray(batch)
    if labels.ndim != 1 or labels.shape[0] != n:
        raise ValueError("batch: expected one label per row of x (%d), got shape %s" % (n, labels.shape))
    if labels.dtype.kind not in "iub":
        raise ValueError("batch: expected integer labels, got dtype %s" % labels.dtype)
    if labels.size and (labels.min() < -2**31 or labels.max() >= 2**31):
        raise ValueError("batch: labels must fit in 32 bits")
    return np.ascontiguousarray(labels, dtype=np.int32)


def _edge_index(ids, flow, like):
    if flow not in _FLOWS:
        raise ValueError("flow=%r: expected 'source_to_target' or 'target_to_source'" % (flow,))
    rows, k = ids.shape
    centres = np.repeat(np.arange(rows, dtype=np.int64), k)
    neighbours = ids.reshape(-1).astype(np.int64)
    keep = neighbours >= 0
    centres, neighbours = centres[keep], neighbours[keep]
    pair = (neighbours, centres) if flow == "source_to_target" else (centres, neighbours)
    out = np.stack(pair)
    try:
        import torch
    except ImportError:
        return out
    tensor = torch.from_numpy(out)
    return tensor.to(like.device) if isinstance(like, torch.Tensor) else tensor


def knn_graph(x, k, batch=None, loop=False, flow="source_to_target", cosine=False, num_workers=None):
    """Each point's k nearest points (of its own graph in ``batch``) as a 2 x E edge_index.

    Points of a graph with at most k members get all the others. ``cosine=True`` ranks by cosine
    distance. ``num_workers``: threads (None: all cores; the result does not depend on it)."""
    points = _engine.vectors(x, "x", empty=True)
    k = check_count(k, "k")
    if k < 1:
        raise ValueError("k=%d: expected at least 1 neighbour" % k)
    groups = _labels(batch, points.shape[0])
    n = points.shape[0]
    if groups is None:
        k = min(k, n if loop else n - 1)
        if k < 1:  # one point (or none) and no loop: no edges, as in PyTorch Geometric
            return _edge_index(np.zeros((n, 0), dtype=np.int32), flow, x)
    elif n == 0:
        return _edge_index(np.zeros((0, 0), dtype=np.int32), flow, x)
    result = _engine.backend().graph(points, k, "cosine" if cosine else "euclidean", bool(loop), "auto",
                                     _EXACT, 0, _engine.threads(num_workers, "num_workers"), groups)
    return _edge_index(result.ids, flow, x)


def radius_graph(x, r, batch=None, loop=False, max_num_neighbors=32, flow="source_to_target",
                 num_workers=None):
    """Edges to every point within distance ``r`` (of its own graph in ``batch``), at most
    ``max_num_neighbors`` per point: the nearest ones (ties by the smaller index), where
    torch_cluster keeps whichever it meets first."""
    points = _engine.vectors(x, "x", empty=True)
    groups = _labels(batch, points.shape[0])
    n = points.shape[0]
    r = _engine.number(r, "r")
    if not r > 0:
        raise ValueError("r=%r: expected a radius > 0" % (r,))
    max_num_neighbors = check_count(max_num_neighbors, "max_num_neighbors")
    if max_num_neighbors < 1:
        raise ValueError("max_num_neighbors=%d: expected at least 1" % max_num_neighbors)
    k = min(max_num_neighbors, n if loop else n - 1)
    if k < 1:
        return _edge_index(np.zeros((n, 0), dtype=np.int32), flow, x)
    result = _engine.backend().graph(points, k, "euclidean", bool(loop), "auto", _EXACT, 0,
                                     _engine.threads(num_workers, "num_workers"), groups)
    return _edge_index(_within(points, result.ids, result.distances, r), flow, x)


def _within(points, ids, distances, r):
    """The ids at distance <= r, decided in double as the command line's and
    ``knng.radius_neighbors_graph``'s radius graphs are: a float32 distance is the double one
    rounded once, so only those within a float32 step of r are computed again, from the points."""
    d = distances.astype(np.float64)
    keep = (ids >= 0) & (d <= r)
    # No distance comes near 1e38 (the engine refuses values that large): a larger r keeps all.
    step = 2.0 * float(np.spacing(np.float32(r))) if r < 1e38 else 0.0
    rows, cols = np.nonzero((ids >= 0) & (np.abs(d - r) <= step))
    if rows.size:
        diff = points[rows].astype(np.float64) - points[ids[rows, cols]].astype(np.float64)
        keep[rows, cols] = np.sqrt((diff * diff).sum(axis=1)) <= r
    return np.where(keep, ids, -1)
