"""PyTorch Geometric's knn_graph / radius_graph conventions, and UMAP fed by precomputed_knn."""

import numpy as np
import pytest

import knng


def reference_knn(x, k, batch, loop):
    """Each point's k nearest of its own group by brute force: (distance, index) order."""
    centres, neighbours = [], []
    for i in range(len(x)):
        members = np.flatnonzero(batch == batch[i])
        if not loop:
            members = members[members != i]
        d = np.sqrt(((x[members].astype(np.float64) - x[i]) ** 2).sum(axis=1))
        order = np.lexsort((members, d))[:k]
        neighbours += list(members[order])
        centres += [i] * len(order)
    return np.array([neighbours, centres])


@pytest.mark.parametrize("loop", [False, True])
def test_knn_graph_with_unsorted_batch(loop):
    rng = np.random.RandomState(7)
    x = rng.rand(300, 3).astype(np.float32)
    x[50] = x[10]  # duplicates: found at distance 0, never confused with the point itself
    x[51] = x[10]
    batch = rng.randint(0, 6, size=300)
    batch[rng.choice(300, 3, replace=False)] = 9  # a group smaller than k
    edge_index = knng.knn_graph(x, 8, batch=batch, loop=loop)
    expected = reference_knn(x, 8, batch, loop)
    np.testing.assert_array_equal(np.asarray(edge_index), expected)
    if not loop:
        assert (np.asarray(edge_index)[0] != np.asarray(edge_index)[1]).all()


def test_knn_graph_returns_a_long_tensor_on_the_inputs_device():
    torch = pytest.importorskip("torch")
    x = torch.rand(100, 3)
    edge_index = knng.knn_graph(x, 4, flow="target_to_source")
    assert isinstance(edge_index, torch.Tensor) and edge_index.dtype == torch.long
    assert edge_index.shape == (2, 400) and edge_index.device == x.device
    # target_to_source: row 0 the centre
    assert edge_index[0].tolist() == sorted(list(range(100)) * 4)
    cosine = knng.knn_graph(x, 4, cosine=True)
    assert cosine.shape == (2, 400)


def test_radius_graph_keeps_the_nearest_within_r():
    rng = np.random.RandomState(1)
    x = rng.rand(400, 2).astype(np.float32)
    batch = rng.randint(0, 3, size=400)
    edge_index = np.asarray(knng.radius_graph(x, 0.1, batch=batch, max_num_neighbors=5))
    full = reference_knn(x, 400, batch, False)
    d = np.sqrt(((x[full[0]].astype(np.float64) - x[full[1]]) ** 2).sum(axis=1))
    within = full[:, d <= 0.1]
    # per centre: the first 5 (nearest) of its neighbours within r
    keep = np.concatenate([np.flatnonzero(within[1] == c)[:5] for c in range(400)])
    np.testing.assert_array_equal(edge_index, within[:, np.sort(keep)])
    assert edge_index.shape[1] > 400


def test_radius_graph_decides_the_radius_in_double_as_the_other_routes():
    """float32(0.1) is a little more than 0.1: at r = 0.1 the pair (0, 0.1) is out, in double, as
    in knng.radius_neighbors_graph and the command line; at r = 0.25, float32(0.35) - float32(0.1)
    is in and float32(0.6) - float32(0.35) is out."""
    x = np.array([[0.0], [0.1], [0.35], [0.6]], dtype=np.float32)
    assert np.float64(x[1, 0]) > 0.1 and np.float32(0.1) == x[1, 0]
    for r in (0.1, 0.25, 0.2500001, np.nextafter(0.25, 0)):
        edge_index = np.asarray(knng.radius_graph(x, r, max_num_neighbors=3))
        d = np.abs(x.astype(np.float64) - x[:, 0].astype(np.float64)[None, :])
        np.fill_diagonal(d, np.inf)
        within = d <= r
        assert sorted(zip(edge_index[1].tolist(), edge_index[0].tolist())) == \
            sorted(zip(*np.nonzero(within)))
        graph = knng.radius_neighbors_graph(x, r)
        assert sorted(zip(*graph.nonzero())) == sorted(zip(*np.nonzero(within)))


def test_radius_graph_past_float32s_range_keeps_every_pair_without_a_warning():
    import warnings
    x = np.array([[0.0], [1e18], [-1e18]], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        edge_index = np.asarray(knng.radius_graph(x, 1e39, max_num_neighbors=2))
    assert sorted(zip(edge_index[1].tolist(), edge_index[0].tolist())) == \
        [(0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)]


def test_pyg_graphs_ask_for_exact_engines_whatever_the_size(monkeypatch):
    """torch_cluster's graphs are exact: knng's ask 'auto' for a target recall of 1, which keeps
    it to the exact engines (the kd-tree in 3-D, brute force above 8 dimensions) where it would
    otherwise pick NN-Descent for large inputs (from 150,000 points at k = 10)."""
    from knng import _engine
    real = _engine.backend()
    asked = []

    class Recording:
        def graph(self, x, k, metric, include_self, algorithm, target_recall, *rest):
            asked.append((algorithm, target_recall))
            return real.graph(x, k, metric, include_self, algorithm, target_recall, *rest)

    monkeypatch.setattr(_engine, "backend", lambda: Recording())
    x = np.random.RandomState(3).rand(200, 12).astype(np.float32)
    knng.knn_graph(x, 4)
    knng.knn_graph(x[:, :3], 4, batch=np.arange(200) % 2)
    knng.radius_graph(x, 0.5, max_num_neighbors=3)
    assert asked == [("auto", 1.0)] * 3
    # and what 'auto' then ran is exact: the engines' names, no recall estimate
    result = real.graph(x, 4, "euclidean", False, "auto", 1.0, 0, None, None)
    assert result.engine in ("exact", "kdtree") and result.recall is None


def test_precomputed_knn_layout():
    x = np.random.RandomState(0).rand(500, 5)
    indices, dists, _ = knng.precomputed_knn(x, 10, search_index=False)
    assert indices.shape == dists.shape == (500, 10)
    assert (indices[:, 0] == np.arange(500)).all() and (dists[:, 0] == 0).all()
    assert (np.diff(dists, axis=1) >= 0).all()


def test_umap_with_precomputed_knn_builds_umaps_own_graph():
    umap = pytest.importorskip("umap")
    from sklearn.datasets import load_digits
    x = load_digits().data[:1200]
    # Below 4,096 points UMAP finds exact neighbours itself; with force_approximation_algorithm it
    # takes the precomputed ones instead: the fuzzy graphs must agree. transform_mode="graph" stops
    # after the graph (the layout's compilation alone took half a minute and says nothing of ours).
    own = umap.UMAP(n_neighbors=15, random_state=42, transform_mode="graph").fit(x)
    ours = umap.UMAP(n_neighbors=15, random_state=42, transform_mode="graph",
                     force_approximation_algorithm=True,
                     precomputed_knn=knng.precomputed_knn(x, 15)).fit(x)
    a, b = own.graph_.tocsr(), ours.graph_.tocsr()
    # Digit images have tied distances, so a few neighbours at a row's 15th distance may differ.
    diff = abs(a - b)
    assert diff.sum() / a.sum() < 0.02
    assert a.shape == b.shape == (1200, 1200)
