"""Bad input gives ValueError with knng's one-line message; the in-process and subprocess routes
give the same graphs."""

import numpy as np
import pytest

import knng
from knng import _engine
from knng.sklearn import KNeighborsTransformer, RadiusNeighborsTransformer


@pytest.mark.parametrize("x,k,kwargs,message", [
    ([[0.0, 1.0], [np.nan, 2.0], [3.0, 1.0]], 1, {}, "row 1"),
    ([[0.0, 1.0], [np.inf, 2.0], [3.0, 1.0]], 1, {}, "row 1"),
    ([[0.0], [1.0], [2.0]], 3, {}, "k=3 is too large for 3 points"),
    ([[0.0], [1.0], [2.0]], 0, {}, "k"),
    ([[0.0, 0.0], [1.0, 0.0], [2.0, 1.0]], 1, {"metric": "cosine"}, "row 0"),
    ([[0.0], [1.0]], 1, {"metric": "hamming"}, "hamming"),
    ([[0.0], [2e38], [1.0]], 1, {"metric": "chebyshev"}, "row 1, column 0"),
    ([[0.0], [1.0]], 1, {"metric": "minkowski", "p": 3}, "p=3"),
    ([[0.0], [1.0]], 1, {"mode": "blah"}, "blah"),
    ([[0.0], [1.0]], 1, {"algorithm": "hnsw"}, "hnsw"),
    ([0.0, 1.0, 2.0], 1, {}, "2-D"),
    ([["a"], ["b"]], 1, {}, "dtype"),
])
def test_bad_input_is_a_value_error(x, k, kwargs, message):
    with pytest.raises(ValueError, match=message) as e:
        knng.kneighbors_graph(np.array(x) if not isinstance(x[0], list) or x[0][0] != "a" else np.array(x), k, **kwargs)
    assert "\n" not in str(e.value)
    assert "Exception" not in str(e.value)  # knng's message, not a Java class name


@pytest.mark.parametrize("call,message", [
    (lambda: knng.kneighbors_graph(np.eye(3), 2**31), "k="),
    (lambda: knng.kneighbors_graph(np.eye(3), 0), "k must be at least 1, got 0"),
    # The engine's advice names the Python argument, not the command line's option.
    (lambda: _engine.backend().graph(np.eye(3, dtype=np.float32), 3, "euclidean", False, "auto", None, 0, None, None),
     r"use include_self=True to count it\)$"),
    # A search's k against the base, without the route's temporary file.
    (lambda: KNeighborsTransformer(n_neighbors=3).fit(np.eye(3)).transform(np.eye(3)),
     r"^k=4 is more than the 3 base points$"),
    (lambda: knng.radius_neighbors_graph(np.eye(3), -0.5), "radius must be a finite number >= 0, got -0.5"),
    (lambda: knng.radius_neighbors_graph(np.eye(3), float("nan")), "radius must be a finite number >= 0"),
    (lambda: knng.kneighbors_graph(np.eye(3), 1, target_recall=float("nan")), "target recall"),
    (lambda: knng.kneighbors_graph(np.zeros((0, 3)), 1), "0 samples"),
    (lambda: knng.knn_graph(np.eye(3), 2.7), "k"),
    (lambda: knng.knn_graph(np.eye(3), 0), "k=0"),
    (lambda: knng.radius_graph(np.eye(1), -1.0), "r=-1"),
    (lambda: knng.radius_graph(np.eye(3), 1.0, max_num_neighbors=-1), "max_num_neighbors"),
    # Values named by the caller's array, row and column (not the route's temporary file).
    (lambda: knng.kneighbors_graph(np.array([[0.0, 1.0], [2.0, np.nan]]), 1),
     r"^X: row 1, column 1: value is nan \(only finite values are allowed\)$"),
    (lambda: knng.knn_graph(np.array([[0.0], [-np.inf], [1.0]], np.float32), 1), r"^x: row 1, column 0: value is -inf"),
    (lambda: knng.kneighbors_graph(np.array([[0.0], [1.0], [1e39]]), 1), r"^X: row 2, column 0: value 1e\+39 does not fit"),
    # The engines' words, not the command line's option wrapper around them.
    (lambda: _engine.backend().graph(np.eye(3, dtype=np.float32), 1, "hamming", False, "auto", None, 0, None, None),
     r"^unknown metric 'hamming' \(expected one of [a-z, -]+\)$"),
    (lambda: _engine.backend().graph(np.eye(3, dtype=np.float32), 1, "euclidean", False, "hnsw", None, 0, None, None),
     r"^unknown algorithm 'hnsw' \(expected one of [a-z, ]+\)$"),
    # Arguments of the wrong type: refused by name, not converted, and not a Java error.
    (lambda: knng.kneighbors_graph(np.eye(3), 1, algorithm=None), r"^algorithm=None: expected a name"),
    (lambda: KNeighborsTransformer(algorithm=None).fit_transform(np.eye(3)), r"^algorithm=None: expected a name"),
    (lambda: knng.radius_neighbors_graph(np.eye(3), 1.0, algorithm=5), r"^algorithm=5: expected a name"),
    (lambda: knng.kneighbors_graph(np.eye(3), 1, seed=2**63), r"^seed=9223372036854775808 does not fit in 64 bits$"),
    (lambda: knng.kneighbors_graph(np.eye(3), 1, seed=1.5), r"^seed=1.5: expected an integer$"),
    (lambda: knng.kneighbors_graph(np.eye(3), 1, seed="3"), r"^seed='3': expected an integer$"),
    (lambda: knng.kneighbors_graph(np.eye(3), 1, n_jobs=2.5), r"^n_jobs=2.5: expected an integer$"),
    (lambda: knng.kneighbors_graph(np.eye(3), 1, target_recall="0.9"), r"^target_recall='0.9': expected a number$"),
    (lambda: knng.radius_neighbors_graph(np.eye(3), "1"), r"^radius='1': expected a number$"),
    (lambda: RadiusNeighborsTransformer(radius="1").fit(np.eye(3)), r"^radius='1': expected a number$"),
    (lambda: knng.radius_graph(np.eye(3), "3.0"), r"^r='3.0': expected a number$"),
    (lambda: knng.knn_graph(np.eye(3), 1, num_workers=2.0), r"^num_workers=2.0: expected an integer$"),
    # -x.y is no distance: the transformers' consumers need distances >= 0, a point nearest itself.
    (lambda: KNeighborsTransformer(metric="inner-product").fit(np.eye(3)), r"^metric='inner-product': the transformers"),
])
def test_bad_arguments_are_refused_the_same_way_on_both_routes(call, message, monkeypatch):
    for route in (_engine.backend(), _engine._Subprocess()):
        monkeypatch.setattr(_engine, "_backend", route)
        with pytest.raises((ValueError, TypeError), match=message) as e:
            call()
        assert "\n" not in str(e.value)


