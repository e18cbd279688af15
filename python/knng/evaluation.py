"""`knng.recall`: the recall@k of a k-NN graph, from knng or any other tool, against exact
neighbours, as `knng eval` measures it."""

from collections import namedtuple

import numpy as np
import scipy.sparse as sp

from . import _engine
from ._graphs import knng_metric

Recall = namedtuple("Recall", ["recall", "low", "high", "k", "rows", "rows_with_self_loops",
                               "rows_with_duplicates", "rows_with_missing"])
Recall.__doc__ = """The recall@k of a graph and its 95% interval (``low``, ``high``), over ``rows``
measured rows, with how many of them list the point itself, list an id twice, or hold fewer than
k entries."""


def recall(X, graph, k=None, *, metric="euclidean", p=2, include_self=False, sample=None,
           truth=None, seed=1, n_jobs=None):
    """The recall@k of a k-NN graph of ``X``: the share of each row's k true nearest neighbours
    that the graph lists, estimated on a random sample of rows against an exact search of them.

    A neighbour whose distance equals the true k-th's counts, so any correct tie-break scores 1.
    The point itself (without ``include_self``), a repeated id and ``-1`` are never hits.

    Parameters
    ----------
    X : array-like (n_samples, n_features)
        The points the graph is of.
    graph : int array (n_samples, c) or scipy sparse matrix (n_samples, n_samples)
        Neighbour ids, nearest first, ``-1`` for a missing entry (PyNNDescent's, hnswlib's or
        FAISS's ``I``; the first k columns are used), or a sparse graph whose stored entries in a
        row are its neighbours, in any order and any number (a symmetrized graph's rows are
        measured whole: the share of the k true nearest they list).
    k : int, optional
        The k of the recall@k: by default the ids' columns, or a sparse graph's widest row.
    metric : str
        A metric name as `kneighbors_graph` takes it (with ``p`` for minkowski).
    include_self : bool
        Whether each row counts the point itself among its k (scikit-learn's ``include_self``).
    sample : int, optional
        Rows to measure. By default 1000 (all rows if fewer), grown once if the 95% interval is
        wider than +-0.005.
    truth : int array (n_samples, K), optional
        Known true neighbour ids (K >= k, nearest first): every row is measured against them.
    seed : int
        Seed of the row sample.
    n_jobs : int, optional
        Threads (default: all cores).

    Returns
    -------
    Recall
        ``recall``, ``low``, ``high``, ``k``, ``rows`` and the three row counts.

    Raises
    ------
    ValueError
        For a graph or truth of another shape, an id out of range, ``k`` out of range, ``sample``
        with ``truth``, or points the metric cannot rank.
    """
    x = _engine.vectors(X, "X")
    n = x.shape[0]
    name = knng_metric(metric, p)
    if sample is not None and truth is not None:
        raise ValueError("sample and truth: give one (truth measures every row)")
    if sample is not None and int(sample) < 1:
        raise ValueError("sample must be at least 1 row, got %r" % (sample,))
    if sp.issparse(graph):
        g = sp.csr_matrix(graph)
        if g.shape != (n, n):
            raise ValueError("graph: a %d x %d matrix is not a graph of the %d points of X (it needs "
                             "%d x %d)" % (g.shape[0], g.shape[1], n, n, n))
        g.sum_duplicates()
        widths = np.diff(g.indptr)
        if k is None:
            k = int(widths.max()) if n else 0
            if k == 0:
                raise ValueError("graph: no entries; give k to measure it")
        ids, indptr = g.indices.astype(np.int32), g.indptr.astype(np.int64)
    else:
        ids = np.asarray(graph)
        if ids.ndim != 2 or ids.shape[0] != n:
            raise ValueError("graph: expected neighbour ids of shape (%d, k) for the %d points of X, "
                             "got shape %s" % (n, n, ids.shape))
        if ids.dtype.kind not in "iu":
            raise ValueError("graph: expected integer ids, got dtype %s" % ids.dtype)
        if k is None:
            k = ids.shape[1]
        if not 1 <= int(k) <= ids.shape[1]:
            raise ValueError("k=%r is out of range for a graph of %d columns" % (k, ids.shape[1]))
        if ids.size and (ids.min() < -1 or ids.max() >= n):
            bad = np.argwhere((ids[:, :int(k)] < -1) | (ids[:, :int(k)] >= n))
            if len(bad):
                r, c = bad[0]
                raise ValueError("graph row %d, column %d: id %d is out of range [0, %d) (-1 marks a "
                                 "missing entry)" % (r, c, ids[r, c], n))
        ids, indptr = np.ascontiguousarray(ids[:, :int(k)], dtype=np.int32), None
    if int(k) < 1:
        raise ValueError("k must be at least 1, got %r" % (k,))
    if truth is not None:
        truth = np.asarray(truth)
        if truth.ndim != 2 or truth.shape[0] != n or truth.dtype.kind not in "iu":
            raise ValueError("truth: expected integer ids of shape (%d, K), got %s of shape %s"
                             % (n, truth.dtype, truth.shape))
        if truth.shape[1] < int(k):
            raise ValueError("truth: %d columns, fewer than k=%d" % (truth.shape[1], int(k)))
        truth = np.ascontiguousarray(truth, dtype=np.int32)
    values = _engine.backend().recall(x, ids, indptr, int(k), name, bool(include_self),
                                      None if sample is None else int(sample), truth, int(seed),
                                      n_jobs)
    return Recall(*values)
