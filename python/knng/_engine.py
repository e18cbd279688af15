"""How Python reaches knng's engines: in-process through JPype, or a `java` subprocess over `.npy` files.

The in-process route (the default when JPype is installed) starts one JVM per Python process on
first use and keeps it: the engines' JIT-compiled SIMD kernels stay warm across calls, vectors go
to Java as one bulk copy and results come back as numpy arrays, with no files. The subprocess route
needs nothing but numpy and a JDK; each call pays the JVM's start (about half a second).
``KNNG_BACKEND=jpype|process`` forces one.

Every function here takes float32 C-contiguous arrays and returns the engine's raw result
(neighbour ids and distances, or a CSR radius graph); the public modules shape them for
scikit-learn, PyTorch Geometric and UMAP. Bad input raises ``ValueError`` with knng's one-line
message; anything else that fails in the engine is a bug and raises ``RuntimeError`` saying so.
"""

import json
import operator
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections import namedtuple

import numpy as np

Neighbors = namedtuple("Neighbors", "ids distances engine recall")
Neighbors.__doc__ = """A k-NN result: `ids` (rows x k int32, -1 where a row has fewer than k),
`distances` (rows x k float32), `engine` (the engine that ran, e.g. 'exact'), `recall` (the
estimated recall@k of an approximate run, else None)."""

RadiusGraph = namedtuple("RadiusGraph", "indptr indices distances")

# The launcher's JVM settings that do not depend on the machine (see ./knng): the Vector API
# module; the serial collector with a small young generation (the work is a few large arrays);
# stack traces kept on every exception (a bug reported from Python names where it happened); hot
# methods inlined up to 100 bytecodes instead of 325, so that the JIT compiles the hot loops sooner
# (the first kneighbors_graph of 50k x 128 points at k = 100, JDK 25, in-process: 5.4 -> 5.0 s).
JVM_OPTIONS = ["--add-modules=jdk.incubator.vector", "-XX:+UseSerialGC", "-XX:MaxNewSize=16m",
               "-XX:-OmitStackTraceInFastThrow", "-XX:FreqInlineSize=100"]
_INCUBATOR_WARNING = b"WARNING: Using incubator modules: jdk.incubator.vector"
_HERE = os.path.dirname(os.path.abspath(__file__))


def jar_path():
    """The knng jar: ``$KNNG_JAR``, else the one installed with the package, else (running from a
    source checkout) ``knng-cli/target/knng.jar`` of that checkout."""
    candidates = [os.environ.get("KNNG_JAR"),
                  os.path.join(_HERE, "lib", "knng.jar"),
                  os.path.join(_HERE, "..", "..", "knng-cli", "target", "knng.jar")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate):
            return os.path.abspath(candidate)
    raise RuntimeError(
        "knng.jar not found: install the package from a knng checkout (pip install ./python builds "
        "and bundles it), or set KNNG_JAR to the jar built by ./knng (knng-cli/target/knng.jar)")


def _java_home():
    home = os.environ.get("JAVA_HOME")
    if home and os.path.isdir(home):
        return home
    java = shutil.which("java")
    if java:
        return os.path.dirname(os.path.dirname(os.path.realpath(java)))
    raise RuntimeError("no JDK found: knng needs Java 17 or newer (set JAVA_HOME or put java on the PATH)")


def _user_jvm_options():
    return shlex.split(os.environ.get("JAVA_OPTS", ""))


