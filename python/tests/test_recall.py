"""knng.recall: the recall@k of graphs from knng and other tools, against scikit-learn's exact
neighbours; both routes give the same numbers; bad input is a one-line ValueError."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.neighbors import NearestNeighbors

import knng
from knng import _engine


def points(n=1500, d=12, seed=4):
    return np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)


def exact_ids(x, k):
    """scikit-learn's k nearest other points of every row (float64, no ties in Gaussian data)."""
    _, ids = NearestNeighbors(n_neighbors=k + 1).fit(x.astype(np.float64)).kneighbors(x.astype(np.float64))
    return ids[:, 1:]


def share(graph_rows, truth):
    """The share of each row's true neighbours the row lists, over all rows."""
    return np.mean([len(set(row) & set(t)) / len(t) for row, t in zip(graph_rows, truth)])


def test_a_graph_with_known_wrong_entries_scores_its_true_share():
    x = points()
    truth = exact_ids(x, 10)
    ids = truth.copy()
    rng = np.random.default_rng(1)
    for r in range(len(x)):
        wrong = rng.integers(0, 4)
        for c in range(10 - wrong, 10):
            ids[r, c] = (r + 1 + rng.integers(0, len(x) - 1)) % len(x)  # rarely a true neighbour
    expected = share(ids, truth)
    measured = knng.recall(x, ids, truth=truth)
    assert measured.rows == len(x) and measured.k == 10
    assert measured.recall == pytest.approx(expected, abs=1e-12)
    assert measured.low <= measured.recall <= measured.high
    # A sample's interval holds the recall of all rows.
    sampled = knng.recall(x, ids, sample=400, seed=3)
    assert sampled.rows == 400
    assert sampled.low <= expected <= sampled.high
    default = knng.recall(x, ids)
    assert default.low <= expected <= default.high
    assert knng.recall(x, truth).recall == 1.0


def test_the_first_k_columns_and_missing_entries():
    x = points(600)
    truth = exact_ids(x, 8)
    ids = np.hstack([truth, np.full((len(x), 2), -1)])
    assert knng.recall(x, ids, 8).recall == 1.0
    shorter = knng.recall(x, ids)  # k = 10 columns, 2 of them -1, against the true 10 nearest
    assert shorter.rows_with_missing == shorter.rows
    assert shorter.recall == pytest.approx(0.8, abs=1e-12)


def test_sparse_and_symmetrized_graphs_are_measured_row_by_row():
    x = points(800)
    k = 6
    graph = knng.kneighbors_graph(x, k)
    assert knng.recall(x, graph).recall == 1.0
    union = ((graph + graph.T) > 0).astype(np.float32)
    assert np.diff(union.indptr).max() > k  # rows of more than k entries
    assert knng.recall(x, union, k).recall == 1.0
    # Row 0 without its nearest neighbour: every row but one finds all of its k.
    cut = union.tolil()
    nearest = exact_ids(x, k)
    cut[0, nearest[0, 0]] = 0
    cut = sp.csr_matrix(cut)
    cut.eliminate_zeros()
    assert knng.recall(x, cut, k, truth=nearest).recall == pytest.approx(1 - 1 / (len(x) * k), abs=1e-12)


def test_a_pynndescent_graph_is_measured_within_its_interval():
    pynndescent = pytest.importorskip("pynndescent")
    x = points(3000, 40, seed=9)
    ids, _ = pynndescent.NNDescent(x, n_neighbors=11, random_state=0, n_trees=1, n_iters=1).neighbor_graph
    true_recall = share(ids[:, 1:], exact_ids(x, 10))
    assert true_recall < 0.99  # a graph worth measuring
    measured = knng.recall(x, ids, 10, include_self=True)  # PyNNDescent lists the point first
    truth_with_self = np.hstack([np.arange(len(x))[:, None], exact_ids(x, 9)])
    every_row = share(ids[:, :10], truth_with_self)
    assert measured.low <= every_row <= measured.high
    assert knng.recall(x, ids, 10, include_self=True, truth=truth_with_self).recall == pytest.approx(
        every_row, abs=1e-12)


def test_both_routes_give_the_same_numbers():
    if knng.backend() != "jpype":
        pytest.skip("no JPype: only the subprocess route here")
    x = points(700)
    truth = exact_ids(x, 10)
    ids = truth.copy()
    ids[::3, 9] = (np.arange(0, len(x), 3) + 350) % len(x)
    union = sp.csr_matrix(knng.kneighbors_graph(x, 10))
    union = ((union + union.T) > 0).astype(np.float32)
    vectors = _engine.vectors(x)
    flat = np.ascontiguousarray(ids, dtype=np.int32)
    for args in [(flat, None, 10, "euclidean", False, None, None, 1, None),
                 (flat, None, 10, "cosine", False, 200, None, 5, None),
                 (flat, None, 10, "manhattan", False, None, np.ascontiguousarray(truth, dtype=np.int32), 1, 1),
                 (np.ascontiguousarray(flat[:, :9]), None, 9, "euclidean", True, None, None, 2, None),
                 (union.indices.astype(np.int32), union.indptr.astype(np.int64), 10, "euclidean", False,
                  None, None, 1, None)]:
        a = _engine.backend().recall(vectors, *args)
        b = _engine._Subprocess().recall(vectors, *args)
        assert a == b


