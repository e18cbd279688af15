#!/usr/bin/env python3
"""Per-call cost of the Python package: knng.kneighbors_graph in-process (JPype) and through a
java subprocess, against scikit-learn's kneighbors_graph, on a small input (median of repeated calls
after the first) and on a large one (the package's whole call against `./knng build`'s search time).

    /usr/bin/python3 bench/python_overhead.py [--large FILE.fvecs|.npy] [--k 10] [--repeats 20]

Run from the repository root with PYTHONPATH=python (or the package installed).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))

import knng  # noqa: E402
from knng import _engine  # noqa: E402


def timed(call, repeats):
    """Medians of calls 2..repeats+1 and of the next `repeats` calls (the JIT keeps compiling the
    engine's code over the first calls of a process)."""
    call()  # the first call starts the JVM
    times = []
    for _ in range(2 * repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times[:repeats]), statistics.median(times[repeats:])


def fvecs(path):
    if path.endswith(".npy"):
        return np.load(path).astype(np.float32)
    raw = np.fromfile(path, dtype=np.int32)
    d = raw[0]
    return raw.reshape(-1, d + 1)[:, 1:].view(np.float32).copy()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--large")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--repeats", type=int, default=20)
    a = p.parse_args()
    from sklearn.neighbors import kneighbors_graph as sk
    x = np.random.RandomState(0).rand(1000, 16).astype(np.float32)
    print("backend:", knng.backend())
    ours = timed(lambda: knng.kneighbors_graph(x, a.k, mode="distance"), a.repeats)
    theirs = timed(lambda: sk(x, a.k, mode="distance"), a.repeats)
    sub = _engine._Subprocess()
    process = timed(lambda: sub.graph(x, a.k, "euclidean", False, "auto", None, 0, None, None), 3)[0]
    for i, label in enumerate(("calls 2-%d" % (a.repeats + 1), "calls %d-%d" % (a.repeats + 2, 2 * a.repeats + 1))):
        print("1000 x 16, k=%d, median of %s: knng in-process %.1f ms, scikit-learn %.1f ms "
              "(in-process / scikit-learn = %.2f)" % (a.k, label, ours[i] * 1e3, theirs[i] * 1e3, ours[i] / theirs[i]))
    print("1000 x 16, k=%d: knng through a java subprocess %.0f ms per call" % (a.k, process * 1e3))
    if a.large:
        big = fvecs(a.large)
        np.save("/tmp/knng-overhead-large.npy", big)
        start = time.perf_counter()
        knng.kneighbors_graph(big, a.k, mode="distance")
        first = time.perf_counter() - start
        start = time.perf_counter()
        knng.kneighbors_graph(big, a.k, mode="distance")
        second = time.perf_counter() - start
        out = subprocess.run([os.path.join(ROOT, "knng"), "build", "--input", "/tmp/knng-overhead-large.npy",
                              "--k", str(a.k), "--output", "/tmp/knng-overhead-large.npz", "--mode", "distance",
                              "--report", "/tmp/knng-overhead-large.json", "--quiet"],
                             capture_output=True, text=True, check=True)
        import json
        with open("/tmp/knng-overhead-large.json") as f:
            search = json.load(f)["seconds"]["search"]
        print("%s (%d x %d), k=%d: package call %.2f s (first) / %.2f s (second); ./knng build search %.2f s "
              "(package / search = %.2f)" % (os.path.basename(a.large), big.shape[0], big.shape[1], a.k,
                                            first, second, search, second / search))
        for f in ("/tmp/knng-overhead-large.npy", "/tmp/knng-overhead-large.npz", "/tmp/knng-overhead-large.json"):
            os.remove(f)


if __name__ == "__main__":
    main()