class _InProcess:
    """JPype: one JVM in this process, started on first use."""

    name = "jpype"

    def __init__(self):
        import jpype
        import jpype.imports  # noqa: F401  (enables `from org.knng import ...`)
        self._jpype = jpype
        if not jpype.isJVMStarted():
            self._start()
        try:
            from org.knng import Algorithm
            from org.knng.engine import KnnOptions
            from org.knng.metric import Metric
            from org.knng.vectors import Vectors
        except ImportError:
            raise RuntimeError(
                "a JVM was already started in this process without knng.jar on its class path: "
                "use knng before anything else starts JPype, or add %s to that class path" % jar_path())
        self._algorithm, self._options, self._metric, self._vectors = Algorithm, KnnOptions, Metric, Vectors
        self._invalid = jpype.JClass("org.knng.InvalidInputException")
        self._out_of_memory = jpype.JClass("java.lang.OutOfMemoryError")
        self._grouped = jpype.JClass("org.knng.engine.GroupedGraph")
        self._order = jpype.JClass("java.nio.ByteOrder").nativeOrder()

    def _start(self):
        jpype = self._jpype
        home = _java_home()
        libjvm = None
        for sub in ("lib/server/libjvm.so", "lib/server/libjvm.dylib", "bin/server/jvm.dll"):
            if os.path.isfile(os.path.join(home, sub)):
                libjvm = os.path.join(home, sub)
                break
        if libjvm is None:
            libjvm = jpype.getDefaultJVMPath()
        classpath = [jar_path()]
        # Debian's python3-jpype keeps JPype's own support jar in /usr/share/java, where JPype does
        # not look for it by itself.
        for support in (os.path.join(os.path.dirname(jpype.__file__), "..", "org.jpype.jar"),
                        "/usr/share/java/org.jpype.jar"):
            if os.path.isfile(support):
                classpath.append(os.path.abspath(support))
                break
        options = JVM_OPTIONS + _user_jvm_options()
        # The JVM prints the incubator notice on stderr at start; keep every other line.
        with _FilteredStderr():
            jpype.startJVM(libjvm, *options, classpath=classpath, convertStrings=False)

    def _call(self, work):
        try:
            return work()
        except self._invalid as e:
            raise ValueError(_python_words(str(e.getMessage()))) from None
        except self._out_of_memory:
            heap = self._jpype.java.lang.Runtime.getRuntime().maxMemory() / 2**20
            raise MemoryError(
                "the JVM in this process ran out of memory (its heap holds at most %.0f MB): set "
                "JAVA_OPTS=-Xmx<size> (e.g. -Xmx8g) before the first knng call starts it, or use "
                "KNNG_BACKEND=process, which says how much a run needs" % heap) from None
        except self._jpype.JException as e:
            raise RuntimeError("internal error (a bug in knng, not in your input): %s" % e) from e

    def _floats(self, array):
        """A Java float[] holding the array's values (one bulk copy through a direct buffer)."""
        jpype = self._jpype
        flat = array.reshape(-1)
        if not flat.flags.writeable:
            flat = flat.copy()
        out = jpype.JArray(jpype.JFloat)(flat.size)
        if flat.size:
            import jpype.nio
            jpype.nio.convertToDirectBuffer(flat).order(self._order).asFloatBuffer().get(out)
        return out

    def _engine(self, k, metric, include_self, algorithm, target_recall, seed, threads):
        check_options(k, algorithm, target_recall, seed, threads)
        options = (self._options.defaults().withK(int(k)).withMetric(self._metric.parse(metric))
                   .withIncludeSelf(bool(include_self)).withSeed(int(seed)))
        if threads is not None:
            options = options.withThreads(int(threads))
        if target_recall is not None:
            options = options.withTargetRecall(float(target_recall))
        return self._algorithm.parse(algorithm).engine(options)

    def _neighbors(self, result, engine_name):
        rows, k = int(result.rows()), int(result.k())
        ids = np.array(result.ids(), dtype=np.int32).reshape(rows, k)
        distances = np.array(result.distances(), dtype=np.float32).reshape(rows, k)
        recall = result.recall()
        return Neighbors(ids, distances, engine_name,
                         float(recall.get().recall()) if recall.isPresent() else None)

    def graph(self, x, k, metric, include_self, algorithm, target_recall, seed, threads, groups):
        def work():
            engine = self._engine(k, metric, include_self, algorithm, target_recall, seed, threads)
            # The float[] is this call's own copy: the exact engine may reorder it in place.
            points = self._vectors.wrap(self._floats(x), x.shape[1]).reorderable()
            if groups is None:
                result = engine.graph(points)
                size = x.shape[0]
            else:
                labels = self._jpype.JArray(self._jpype.JInt)(groups)
                result = engine.graph(points, labels)
                # Each group is a graph of its own: the largest decides the engine, as on the
                # command line.
                size = self._grouped.largestGroup(labels)
            chosen = self._algorithm.parse(algorithm).choose(engine.options(), size, x.shape[1])
            return self._neighbors(result, str(chosen.id()))
        return self._call(work)

    def search(self, base, queries, k, metric, algorithm, threads):
        def work():
            engine = self._engine(k, metric, False, algorithm, None, 0, threads)
            result = engine.search(self._vectors.wrap(self._floats(base), base.shape[1]),
                                   self._vectors.wrap(self._floats(queries), queries.shape[1]))
            chosen = self._algorithm.parse(algorithm).chooseExact(engine.options(), base.shape[1])
            return self._neighbors(result, str(chosen.id()))
        return self._call(work)

    def radius(self, x, radius, metric, include_self, algorithm, threads):
        check_radius(radius)

        def work():
            engine = self._engine(1, metric, include_self, algorithm, None, 0, threads)
            points = self._vectors.wrap(self._floats(x), x.shape[1]).reorderable()
            return self._csr(engine.radiusGraph(points, float(radius)))
        return self._call(work)

    def radius_search(self, base, queries, radius, metric, algorithm, threads):
        check_radius(radius)

        def work():
            engine = self._engine(1, metric, False, algorithm, None, 0, threads)
            return self._csr(engine.radiusSearch(self._vectors.wrap(self._floats(base), base.shape[1]),
                                                 self._vectors.wrap(self._floats(queries), queries.shape[1]),
                                                 float(radius)))
        return self._call(work)

    def recall(self, x, ids, indptr, k, metric, include_self, sample, truth, seed, threads):
        jpype = self._jpype

        def ints(a):
            return jpype.JArray(jpype.JInt)(np.ascontiguousarray(a, dtype=np.int32).reshape(-1))

        def work():
            sample_class = jpype.JClass("org.knng.eval.RecallSample")
            options = (self._options.defaults().withK(k).withMetric(self._metric.parse(metric))
                       .withIncludeSelf(include_self))
            if threads is not None:
                options = options.withThreads(int(threads))
            n = x.shape[0]
            points = self._vectors.wrap(self._floats(x), x.shape[1])
            jpype.JClass("org.knng.engine.InputChecks").rankable(points, options.metric(), "row")
            if indptr is None:
                graph = ints(ids)
                sample_class.checkIds(graph, n, k)
            else:
                graph = jpype.JClass("org.knng.graph.SparseGraph")(
                    n, n, ints(indptr), ints(ids), jpype.JArray(jpype.JFloat)(len(ids)))
            if truth is not None:
                try:
                    measured = sample_class.truth(points, ints(truth), truth.shape[1], options)
                except self._invalid as e:
                    raise ValueError("truth: %s" % e.getMessage()) from None
                estimate = measured.measure(graph, k)
            elif sample is not None:
                estimate = sample_class.draw(points, options, sample, seed).measure(graph, k)
            else:
                estimate = sample_class.evaluate(points, graph, k, options, seed)
            return (float(estimate.recall()), float(estimate.low()), float(estimate.high()),
                    int(estimate.k()), int(estimate.rows()), int(estimate.rowsWithSelfLoops()),
                    int(estimate.rowsWithDuplicates()), int(estimate.rowsWithMissing()))
        return self._call(work)

    @staticmethod
    def _csr(g):
        return RadiusGraph(np.array(g.indptr(), dtype=np.int64), np.array(g.indices(), dtype=np.int32),
                           np.array(g.weights(), dtype=np.float32))


