"""knng's KNeighborsTransformer and graph functions in the places scikit-learn users put them:
scikit-learn's estimator checks, pipelines into Isomap / TSNE / SpectralClustering / DBSCAN (the same
result as with scikit-learn's own neighbours, on real data shipped with scikit-learn), and graphs
equal to scikit-learn's for every metric and mode."""

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.cluster import DBSCAN, SpectralClustering  # noqa: E402
from sklearn.datasets import load_breast_cancer, load_diabetes  # noqa: E402
from sklearn.manifold import TSNE, Isomap  # noqa: E402
from sklearn.metrics import adjusted_rand_score  # noqa: E402
from sklearn.neighbors import KNeighborsTransformer as SkTransformer  # noqa: E402
from sklearn.neighbors import RadiusNeighborsTransformer as SkRadiusTransformer  # noqa: E402
from sklearn.neighbors import kneighbors_graph as sk_kneighbors_graph  # noqa: E402
from sklearn.neighbors import radius_neighbors_graph as sk_radius_neighbors_graph  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import check_estimator  # noqa: E402

import knng  # noqa: E402
from knng.sklearn import KNeighborsTransformer, RadiusNeighborsTransformer  # noqa: E402


def cancer():
    """569 tumours x 30 real-valued measurements, standardised, rounded to float32 (what knng
    computes on), so that scikit-learn sees the same values."""
    return StandardScaler().fit_transform(load_breast_cancer().data).astype(np.float32).astype(np.float64)


def same_sets(a, b):
    """Rows of two sparse graphs hold the same columns with the same values."""
    a, b = a.tocsr().copy(), b.tocsr().copy()
    assert a.shape == b.shape
    assert a.nnz == b.nnz
    a.sort_indices()
    b.sort_indices()
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_allclose(a.data, b.data, rtol=1e-5, atol=1e-6)


def test_check_estimator():
    check_estimator(KNeighborsTransformer())
    check_estimator(KNeighborsTransformer(mode="connectivity", n_neighbors=3, metric="manhattan"))
    check_estimator(RadiusNeighborsTransformer())
    check_estimator(RadiusNeighborsTransformer(mode="connectivity", radius=2.5, metric="chebyshev"))


@pytest.mark.parametrize("metric", ["euclidean", "minkowski", "manhattan", "cityblock", "l1", "l2",
                                    "sqeuclidean", "cosine", "chebyshev", "infinity"])
@pytest.mark.parametrize("mode", ["connectivity", "distance"])
@pytest.mark.parametrize("include_self", [False, True])
def test_kneighbors_graph_equals_scikit_learn(metric, mode, include_self):
    x = cancer()
    ours = knng.kneighbors_graph(x, 7, mode=mode, metric=metric, include_self=include_self)
    theirs = sk_kneighbors_graph(x, 7, mode=mode, metric=metric, include_self=include_self)
    same_sets(ours, theirs)
    # Rows nearest first, as scikit-learn stores them.
    data = ours.data.reshape(len(x), 7)
    assert (np.diff(data, axis=1) >= 0).all() or mode == "connectivity"


def test_graphs_of_data_the_engine_reorders_equal_scikit_learns():
    # 17,000 points near a 3-d subspace of 48: the exact engine screens the pairs on a projection
    # and, while it joins them, moves its own copy of the points into the projection's order.
    rng = np.random.default_rng(7)
    x = (rng.standard_normal((17000, 3)) @ rng.standard_normal((3, 48)) * 3
         + 0.05 * rng.standard_normal((17000, 48))).astype(np.float32)
    before = x.copy()
    ours = knng.kneighbors_graph(x, 50, mode="distance")
    same_sets(ours, sk_kneighbors_graph(x.astype(np.float64), 50, mode="distance"))
    radius = float(np.median(ours.data.reshape(len(x), 50)[:, 9]))
    ours = knng.radius_neighbors_graph(x, radius, mode="distance")
    assert ours.nnz > 5 * len(x)
    same_sets(ours, sk_radius_neighbors_graph(x.astype(np.float64), radius, mode="distance"))
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "cosine", "chebyshev"])
def test_radius_neighbors_graph_equals_scikit_learn(metric):
    x = load_diabetes().data.astype(np.float32).astype(np.float64)
    radius = {"euclidean": 0.08, "manhattan": 0.25, "cosine": 0.4, "chebyshev": 0.06}[metric]
    for include_self in (False, True):
        ours = knng.radius_neighbors_graph(x, radius, mode="distance", metric=metric, include_self=include_self)
        theirs = sk_radius_neighbors_graph(x, radius, mode="distance", metric=metric, include_self=include_self)
        assert ours.nnz > 2 * len(x)
        same_sets(ours, theirs)


