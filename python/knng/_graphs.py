"""scikit-learn's graph functions, `kneighbors_graph` and `radius_neighbors_graph`, on knng's engines.

Same signatures and semantics as `sklearn.neighbors` (mode, include_self, metric names as
scikit-learn spells them), returning scipy CSR matrices; knng's own choices (the engine, a target
recall, the seed) come as extra keyword arguments.
"""

import numpy as np
import scipy.sparse as sp

from . import _engine

# scikit-learn's metric names and the knng metric each one is.
_METRICS = {
    "euclidean": "euclidean", "l2": "euclidean",
    "sqeuclidean": "sqeuclidean",
    "manhattan": "manhattan", "cityblock": "manhattan", "l1": "manhattan",
    "chebyshev": "chebyshev", "infinity": "chebyshev",
    "cosine": "cosine",
    "inner-product": "inner-product",
}
_MODES = ("connectivity", "distance")


def knng_metric(metric="minkowski", p=2, metric_params=None):
    """The knng metric for scikit-learn's (metric, p, metric_params): minkowski with p=2 is
    euclidean, p=1 manhattan and p=inf chebyshev, as in scikit-learn.

    Raises ValueError for a metric knng does not have (callables, chebyshev, other p, ...)."""
    if metric_params:
        params = dict(metric_params)
        if "p" in params and metric in ("minkowski", "l2", "euclidean", "l1", "manhattan", "cityblock"):
            p = params.pop("p")
        if params:
            raise ValueError("metric_params %r: knng's metrics take no parameters" % sorted(params))
    if callable(metric):
        raise ValueError("metric: knng takes a metric name (%s), not a callable"
                         % ", ".join(sorted(set(_METRICS) | {"minkowski"})))
    if not isinstance(metric, str):
        raise ValueError("metric=%r: expected a metric name" % (metric,))
    name = metric.lower()
    if name == "minkowski":
        if p == 2:
            return "euclidean"
        if p == 1:
            return "manhattan"
        if p == float("inf"):
            return "chebyshev"
        raise ValueError("metric='minkowski' with p=%r: knng has p=1 (manhattan), p=2 (euclidean) and "
                         "p=inf (chebyshev)" % (p,))
    if name in _METRICS:
        return _METRICS[name]
    raise ValueError("metric=%r is not one of knng's metrics: %s"
                     % (metric, ", ".join(sorted(set(_METRICS) | {"minkowski"}))))


def check_mode(mode):
    if mode not in _MODES:
        raise ValueError('Unsupported mode, must be one of "connectivity", or "distance" but got "%s" instead'
                         % (mode,))


def include_self_for(include_self, mode):
    """scikit-learn's ``include_self``: True or False, or 'auto' (True in connectivity mode, False
    in distance mode)."""
    if isinstance(include_self, str):
        if include_self != "auto":
            raise ValueError("include_self=%r: expected True, False or 'auto'" % (include_self,))
        return mode == "connectivity"
    if not isinstance(include_self, (bool, np.bool_, int, np.integer)):
        raise TypeError("include_self=%r: expected True, False or 'auto'" % (include_self,))
    return bool(include_self)