def integer(value, name):
    """A whole number given as a Python or numpy integer (not 2.5, not '3', not True)."""
    if isinstance(value, (bool, np.bool_)):
        raise ValueError("%s=%r: expected an integer" % (name, value))
    try:
        return operator.index(value)
    except TypeError:
        raise ValueError("%s=%r: expected an integer" % (name, value)) from None


def number(value, name):
    """A real number (a Python or numpy number, a Decimal, a 0-d array; not '1', not True), as a
    float."""
    if isinstance(value, (bool, np.bool_, str, bytes, np.str_, np.bytes_)) or (
            isinstance(value, np.ndarray) and value.dtype.kind not in "iuf"):
        raise ValueError("%s=%r: expected a number" % (name, value))
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError("%s=%r: expected a number" % (name, value)) from None


def seed64(seed):
    """The seed as an int, refused unless a 64-bit integer (Java's long)."""
    seed = integer(seed, "seed")
    if not -2**63 <= seed < 2**63:
        raise ValueError("seed=%d does not fit in 64 bits" % seed)
    return seed


def check_options(k, algorithm, target_recall, seed, threads):
    """Refuses, in the same words on both routes, what neither the Java options nor the command
    line's can take (the engines check the rest): an algorithm that is not a name, a seed that is
    not a 64-bit integer, a target recall that is not a number in (0, 1]."""
    if not isinstance(algorithm, str):
        raise ValueError("algorithm=%r: expected a name such as 'auto', 'exact', 'kdtree', "
                         "'nndescent' or 'lsh'" % (algorithm,))
    seed64(seed)
    if target_recall is not None:
        number(target_recall, "target_recall")
    if int(k) < 1:
        raise ValueError("k must be at least 1, got %d" % int(k))
    if int(k) >= 2**31:
        raise ValueError("k=%d is more than one result can hold" % int(k))
    if target_recall is not None and not 0 < float(target_recall) <= 1:
        raise ValueError("target recall must be in (0, 1], got %r" % (target_recall,))
    if threads is not None and not 0 < int(threads) < 2**31:
        raise ValueError("threads must be at least 1, got %r" % (threads,))


