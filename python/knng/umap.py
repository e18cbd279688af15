"""k-NN for UMAP: ``UMAP(precomputed_knn=precomputed_knn(X, n_neighbors))``.

UMAP's own neighbour search is approximate (PyNNDescent) from 4,096 points on and reports no
recall; this hands it knng's graph (exact, or approximate with a measured recall) in the layout
of ``umap.umap_.nearest_neighbors``: each row the point itself first (distance 0), then its
``n_neighbors - 1`` nearest others.
"""

import numpy as np

from . import _engine
from ._graphs import knng_metric

__all__ = ["nearest_neighbors", "precomputed_knn"]


def nearest_neighbors(X, n_neighbors=15, metric="euclidean", *, algorithm="auto", target_recall=None,
                      seed=0, n_jobs=None):
    """``(knn_indices, knn_dists)``: (n_samples, n_neighbors) int64 ids and float32 distances,
    each row the point itself first, as UMAP lays them out."""
    x = _engine.vectors(X)
    result = _engine.backend().graph(x, int(n_neighbors), knng_metric(metric), True, algorithm,
                                     target_recall, seed, _engine.threads(n_jobs), None)
    return result.ids.astype(np.int64), result.distances


def precomputed_knn(X, n_neighbors=15, metric="euclidean", *, algorithm="auto", target_recall=None,
                    seed=0, n_jobs=None, search_index="auto"):
    """The tuple UMAP's ``precomputed_knn`` takes: ``(knn_indices, knn_dists, knn_search_index)``.

    ``search_index``: the third element. umap-learn >= 0.5.4 accepts None (then ``UMAP.transform``
    of new points is unavailable); 0.5.3 (Debian 12) insists on a ``pynndescent.NNDescent``, so
    'auto' gives None on the former and, on the latter, an NNDescent index seeded with knng's graph
    (no search of its own). True always builds that index, False always gives None.

    UMAP ignores a precomputed graph of fewer than 4,096 points unless
    ``force_approximation_algorithm=True``.
    """
    if search_index == "auto":
        search_index = _umap_needs_index()
    if search_index and knng_metric(metric) == "inner-product":  # refused before the work
        # pynndescent's 'dot' normalises the vectors: cosine, not -x.y.
        raise ValueError("metric=%r: pynndescent has no unnormalised inner product for the search "
                         "index UMAP wants here; use search_index=False (umap-learn >= 0.5.4), or "
                         "metric='cosine'" % (metric,))
    indices, dists = nearest_neighbors(X, n_neighbors, metric, algorithm=algorithm,
                                       target_recall=target_recall, seed=seed, n_jobs=n_jobs)
    index = _seeded_index(X, indices, dists, metric, seed) if search_index else None
    return indices, dists, index


def _umap_needs_index():
    try:
        import umap
    except ImportError:
        return False
    try:
        version = tuple(int(part) for part in umap.__version__.split(".")[:3])
    except ValueError:
        return False
    return version < (0, 5, 4)


def _seeded_index(X, indices, dists, metric, seed):
    from pynndescent import NNDescent
    data = np.asarray(_engine.vectors(X))
    name = knng_metric(metric)  # knng's names are pynndescent's, inner-product aside (refused above)
    return NNDescent(data, metric=name, n_neighbors=indices.shape[1], init_graph=indices.astype(np.int32),
                     init_dist=dists, tree_init=False, n_iters=0, random_state=seed)