def test_the_callers_graph_is_left_as_it_was_and_n_jobs_is_scikit_learns():
    x = points(4, 3)
    a = sp.csr_matrix((np.ones(6), [3, 1, 1, 2, 0, 0], [0, 3, 6, 6, 6]), shape=(4, 4))  # unsorted, repeated
    before = (a.indptr.copy(), a.indices.copy(), a.data.copy())
    knng.recall(x, a, 2)
    np.testing.assert_array_equal(before[0], a.indptr)
    np.testing.assert_array_equal(before[1], a.indices)
    np.testing.assert_array_equal(before[2], a.data)
    ids = exact_ids(points(300), 5)
    assert knng.recall(points(300), ids, n_jobs=-1) == knng.recall(points(300), ids, n_jobs=1)


def test_parallel_vectors_tie_under_cosine():
    """Scaled copies of a few directions: knng's exact cosine graph, whichever copy it lists,
    scores 1 (the copies' distances are rounding, 1e-16 to 1e-15 in double)."""
    rng = np.random.default_rng(2)
    directions = rng.normal(size=(30, 4))
    x = (rng.uniform(0.5, 2, size=(300, 1)) * np.repeat(directions, 10, axis=0)).astype(np.float32)
    graph = knng.kneighbors_graph(x, 1, metric="cosine", algorithm="exact")
    assert knng.recall(x, graph, 1, metric="cosine").recall == 1.0


@pytest.mark.parametrize("call,message", [
    (lambda x, ids: knng.recall(x, ids[:-1]), r"^graph: expected neighbour ids of shape \(300, k\)"),
    (lambda x, ids: knng.recall(x, ids.astype(np.float32)), r"^graph: expected integer ids"),
    (lambda x, ids: knng.recall(x, np.where(ids == ids[4, 2], 300, ids)), r"^graph row 4, column 2: id 300 is out of range"),
    (lambda x, ids: knng.recall(x, ids, 6), r"^k=6 is out of range for a graph of 5 columns"),
    (lambda x, ids: knng.recall(x, ids, sample=10, truth=ids), r"^sample and truth"),
    (lambda x, ids: knng.recall(x, ids, sample=0), r"^sample must be at least 1"),
    (lambda x, ids: knng.recall(x, ids, truth=ids[:, :3]), r"^truth: 3 columns, fewer than k=5"),
    (lambda x, ids: knng.recall(x, ids, metric="hamming"), "hamming"),
    (lambda x, ids: knng.recall(x, sp.eye(300, 301, format="csr")), r"^graph: a 300 x 301 matrix"),
    (lambda x, ids: knng.recall(np.vstack([np.zeros((1, 12), np.float32), x[1:]]), ids, metric="cosine"),
     r"^row 0 is all zeros"),
    (lambda x, ids: knng.recall(x, sp.csr_matrix((np.ones(2), [1, 300], [0, 1] + [2] * 299), shape=(300, 300))),
     r"^graph row 1: column 300 is out of range \[0, 300\)$"),
    (lambda x, ids: knng.recall(x, ids, truth=ids + 2**32), r"^truth row 0, column 0: id 4294967\d+ is out of range"),
    (lambda x, ids: knng.recall(x, ids, seed=2**64), r"^seed=18446744073709551616 does not fit in 64 bits$"),
    (lambda x, ids: knng.recall(x, ids, sample=2**31), r"^sample must be at least 1 row"),
    (lambda x, ids: knng.recall(x, ids, 2.5), r"^k=2.5: expected an integer$"),
    (lambda x, ids: knng.recall(x, ids, True), r"^k=True: expected an integer$"),
    (lambda x, ids: knng.recall(x, ids, n_jobs=0), r"^n_jobs=0"),
])
@pytest.mark.parametrize("route", ["jpype", "process"])
def test_bad_input_is_a_one_line_value_error(call, message, route, monkeypatch):
    if route == "jpype" and knng.backend() != "jpype":
        pytest.skip("no JPype")
    if route == "process":
        monkeypatch.setattr(_engine, "_backend", _engine._Subprocess())
    x = points(300)
    ids = exact_ids(x, 5)
    with pytest.raises(ValueError, match=message) as e:
        call(x, ids)
    assert "\n" not in str(e.value)