def test_numbers_of_every_kind_are_taken():
    """A Decimal, a Fraction, numpy scalars and 0-d arrays are numbers (as float() takes them)."""
    from decimal import Decimal
    from fractions import Fraction
    x = np.array([[0.0], [1.0], [3.0]])
    expected = knng.radius_neighbors_graph(x, 1.5).toarray()
    for r in (Decimal("1.5"), Fraction(3, 2), np.float32(1.5), np.array(1.5), np.int64(1) + 0.5):
        assert (knng.radius_neighbors_graph(x, r).toarray() == expected).all(), r
    assert knng.kneighbors_graph(x, 1, target_recall=np.array(0.9), n_jobs=np.int64(1)).nnz == 3


def test_both_routes_name_the_engine_that_ran_on_groups():
    """Within groups, the largest group decides the engine: two groups of 19,999 points are below
    the size NN-Descent hands over at, so the exact engine builds them, on both routes."""
    x = np.random.default_rng(4).random((39_998, 4), dtype=np.float32)
    groups = np.arange(len(x)) % 2
    names = {route.name: route.graph(x, 3, "euclidean", False, "nndescent", None, 0, None, groups).engine
             for route in (_engine.backend(), _engine._Subprocess())}
    assert set(names.values()) == {"exact"}, names


def test_a_graph_of_one_point_or_none_has_no_edges():
    for n in (0, 1):
        for batch in (None, np.zeros(n, dtype=np.int64)):
            assert knng.knn_graph(np.zeros((n, 3), dtype=np.float32), 3, batch=batch).shape == (2, 0)
            assert knng.radius_graph(np.zeros((n, 3), dtype=np.float32), 1.0, batch=batch).shape == (2, 0)
    # Two points: each the other's neighbour (k capped at n - 1, as PyTorch Geometric gives).
    assert knng.knn_graph(np.eye(2, dtype=np.float32), 5).shape == (2, 2)


def test_umap_search_index_refuses_the_inner_product_before_the_work():
    with pytest.raises(ValueError, match="inner"):
        knng.precomputed_knn(np.random.RandomState(0).rand(50, 4), 5, "inner-product", search_index=True)


def test_sparse_input_is_densified():
    import scipy.sparse as sp
    x = np.random.RandomState(2).rand(40, 6)
    dense = knng.kneighbors_graph(x, 3, mode="distance")
    sparse = knng.kneighbors_graph(sp.csr_matrix(x), 3, mode="distance")
    assert (dense != sparse).nnz == 0


