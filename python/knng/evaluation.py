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
    if sample is not None:
        sample = _engine.integer(sample, "sample")
        if not 1 <= sample < 2**31:
            raise ValueError("sample must be at least 1 row (and below 2^31), got %d" % sample)
    seed = _engine.seed64(seed)
    threads = _engine.threads(n_jobs)
    if k is not None:
        k = _engine.integer(k, "k")
        if k < 1:
            raise ValueError("k must be at least 1, got %d" % k)
    if sp.issparse(graph):
        g = sp.csr_matrix(graph, copy=True)  # sum_duplicates works in place: the caller's stays
        if g.shape != (n, n):
            raise ValueError("graph: a %d x %d matrix is not a graph of the %d points of X (it needs "
                             "%d x %d)" % (g.shape[0], g.shape[1], n, n, n))
        g.sum_duplicates()
        _in_range(g.indices, n, "graph", lambda e: (int(np.searchsorted(g.indptr, e, "right") - 1), None))
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
        if k > ids.shape[1]:
            raise ValueError("k=%d is out of range for a graph of %d columns" % (k, ids.shape[1]))
        ids = ids[:, :k]
        _in_range(ids, n, "graph", None, missing=True)
        ids, indptr = np.ascontiguousarray(ids, dtype=np.int32), None
    if truth is not None:
        truth = np.asarray(truth)
        if truth.ndim != 2 or truth.shape[0] != n or truth.dtype.kind not in "iu":
            raise ValueError("truth: expected integer ids of shape (%d, K), got %s of shape %s"
                             % (n, truth.dtype, truth.shape))
        if truth.shape[1] < k:
            raise ValueError("truth: %d columns, fewer than k=%d" % (truth.shape[1], k))
        _in_range(truth, n, "truth", None, missing=True)  # -1 is refused with its reason below
        truth = np.ascontiguousarray(truth, dtype=np.int32)
    values = _engine.backend().recall(x, ids, indptr, k, name, bool(include_self), sample, truth,
                                      seed, threads)
    return Recall(*values)


def _in_range(ids, n, what, row_of, missing=False):
    """Refuses an id outside [0, n) (-1 allowed where ``missing``), naming its row and column:
    ``row_of(flat position)`` gives them for a sparse graph, else the array is N x c."""
    low = -1 if missing else 0
    bad = np.flatnonzero((ids.ravel() < low) | (ids.ravel() >= n))
    if not len(bad):
        return
    e = int(bad[0])
    value = int(ids.ravel()[e])
    if row_of is None:
        row, column = divmod(e, ids.shape[1])
        raise ValueError("%s row %d, column %d: id %d is out of range [0, %d)%s"
                         % (what, row, column, value, n,
                            " (-1 marks a missing entry)" if what == "graph" else ""))
    row, _ = row_of(e)
    raise ValueError("%s row %d: column %d is out of range [0, %d)" % (what, row, value, n))