def check_count(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError("%s does not take %s value, enter integer value" % (name, type(value)))
    return int(value)


def fitted_data(X, metric, p, metric_params):
    """X itself, or the data of a fitted scikit-learn neighbours estimator passed in its place (as
    scikit-learn's graph functions accept); then the metric given must be the estimator's."""
    if hasattr(X, "_fit_X") and hasattr(X, "effective_metric_"):
        theirs = (getattr(X, "metric", "minkowski"), getattr(X, "p", 2), getattr(X, "metric_params", None))
        if (metric, p, metric_params) != theirs:
            raise ValueError("Got %s for %s, while the estimator has %s for the same parameter."
                             % ((metric, p, metric_params), ("metric", "p", "metric_params"), theirs))
        return X._fit_X
    return X


def neighbors_csr(neighbors, columns, mode):
    """A CSR matrix from k-NN rows, in the order scikit-learn writes them: each row's neighbours
    nearest first (sorted by distance, ties by index), padding (-1) dropped, explicit zeros kept."""
    ids, distances = neighbors.ids, neighbors.distances
    rows, k = ids.shape
    if (ids >= 0).all():
        indptr = np.arange(0, rows * k + 1, k, dtype=np.int64)
        indices = ids.reshape(-1)
        data = distances.reshape(-1)
    else:
        keep = ids >= 0
        indptr = np.zeros(rows + 1, dtype=np.int64)
        np.cumsum(keep.sum(axis=1), out=indptr[1:])
        indices = ids[keep]
        data = distances[keep]
    data = data.astype(np.float64) if mode == "distance" else np.ones(len(indices), dtype=np.float64)
    return sp.csr_matrix((data, indices, indptr), shape=(rows, columns))


def radius_csr(graph, columns, mode, by_distance=False):
    """A CSR matrix from a radius graph (rows with their columns in increasing order, or nearest
    first with ``by_distance``, ties by the smaller index, as scikit-learn's ``sort_results``)."""
    rows = len(graph.indptr) - 1
    indices, distances = graph.indices, graph.distances
    if by_distance and len(indices):
        row_of = np.repeat(np.arange(rows), np.diff(graph.indptr))
        order = np.lexsort((indices, distances, row_of))
        indices, distances = indices[order], distances[order]
    data = distances.astype(np.float64) if mode == "distance" else np.ones(len(indices), dtype=np.float64)
    return sp.csr_matrix((data, indices, graph.indptr), shape=(rows, columns))


def kneighbors_graph(X, n_neighbors, *, mode="connectivity", metric="minkowski", p=2,
                     metric_params=None, include_self=False, n_jobs=None,
                     algorithm="auto", target_recall=None, seed=0):
    """The k-nearest-neighbour graph of X, as ``sklearn.neighbors.kneighbors_graph``.

    Parameters are scikit-learn's: ``X`` (n_samples, n_features) array-like, scipy sparse matrix
    or fitted ``NearestNeighbors``; ``n_neighbors``; ``mode`` ('connectivity': 1 per edge,
    'distance': the distance); ``metric`` ('minkowski' with ``p`` 1, 2 or inf, 'euclidean', 'l2',
    'manhattan', 'cityblock', 'l1', 'chebyshev', 'infinity', 'sqeuclidean', 'cosine');
    ``include_self`` (a point is its own
    first neighbour, at distance 0; 'auto': in connectivity mode only); ``n_jobs`` (threads; None uses all cores - the graph does not
    depend on it). knng's own: ``algorithm`` ('auto', 'exact', 'kdtree', 'nndescent', 'lsh'),
    ``target_recall`` (approximate engines: raise the effort until the estimated recall reaches
    it) and ``seed`` (approximate engines).

    Returns a (n_samples, n_samples) ``scipy.sparse.csr_matrix`` of float64, each row's neighbours
    stored nearest first (ties by the smaller index). Unlike ``k+1``-and-drop-the-first recipes,
    a point is excluded by index, so its duplicates are found at distance 0 (explicit zeros).
    """
    check_mode(mode)
    n_neighbors = check_count(n_neighbors, "n_neighbors")
    include_self = include_self_for(include_self, mode)
    knng = knng_metric(metric, p, metric_params)
    x = _engine.vectors(fitted_data(X, metric, p, metric_params))
    result = _engine.backend().graph(x, n_neighbors, knng, include_self, algorithm, target_recall,
                                     seed, _engine.threads(n_jobs), None)
    return neighbors_csr(result, x.shape[0], mode)


def radius_neighbors_graph(X, radius, *, mode="connectivity", metric="minkowski", p=2,
                           metric_params=None, include_self=False, n_jobs=None, algorithm="auto"):
    """The radius graph of X, as ``sklearn.neighbors.radius_neighbors_graph``: an edge from each
    point to every other point at distance <= ``radius`` (and to itself with ``include_self``);
    ``radius`` 0 gives the exact duplicates, ``inf`` every pair.

    Parameters as in :func:`kneighbors_graph`; ``algorithm`` is 'auto', 'exact' or 'kdtree'
    (radius graphs are exact: 'nndescent' and 'lsh' search with the exact engine).
    Returns a (n_samples, n_samples) ``scipy.sparse.csr_matrix`` of float64 with each row's
    columns in increasing order.
    """
    check_mode(mode)
    include_self = include_self_for(include_self, mode)
    knng = knng_metric(metric, p, metric_params)
    x = _engine.vectors(fitted_data(X, metric, p, metric_params))
    radius = _engine.number(radius, "radius")
    n = x.shape[0]
    if radius == float("inf"):
        # Every pair: the radius graph's engine wants a finite radius, the k-NN engine gives all.
        k = n if include_self else n - 1
        if k == 0:
            return sp.csr_matrix((n, n), dtype=np.float64)
        result = _engine.backend().graph(x, k, knng, include_self, algorithm, None, 0,
                                         _engine.threads(n_jobs), None)
        graph = neighbors_csr(result, n, mode)
        graph.sort_indices()
        return graph
    g = _engine.backend().radius(x, radius, knng, include_self, algorithm, _engine.threads(n_jobs))
    return radius_csr(g, n, mode)
