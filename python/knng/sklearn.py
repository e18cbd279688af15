"""Drop-in replacements for scikit-learn's neighbour graphs (requires scikit-learn).

    from knng.sklearn import (kneighbors_graph, radius_neighbors_graph, KNeighborsTransformer,
                              RadiusNeighborsTransformer)

The transformers follow ``sklearn.neighbors.KNeighborsTransformer`` and
``RadiusNeighborsTransformer``: put one in front of any estimator that takes a precomputed sparse
neighbours graph::

    make_pipeline(KNeighborsTransformer(n_neighbors=10, mode="distance"),
                  Isomap(n_neighbors=10, metric="precomputed"))

(likewise ``TSNE(metric="precomputed")``, ``SpectralClustering(affinity="precomputed_nearest_neighbors")``,
``DBSCAN(metric="precomputed")``).
"""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

try:  # scikit-learn >= 1.1
    from sklearn.base import ClassNamePrefixFeaturesOutMixin as _FeatureNames
except ImportError:  # pragma: no cover
    class _FeatureNames:
        pass

from . import _engine
from ._graphs import (check_count, check_mode, kneighbors_graph, knng_metric, neighbors_csr,
                      radius_csr, radius_neighbors_graph)

__all__ = ["KNeighborsTransformer", "RadiusNeighborsTransformer", "kneighbors_graph",
           "radius_neighbors_graph"]

_SKLEARN_ALGORITHMS = {"brute": "exact", "kd_tree": "kdtree", "ball_tree": "kdtree"}


class _FittedPoints(_FeatureNames, TransformerMixin, BaseEstimator):
    """What both transformers share: checking and keeping the fitted points, checking the points
    to transform, the engine's name, and scikit-learn's tags for a graph."""

    def _keep(self, X):
        check_mode(self.mode)
        self.effective_metric_ = knng_metric(self.metric, self.p, self.metric_params)
        if self.effective_metric_ == "inner-product":
            # -x.y is no distance: a point is not nearest itself, and the estimators that take a
            # precomputed graph refuse negative values.
            raise ValueError("metric=%r: the transformers give distances >= 0 (a point is its own "
                             "nearest, at 0), and the inner product is neither; use metric='cosine',"
                             " or kneighbors_graph for a graph of inner products" % (self.metric,))
        X = self._validate_data(X, accept_sparse=("csr", "csc", "coo"), dtype=(np.float64, np.float32))
        self._fit_X = _engine.vectors(X)
        self.n_samples_fit_ = self._fit_X.shape[0]
        return self

    def _queries(self, X):
        check_is_fitted(self)
        X = self._validate_data(X, accept_sparse=("csr", "csc", "coo"), dtype=(np.float64, np.float32),
                                reset=False)
        return _engine.vectors(X)

    def _engine_name(self):
        return _SKLEARN_ALGORITHMS.get(self.algorithm, self.algorithm)

    @property
    def _n_features_out(self):
        return self.n_samples_fit_

    def _more_tags(self):
        return {"_xfail_checks": {
            "check_methods_sample_order_invariance": "a graph's columns follow the fitted rows' order"}}


class KNeighborsTransformer(_FittedPoints):
    """X -> its k-nearest-neighbour graph, as ``sklearn.neighbors.KNeighborsTransformer``.

    ``fit(X)`` keeps the points; ``transform(Y)`` gives each row of Y its nearest fitted points
    (a sparse (n_queries, n_samples_fit) CSR matrix, each row nearest first). As in scikit-learn,
    ``mode='distance'`` finds ``n_neighbors + 1`` neighbours, because each fitted point counts as
    its own neighbour: ``fit_transform(X)`` stores every point's distance 0 to itself first (knng
    excludes nothing by distance, so a duplicate point is a separate neighbour).

    Parameters
    ----------
    mode : {'distance', 'connectivity'}, default='distance'
    n_neighbors : int, default=5
    algorithm : {'auto', 'exact', 'kdtree', 'nndescent', 'lsh'}, default='auto'
        knng's engine ('auto': a kd-tree up to 8 dimensions, exact up to 150,000 points at k = 10 (more for a larger k), else
        NN-Descent at a target recall of 0.99). scikit-learn's names 'brute', 'kd_tree' and
        'ball_tree' are accepted as 'exact', 'kdtree' and 'kdtree'.
    metric : str, default='minkowski'
        'minkowski' (p=1, 2 or inf), 'euclidean', 'l2', 'manhattan', 'cityblock', 'l1', 'chebyshev',
        'sqeuclidean', 'cosine'.
    p : int, default=2
    metric_params : dict, default=None
    n_jobs : int, default=None
        Threads; None means all cores (the graph does not depend on it).
    target_recall : float, default=None
        Approximate engines: raise the effort until the estimated recall@k reaches it.
    seed : int, default=0
        Seed of the approximate engines.

    Attributes
    ----------
    n_samples_fit_, n_features_in_, effective_metric_ (knng's name for the metric); after
    ``fit_transform``: engine_ (the engine that built the graph) and recall_ (its estimated
    recall@k when the engine is approximate, else None). ``transform`` of new points is always
    exact (the kd-tree or the exact engine).
    """

    def __init__(self, *, mode="distance", n_neighbors=5, algorithm="auto", metric="minkowski",
                 p=2, metric_params=None, n_jobs=None, target_recall=None, seed=0):
        self.mode = mode
        self.n_neighbors = n_neighbors
        self.algorithm = algorithm
        self.metric = metric
        self.p = p
        self.metric_params = metric_params
        self.n_jobs = n_jobs
        self.target_recall = target_recall
        self.seed = seed

    def fit(self, X, y=None):
        """Keep the points X (n_samples, n_features); y is ignored."""
        check_count(self.n_neighbors, "n_neighbors")
        if self.n_neighbors < 1:
            raise ValueError("Expected n_neighbors > 0. Got %d" % self.n_neighbors)
        return self._keep(X)

    def transform(self, X):
        """Each row of X's nearest fitted points: (n_queries, n_samples_fit) CSR, nearest first."""
        queries = self._queries(X)
        k = self.n_neighbors + (self.mode == "distance")
        result = _engine.backend().search(self._fit_X, queries, k, self.effective_metric_,
                                          self._engine_name(), _engine.threads(self.n_jobs))
        return neighbors_csr(result, self.n_samples_fit_, self.mode)

    def fit_transform(self, X, y=None):
        """The graph of X itself: each point first (distance 0), then its nearest other points.

        Computed as one self-join (about half the work of ``fit(X).transform(X)``); the same graph,
        except that with duplicates a point's own entry comes before its copies."""
        self.fit(X)
        k = self.n_neighbors + (self.mode == "distance")
        result = _engine.backend().graph(self._fit_X, k, self.effective_metric_, True,
                                         self._engine_name(), self.target_recall, self.seed,
                                         _engine.threads(self.n_jobs), None)
        self.engine_, self.recall_ = result.engine, result.recall
        return neighbors_csr(result, self.n_samples_fit_, self.mode)