def check_radius(radius):
    """Refuses a radius in the engines' words, on both routes."""
    if not 0 <= number(radius, "radius") < float("inf"):
        raise ValueError("radius must be a finite number >= 0, got %r" % (radius,))


class _FilteredStderr:
    """Drops the JVM's incubator notice from file descriptor 2 while the JVM starts."""

    def __enter__(self):
        sys.stderr.flush()
        self._saved = os.dup(2)
        self._file = tempfile.TemporaryFile()
        os.dup2(self._file.fileno(), 2)
        return self

    def __exit__(self, *exc):
        os.dup2(self._saved, 2)
        os.close(self._saved)
        self._file.seek(0)
        for line in self._file.read().splitlines(True):
            if not line.startswith(_INCUBATOR_WARNING):
                os.write(2, line)
        self._file.close()
        return False


def _python_words(message):
    """An engine's or the command line's refusal in Python's words: without the option wrapper of
    the command's parser (the same engine message is inside it), nor the name of the temporary
    file the rows were passed in, and with the Python argument where the engine names an option."""
    wrapped = re.match(r"Invalid value for option '--[a-z-]+': (.*) \(see 'knng build --help'\)$", message)
    message = wrapped.group(1) if wrapped else message
    message = re.sub(r"^--(input x|queries queries)\.npy: ", "", message)
    message = message.replace("use include-self to count it", "use include_self=True to count it")
    message = re.sub(r" points of --input x\.npy$", " base points", message)
    return re.sub(r"^--(graph|truth) \1\.np[yz]: ", r"\1: ", message)