def test_transform_new_points_equals_scikit_learn():
    x = cancer()
    fit, queries = x[:400], x[400:]
    for mode in ("distance", "connectivity"):
        ours = KNeighborsTransformer(n_neighbors=6, mode=mode).fit(fit).transform(queries)
        theirs = SkTransformer(n_neighbors=6, mode=mode).fit(fit).transform(queries)
        assert ours.shape == (len(queries), len(fit))
        same_sets(ours, theirs)


@pytest.mark.parametrize("mode", ["connectivity", "distance"])
def test_include_self_auto_is_scikit_learns(mode):
    """'auto': the point itself in connectivity mode only."""
    x = cancer()[:120]
    same_sets(knng.kneighbors_graph(x, 4, mode=mode, include_self="auto"),
              sk_kneighbors_graph(x, 4, mode=mode, include_self="auto"))
    same_sets(knng.radius_neighbors_graph(x, 3.0, mode=mode, include_self="auto"),
              sk_radius_neighbors_graph(x, 3.0, mode=mode, include_self="auto"))
    with pytest.raises(ValueError, match="include_self"):
        knng.kneighbors_graph(x, 4, mode=mode, include_self="False")


def test_radius_zero_and_infinity_are_scikit_learns():
    """Radius 0: the exact duplicates; infinity: every pair (the functions and the transformer)."""
    x = np.array([[0.0, 1.0], [1.0, 1.0], [0.0, 1.0], [3.0, 0.5], [1.0, 1.0], [0.0, 1.0]])
    for radius in (0.0, np.inf):
        for mode in ("connectivity", "distance"):
            same_sets(knng.radius_neighbors_graph(x, radius, mode=mode),
                      sk_radius_neighbors_graph(x, radius, mode=mode))
            ours = RadiusNeighborsTransformer(radius=radius, mode=mode)
            theirs = SkRadiusTransformer(radius=radius, mode=mode)
            same_sets(ours.fit_transform(x), theirs.fit_transform(x))
            same_sets(ours.fit(x).transform(x[:3] + 0.5), theirs.fit(x).transform(x[:3] + 0.5))
    assert knng.radius_neighbors_graph(x, 0.0).nnz == 8  # three copies of one point, two of another
    with pytest.raises(ValueError, match="radius"):
        knng.radius_neighbors_graph(x, -1.0)


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "cosine", "chebyshev"])
def test_radius_transformer_equals_scikit_learn(metric):
    x = cancer()
    fit, queries = x[:400], x[400:]
    radius = {"euclidean": 3.0, "manhattan": 10.0, "cosine": 0.2, "chebyshev": 1.5}[metric]
    for mode in ("distance", "connectivity"):
        ours = RadiusNeighborsTransformer(radius=radius, mode=mode, metric=metric)
        theirs = SkRadiusTransformer(radius=radius, mode=mode, metric=metric)
        new_ours, new_theirs = ours.fit(fit).transform(queries), theirs.fit(fit).transform(queries)
        assert new_ours.shape == (len(queries), len(fit)) and new_ours.nnz > 3 * len(queries)
        same_sets(new_ours, new_theirs)
        same_sets(ours.fit_transform(x), theirs.fit_transform(x))
        if mode == "distance":  # rows sorted by distance, as scikit-learn's sort_results
            for row in range(len(queries)):
                d = new_ours.data[new_ours.indptr[row]:new_ours.indptr[row + 1]]
                assert (np.diff(d) >= 0).all()


def test_dbscan_on_the_radius_transformer_gives_scikit_learns_labels():
    x = cancer()
    def labels(transformer):
        return make_pipeline(transformer, DBSCAN(eps=3.0, min_samples=5, metric="precomputed")).fit_predict(x)
    ours = labels(RadiusNeighborsTransformer(radius=3.0, mode="distance"))
    theirs = labels(SkRadiusTransformer(radius=3.0, mode="distance"))
    assert len(set(theirs)) > 1
    np.testing.assert_array_equal(ours, theirs)