class RadiusNeighborsTransformer(_FittedPoints):
    """X -> its radius neighbours graph, as ``sklearn.neighbors.RadiusNeighborsTransformer``.

    ``fit(X)`` keeps the points; ``transform(Y)`` gives each row of Y every fitted point at
    distance <= ``radius`` (a sparse (n_queries, n_samples_fit) CSR matrix, each row sorted by
    distance, ties by the smaller index); ``fit_transform(X)`` includes each point itself at
    distance 0. Memory follows the output: choose a radius that keeps rows short.

    Parameters
    ----------
    mode : {'distance', 'connectivity'}, default='distance'
    radius : float, default=1.0
    algorithm : {'auto', 'exact', 'kdtree'}, default='auto'
        scikit-learn's 'brute', 'kd_tree' and 'ball_tree' are accepted as 'exact', 'kdtree' and
        'kdtree'; the approximate engines search radius graphs exactly.
    metric, p, metric_params, n_jobs : as :class:`KNeighborsTransformer`.
    """

    def __init__(self, *, mode="distance", radius=1.0, algorithm="auto", metric="minkowski", p=2,
                 metric_params=None, n_jobs=None):
        self.mode = mode
        self.radius = radius
        self.algorithm = algorithm
        self.metric = metric
        self.p = p
        self.metric_params = metric_params
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        """Keep the points X (n_samples, n_features); y is ignored."""
        if not _engine.number(self.radius, "radius") >= 0:
            raise ValueError("radius=%r: expected a radius >= 0" % (self.radius,))
        return self._keep(X)

    def transform(self, X):
        """Each row of X's fitted points within the radius: (n_queries, n_samples_fit) CSR."""
        queries = self._queries(X)
        if float(self.radius) == float("inf"):  # every fitted point: a search for all of them
            result = _engine.backend().search(self._fit_X, queries, self.n_samples_fit_,
                                              self.effective_metric_, self._engine_name(),
                                              _engine.threads(self.n_jobs))
            return radius_csr(_every_pair(result), self.n_samples_fit_, self.mode, by_distance=True)
        graph = _engine.backend().radius_search(self._fit_X, queries, float(self.radius),
                                                self.effective_metric_, self._engine_name(),
                                                _engine.threads(self.n_jobs))
        return radius_csr(graph, self.n_samples_fit_, self.mode, by_distance=True)

    def fit_transform(self, X, y=None):
        """The radius graph of X itself, each point included at distance 0 (one self-join)."""
        self.fit(X)
        if float(self.radius) == float("inf"):  # every pair: the k-NN graph with k = N
            result = _engine.backend().graph(self._fit_X, self.n_samples_fit_, self.effective_metric_,
                                             True, self._engine_name(), None, 0,
                                             _engine.threads(self.n_jobs), None)
            return radius_csr(_every_pair(result), self.n_samples_fit_, self.mode, by_distance=True)
        graph = _engine.backend().radius(self._fit_X, float(self.radius), self.effective_metric_, True,
                                         self._engine_name(), _engine.threads(self.n_jobs))
        return radius_csr(graph, self.n_samples_fit_, self.mode, by_distance=True)


def _every_pair(result):
    """A k-NN result with k = every point, as the radius graph of an infinite radius."""
    rows, k = result.ids.shape
    return _engine.RadiusGraph(np.arange(0, rows * k + 1, k, dtype=np.int64), result.ids.reshape(-1),
                               result.distances.reshape(-1))