class _Subprocess:
    """`java -jar knng.jar build ...` on `.npy` files in a temporary directory, per call."""

    name = "process"

    def _run(self, args, directory, command="build"):
        java = os.path.join(_java_home(), "bin", "java")
        command = [java] + JVM_OPTIONS + _user_jvm_options() + ["-jar", jar_path(), command] + args
        done = subprocess.run(command, cwd=directory, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        errors = [line for line in done.stderr.decode("utf-8", "replace").splitlines()
                  if line.startswith("error: ")]
        if done.returncode == 2 and errors:
            raise ValueError(_python_words(errors[0][len("error: "):]))
        if done.returncode != 0:
            detail = errors[0][len("error: "):] if errors else done.stderr.decode("utf-8", "replace").strip()
            raise RuntimeError(detail if detail.startswith("internal error")
                               else "internal error (a bug in knng, not in your input): %s" % detail)

    @staticmethod
    def _common(metric, algorithm, threads):
        args = ["--metric", metric, "--algorithm", algorithm, "--quiet"]
        if threads is not None:
            args += ["--threads", str(int(threads))]
        return args

    def _knn(self, args, directory):
        args = args + ["--output", "ids.npy", "--distances", "distances.npy", "--report", "report.json"]
        self._run(args, directory)
        with open(os.path.join(directory, "report.json")) as f:
            report = json.load(f)
        recall = report.get("recall")
        return Neighbors(np.load(os.path.join(directory, "ids.npy")).astype(np.int32, copy=False),
                         np.load(os.path.join(directory, "distances.npy")).astype(np.float32, copy=False),
                         # "auto: exact" names the request, then the engine that ran: the latter,
                         # as the in-process route gives it
                         report.get("engine", "").split(": ")[-1],
                         recall.get("recall") if isinstance(recall, dict) else None)

    def graph(self, x, k, metric, include_self, algorithm, target_recall, seed, threads, groups):
        check_options(k, algorithm, target_recall, seed, threads)
        with tempfile.TemporaryDirectory(prefix="knng-") as d:
            np.save(os.path.join(d, "x.npy"), x)
            args = ["--input", "x.npy", "--k", str(int(k)), "--seed", str(int(seed))]
            args += self._common(metric, algorithm, threads)
            if include_self:
                args.append("--include-self")
            if target_recall is not None:
                args += ["--target-recall", repr(float(target_recall))]
            if groups is not None:
                np.save(os.path.join(d, "groups.npy"), np.asarray(groups, dtype=np.int64))
                args += ["--groups", "groups.npy"]
            return self._knn(args, d)

    def search(self, base, queries, k, metric, algorithm, threads):
        check_options(k, algorithm, None, 0, threads)
        with tempfile.TemporaryDirectory(prefix="knng-") as d:
            np.save(os.path.join(d, "x.npy"), base)
            np.save(os.path.join(d, "queries.npy"), queries)
            args = ["--input", "x.npy", "--queries", "queries.npy", "--k", str(int(k))]
            return self._knn(args + self._common(metric, algorithm, threads), d)

    def radius(self, x, radius, metric, include_self, algorithm, threads):
        return self._radius(x, None, radius, metric, include_self, algorithm, threads)

    def radius_search(self, base, queries, radius, metric, algorithm, threads):
        return self._radius(base, queries, radius, metric, False, algorithm, threads)

    def recall(self, x, ids, indptr, k, metric, include_self, sample, truth, seed, threads):
        with tempfile.TemporaryDirectory(prefix="knng-") as d:
            np.save(os.path.join(d, "x.npy"), x)
            if indptr is None:
                np.save(os.path.join(d, "graph.npy"), ids)
                graph = "graph.npy"
            else:
                import scipy.sparse as sp
                n = x.shape[0]
                sp.save_npz(os.path.join(d, "graph.npz"), sp.csr_matrix(
                    (np.ones(len(ids), np.float32), ids, indptr), shape=(n, n)))
                graph = "graph.npz"
            args = ["--input", "x.npy", "--graph", graph, "--k", str(k), "--metric", metric,
                    "--seed", str(seed), "--report", "report.json", "--quiet"]
            if include_self:
                args.append("--include-self")
            if sample is not None:
                args += ["--sample", str(sample)]
            if truth is not None:
                np.save(os.path.join(d, "truth.npy"), truth)
                args += ["--truth", "truth.npy"]
            if threads is not None:
                args += ["--threads", str(int(threads))]
            self._run(args, d, "eval")
            with open(os.path.join(d, "report.json")) as f:
                r = json.load(f)
            return (float(r["recall"]), float(r["low"]), float(r["high"]), int(r["k"]), int(r["rows"]),
                    int(r["rows_with_self_loops"]), int(r["rows_with_duplicates"]),
                    int(r["rows_with_missing"]))

    def _radius(self, x, queries, radius, metric, include_self, algorithm, threads):
        import scipy.sparse as sp
        check_radius(radius)
        check_options(1, algorithm, None, 0, threads)
        with tempfile.TemporaryDirectory(prefix="knng-") as d:
            np.save(os.path.join(d, "x.npy"), x)
            args = ["--input", "x.npy", "--radius", repr(float(radius)), "--mode", "distance",
                    "--output", "graph.npz"] + self._common(metric, algorithm, threads)
            if include_self:
                args.append("--include-self")
            if queries is not None:
                np.save(os.path.join(d, "queries.npy"), queries)
                args += ["--queries", "queries.npy"]
            self._run(args, d)
            g = sp.load_npz(os.path.join(d, "graph.npz")).tocsr()
            return RadiusGraph(g.indptr.astype(np.int64), g.indices.astype(np.int32),
                               g.data.astype(np.float32))


_backend = None


def backend():
    """The route in use: the in-process one when JPype is installed, else the subprocess
    (``KNNG_BACKEND=jpype|process`` forces one)."""
    global _backend
    if _backend is None:
        wanted = os.environ.get("KNNG_BACKEND", "").strip().lower()
        if wanted not in ("", "jpype", "process"):
            raise ValueError("KNNG_BACKEND=%s: expected 'jpype' or 'process'" % wanted)
        if wanted == "process":
            _backend = _Subprocess()
        else:
            try:
                import jpype  # noqa: F401
            except ImportError:
                if wanted == "jpype":
                    raise RuntimeError("KNNG_BACKEND=jpype but JPype is not installed "
                                       "(Debian: python3-jpype; pip: JPype1)")
                _backend = _Subprocess()
            else:
                _backend = _InProcess()
    return _backend


def vectors(x, name="X", empty=False):
    """The input as a float32 C-contiguous 2-D array (scipy sparse matrices are densified); no rows
    is an error unless ``empty``."""
    if hasattr(x, "detach") and hasattr(x, "cpu"):  # a torch tensor
        x = x.detach().cpu().numpy()
    if hasattr(x, "toarray") and not isinstance(x, np.ndarray):  # a scipy sparse matrix
        x = x.toarray()
    x = np.asarray(x)
    if x.dtype.kind not in "fiub":
        raise ValueError("%s: expected numbers, got an array of dtype %s" % (name, x.dtype))
    if x.ndim == 1:
        raise ValueError("%s: expected a 2-D array (n_samples, n_features), got a 1-D array of %d "
                         "values; use X.reshape(-1, 1) for one feature" % (name, x.shape[0]))
    if x.ndim != 2:
        raise ValueError("%s: expected a 2-D array (n_samples, n_features), got %d dimensions"
                         % (name, x.ndim))
    if x.shape[1] == 0:
        raise ValueError("%s: 0 features" % name)
    if x.shape[0] == 0 and not empty:
        raise ValueError("%s: 0 samples (shape %s), at least one is needed" % (name, x.shape))
    with np.errstate(over="ignore", invalid="ignore"):  # reported below, by row and column
        out = np.ascontiguousarray(x, dtype=np.float32)
    _check_finite(x, out, name)
    return out


def _check_finite(x, out, name):
    """Refuses NaN, infinity and values float32 cannot hold, naming the array, row and column (in
    blocks of rows: no N x D mask of the whole array)."""
    step = max(1, (1 << 22) // max(1, out.shape[1]))
    for first in range(0, out.shape[0], step):
        block = out[first:first + step]
        if not np.isfinite(block).all():
            row, column = np.argwhere(~np.isfinite(block))[0]
            value = x[first + row, column]
            what = ("is %s" % value if not np.isfinite(value) else
                    "%r does not fit in float32" % (float(value),))
            raise ValueError("%s: row %d, column %d: value %s (only finite values are allowed)"
                             % (name, first + row, column, what))


def threads(n_jobs, name="n_jobs"):
    """scikit-learn's n_jobs as a thread count: None = all cores (the output does not depend on
    it), -1 = all cores, -2 = all but one, and so on."""
    if n_jobs is None:
        return None
    n_jobs = integer(n_jobs, name)
    if n_jobs == 0:
        raise ValueError("%s=0: expected a positive count, or -1 for all cores" % name)
    if n_jobs < 0:
        return max(1, (os.cpu_count() or 1) + 1 + n_jobs)
    return n_jobs