def test_fit_transform_equals_scikit_learn():
    x = cancer()
    for mode in ("distance", "connectivity"):
        ours = KNeighborsTransformer(n_neighbors=9, mode=mode).fit_transform(x)
        theirs = SkTransformer(n_neighbors=9, mode=mode).fit_transform(x)
        same_sets(ours, theirs)


def test_isomap_pipeline_gives_scikit_learns_embedding():
    x = cancer()
    def embed(transformer):
        return make_pipeline(transformer, Isomap(n_neighbors=10, n_components=2, metric="precomputed",
                                                  eigen_solver="dense")).fit_transform(x)
    ours = embed(KNeighborsTransformer(n_neighbors=10, mode="distance"))
    theirs = embed(SkTransformer(n_neighbors=10, mode="distance"))
    # The same embedding, up to the sign of each component.
    signs = np.sign((ours * theirs).sum(axis=0))
    np.testing.assert_allclose(ours * signs, theirs, rtol=1e-4, atol=1e-4 * np.abs(theirs).max())


def test_tsne_pipeline_matches_scikit_learns():
    # t-SNE's optimisation is chaotic: rounding scikit-learn's own distances to float32 (knng's
    # precision) moves its embedding as much as any other change, so the checks are the graph it
    # is fed and the quality it reaches (final KL divergence, trustworthiness).
    from sklearn.manifold import trustworthiness
    x = cancer()[:200]
    def embed(transformer):
        tsne = TSNE(metric="precomputed", perplexity=10, init="random", random_state=0, n_iter=250,
                    learning_rate=200.0, square_distances=True)
        graph = transformer.fit_transform(x)
        return graph, tsne.fit_transform(graph.copy()), tsne.kl_divergence_
    graph, ours, kl = embed(KNeighborsTransformer(n_neighbors=31, mode="distance", metric="sqeuclidean"))
    sk_graph, theirs, sk_kl = embed(SkTransformer(n_neighbors=31, mode="distance", metric="sqeuclidean"))
    same_sets(graph, sk_graph)
    assert abs(kl - sk_kl) <= 0.03 * sk_kl
    assert abs(trustworthiness(x, ours, n_neighbors=10) - trustworthiness(x, theirs, n_neighbors=10)) < 0.01


def test_spectral_clustering_gives_scikit_learns_labels():
    x = cancer()
    def labels(transformer):
        model = SpectralClustering(n_clusters=3, affinity="precomputed_nearest_neighbors", n_neighbors=10,
                                   random_state=0, assign_labels="discretize")
        return make_pipeline(transformer, model).fit_predict(x)
    ours = labels(KNeighborsTransformer(n_neighbors=10, mode="distance"))
    theirs = labels(SkTransformer(n_neighbors=10, mode="distance"))
    assert len(set(theirs)) == 3
    assert adjusted_rand_score(ours, theirs) == 1.0


def test_dbscan_gives_scikit_learns_labels():
    x = cancer()
    def labels(transformer):
        return make_pipeline(transformer, DBSCAN(eps=3.0, min_samples=5, metric="precomputed")).fit_predict(x)
    ours = labels(KNeighborsTransformer(n_neighbors=20, mode="distance"))
    theirs = labels(SkTransformer(n_neighbors=20, mode="distance"))
    assert len(set(theirs)) > 1
    np.testing.assert_array_equal(ours, theirs)


def test_approximate_engine_reports_recall():
    # NN-Descent solves inputs below 20,000 points exactly; this one is searched.
    rng = np.random.RandomState(3)
    x = rng.randn(25000, 8).astype(np.float32)
    t = KNeighborsTransformer(n_neighbors=10, algorithm="nndescent", target_recall=0.95)
    graph = t.fit_transform(x)
    assert t.engine_ == "nndescent"
    assert t.recall_ is not None and t.recall_ >= 0.95
    exact = SkTransformer(n_neighbors=10, algorithm="kd_tree").fit_transform(x)
    found = sum(len(set(graph[i].indices) & set(exact[i].indices)) for i in range(len(x)))
    assert found / exact.nnz >= 0.95