def cases():
    rng = np.random.RandomState(5)
    x = rng.rand(200, 4).astype(np.float32)
    x[7] = x[3]
    q = rng.rand(30, 4).astype(np.float32)
    groups = rng.randint(0, 4, size=200).astype(np.int32)
    return x, q, groups


@pytest.mark.parametrize("metric", ["euclidean", "chebyshev"])
def test_subprocess_route_gives_the_same_results(metric):
    x, q, groups = cases()
    inproc, sub = _engine.backend(), _engine._Subprocess()
    for args in [(x, 5, metric, False, "auto", None, 0, None, None),
                 (x, 5, metric, True, "exact", None, 0, 2, None),
                 (x, 5, metric, False, "nndescent", None, 0, None, None),  # small: the exact engine
                 (x, 5, metric, False, "auto", None, 0, None, groups)]:
        a, b = inproc.graph(*args), sub.graph(*args)
        assert a.engine == b.engine and a.engine in ("exact", "kdtree"), (args[4], a.engine, b.engine)
        np.testing.assert_array_equal(a.ids, b.ids)
        np.testing.assert_array_equal(a.distances[a.ids >= 0], b.distances[b.ids >= 0])
    a, b = inproc.search(x, q, 6, metric, "auto", None), sub.search(x, q, 6, metric, "auto", None)
    np.testing.assert_array_equal(a.ids, b.ids)
    np.testing.assert_array_equal(a.distances, b.distances)
    for a, b in [(inproc.radius(x, 0.3, metric, True, "auto", None), sub.radius(x, 0.3, metric, True, "auto", None)),
                 (inproc.radius_search(x, q, 0.3, metric, "auto", None),
                  sub.radius_search(x, q, 0.3, metric, "auto", None))]:
        assert len(a.indices) >= 10
        np.testing.assert_array_equal(a.indptr, b.indptr)
        np.testing.assert_array_equal(a.indices, b.indices)
        np.testing.assert_array_equal(a.distances, b.distances)


def test_subprocess_route_reports_bad_input_the_same_way():
    with pytest.raises(ValueError, match="k=3 is too large for 3 points"):
        _engine._Subprocess().graph(np.zeros((3, 2), np.float32), 3, "euclidean", False, "auto", None, 0,
                                    None, None)
    # Rows the metric cannot rank: the message names the row, not the temporary file it went in.
    zero = np.array([[1, 0], [0, 0], [2, 1]], np.float32)
    good = np.eye(2, dtype=np.float32)
    for call, expected in [
            (lambda route: route.graph(zero, 1, "cosine", False, "auto", None, 0, None, None),
             "row 1 is all zeros: cosine distance is undefined for a vector of norm 0"),
            (lambda route: route.search(good, zero, 1, "cosine", "auto", None),
             "query row 1 is all zeros: cosine distance is undefined for a vector of norm 0")]:
        with pytest.raises(ValueError) as sub:
            call(_engine._Subprocess())
        assert str(sub.value) == expected
        if knng.backend() == "jpype":
            with pytest.raises(ValueError) as inproc:
                call(_engine.backend())
            assert str(inproc.value) == expected


def test_the_in_process_jvm_running_out_of_memory_is_a_memory_error_not_a_bug():
    if knng.backend() != "jpype":
        pytest.skip("no JPype: the subprocess route plans the memory before the run")
    import jpype
    route = _engine.backend()
    with pytest.raises(MemoryError, match=r"^the JVM in this process ran out of memory .*JAVA_OPTS=-Xmx"):
        route._call(lambda: jpype.JArray(jpype.JLong)(2**31 - 16))  # 16 GB: past any default heap
    assert knng.kneighbors_graph(np.eye(3), 1).nnz == 3  # and the JVM works on


def test_the_jvm_runs_with_the_launchers_settings():
    """The in-process JVM gets the settings ./knng gives its own (what JVM_OPTIONS promises)."""
    if knng.backend() != "jpype":
        pytest.skip("no JPype: the subprocess route passes JVM_OPTIONS on its command line")
    knng.kneighbors_graph(np.zeros((3, 2), np.float32), 1)  # the JVM is started on first use
    import jpype
    factory = jpype.JClass("java.lang.management.ManagementFactory")
    hotspot = factory.getPlatformMXBean(jpype.JClass("com.sun.management.HotSpotDiagnosticMXBean"))
    assert str(hotspot.getVMOption("FreqInlineSize").getValue()) == "100"
    assert str(hotspot.getVMOption("OmitStackTraceInFastThrow").getValue()) == "false"
    assert str(hotspot.getVMOption("UseSerialGC").getValue()) == "true"
    arguments = [str(a) for a in factory.getRuntimeMXBean().getInputArguments()]
    assert "-XX:MaxNewSize=16m" in arguments
