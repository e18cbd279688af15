"""scikit-learn's own tests of kneighbors_graph, radius_neighbors_graph and include_self, run against
knng: the test functions are imported from the installed scikit-learn and called with
`sklearn.neighbors.kneighbors_graph` / `radius_neighbors_graph` (and the KNeighborsTransformer of
its graph tests) replaced by knng's for the duration of each test."""

import pytest

sklearn_tests = pytest.importorskip("sklearn.neighbors.tests.test_neighbors")
graph_tests = pytest.importorskip("sklearn.neighbors.tests.test_graph")

import sklearn.neighbors  # noqa: E402

import knng  # noqa: E402
import knng.sklearn  # noqa: E402

# Each scikit-learn test that calls the graph functions, with its parameters.
CASES = [("test_kneighbors_graph", {}), ("test_radius_neighbors_graph", {}),
         ("test_include_self_neighbors_graph", {}), ("test_non_euclidean_kneighbors", {})]
CASES += [("test_kneighbors_graph_sparse", {"n_neighbors": n, "mode": m})
          for n in (1, 2, 3) for m in ("connectivity", "distance")]
CASES += [("test_radius_neighbors_graph_sparse", {"n_neighbors": n, "mode": m})
          for n in (1, 2, 3) for m in ("connectivity", "distance")]
CASES += [("test_radius_neighbors_sort_results", {"algorithm": a, "metric": m})
          for a, m in (("ball_tree", "euclidean"), ("kd_tree", "euclidean"), ("brute", "euclidean"),
                       ("brute", "precomputed"))]


@pytest.fixture
def knng_graphs(monkeypatch):
    monkeypatch.setattr(sklearn.neighbors, "kneighbors_graph", knng.kneighbors_graph)
    monkeypatch.setattr(sklearn.neighbors, "radius_neighbors_graph", knng.radius_neighbors_graph)


@pytest.mark.parametrize("name,kwargs", CASES, ids=["%s%s" % (n, list(k.values())) for n, k in CASES])
def test_scikit_learn_graph_test(knng_graphs, name, kwargs):
    getattr(sklearn_tests, name)(**kwargs)


def test_the_replacement_is_what_runs(knng_graphs, monkeypatch):
    calls = []
    real = knng.kneighbors_graph
    monkeypatch.setattr(sklearn.neighbors, "kneighbors_graph", lambda *a, **k: calls.append(1) or real(*a, **k))
    sklearn_tests.test_kneighbors_graph()
    assert len(calls) == 5


@pytest.fixture
def knng_transformers(monkeypatch):
    monkeypatch.setattr(graph_tests, "KNeighborsTransformer", knng.sklearn.KNeighborsTransformer)
    monkeypatch.setattr(graph_tests, "RadiusNeighborsTransformer", knng.sklearn.RadiusNeighborsTransformer)


@pytest.mark.parametrize("name", ["test_transformer_result", "test_explicit_diagonal"])
def test_scikit_learn_transformer_test(knng_transformers, name):
    getattr(graph_tests, name)()


@pytest.mark.parametrize("klass", ["KNeighborsTransformer", "RadiusNeighborsTransformer"])
def test_scikit_learn_feature_names_out(klass):
    graph_tests.test_graph_feature_names_out(getattr(knng.sklearn, klass))


def test_unsupported_metric():
    with pytest.raises(ValueError, match="hamming"):
        knng.kneighbors_graph([[0.0], [1.0], [3.0]], 1, metric="hamming")
