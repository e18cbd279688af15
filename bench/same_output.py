"""Checks that two checkouts of knng write the same graphs, byte for byte, on real data.

usage: /usr/bin/python3 bench/same_output.py BEFORE_CHECKOUT [--after CHECKOUT] [--only NAME,...]
                                             [--data-dir DIR]

Runs `./knng build` of both checkouts on the same inputs with the same options (k-NN graphs in
every metric, include-self, radius graphs, groups, queries against a base, 1 and 2 threads) and
compares the written .npy ids, .npy distances and .npz radius graphs byte for byte. Prints one
line per case and exits 1 if any differ. For refactorings that must not change any output:

    git worktree add /tmp/knng-before <old commit>
    /usr/bin/python3 bench/same_output.py /tmp/knng-before

Data: Fashion-MNIST (60k train against the 10k test images) from Debian's dataset-fashion-mnist
package (or DIR/fashion-mnist/); MNIST 10k, SIFT 5k, Cora (cosine), digits (with its labels as
groups) and the Stanford bunny from the folder --data-dir names, as DIR/mnist/mnist.fvecs (or
t10k-images-idx3-ubyte.gz), DIR/sift5k/sift5k.fvecs, DIR/cora/cora.fvecs, DIR/digits/digits.fvecs
with digits.labels.txt and DIR/stanford-bunny/stanford-bunny.fvecs (missing ones are skipped);
random data is generated with a seed.
"""
import argparse
import filecmp
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peers  # noqa: E402  (dataset loading and the cache live there)
from benchlib import fashion_source, first_existing, in_data_dir, read_vectors  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def cached(name, source):
    """bench/data/NAME.npy, written from the source file once; None without a source."""
    if source is None:
        return None
    out = ROOT / "bench" / "data" / f"{name}.npy"
    if not out.exists():
        np.save(out, read_vectors(source))
    return out


def inputs(data_dir):
    cache = ROOT / "bench" / "data"
    cache.mkdir(parents=True, exist_ok=True)
    found = {}
    for name in ("random50k", "fashion60k", "sift5k", "cora"):
        got = peers.dataset(name, cache, data_dir=data_dir)
        if got:
            found[name] = got[0]
    sources = {
        "mnist": first_existing(in_data_dir(data_dir, "mnist", "mnist.fvecs", "t10k-images-idx3-ubyte.gz")),
        "fashion10k": fashion_source(None, data_dir, split="test"),
        "digits": first_existing(in_data_dir(data_dir, "digits", "digits.fvecs")),
        "stanford-bunny": first_existing(in_data_dir(data_dir, "stanford-bunny", "stanford-bunny.fvecs")),
    }
    for name, source in sources.items():
        path = cached(name, source)
        if path:
            found[name] = path
    labels = first_existing(in_data_dir(data_dir, "digits", "digits.labels.txt"))
    if labels:
        found["digits-labels"] = labels
    return found


def cases(data):
    """(name, input, options, outputs) — outputs: which files the case writes."""
    knn = ["ids.npy", "dist.npy"]
    out = []

    def add(name, key, options, files=knn):
        if key in data and all(not isinstance(o, tuple) or o[1] in data for o in options):
            opts = [data[o[1]] if isinstance(o, tuple) else o for o in options]
            out.append((name, data[key], [str(o) for o in opts], files))

    for threads in ("1", "2"):
        add(f"random50k euclidean k=10 threads={threads}", "random50k", ["--k", "10", "--threads", threads])
    add("fashion60k euclidean k=10", "fashion60k", ["--k", "10"])
    add("fashion60k cosine k=10", "fashion60k", ["--k", "10", "--metric", "cosine"])
    add("fashion60k sqeuclidean k=15 include-self", "fashion60k",
        ["--k", "15", "--metric", "sqeuclidean", "--include-self"])
    add("fashion60k radius 1000", "fashion60k", ["--radius", "1000"], ["graph.npz"])
    add("fashion10k queries against fashion60k", "fashion60k", ["--k", "10", "--queries", ("q", "fashion10k")])
    add("mnist euclidean k=10 threads=1", "mnist", ["--k", "10", "--threads", "1"])
    add("mnist manhattan k=5", "mnist", ["--k", "5", "--metric", "manhattan"])
    add("sift5k inner-product k=10", "sift5k", ["--k", "10", "--metric", "inner-product"])
    add("cora cosine k=10", "cora", ["--k", "10", "--metric", "cosine"])
    add("digits groups k=5", "digits", ["--k", "5", "--groups", ("g", "digits-labels")])
    add("stanford-bunny euclidean k=12", "stanford-bunny", ["--k", "12"])
    add("stanford-bunny radius 0.004 include-self", "stanford-bunny",
        ["--radius", "0.004", "--include-self"], ["graph.npz"])
    return out


def run(checkout, data, options, files, work):
    cmd = [str(Path(checkout) / "knng"), "build", "--input", str(data), "--quiet"] + options
    if files[0] == "graph.npz":
        cmd += ["--output", str(work / "graph.npz"), "--mode", "distance"]
    else:
        cmd += ["--output", str(work / "ids.npy"), "--distances", str(work / "dist.npy")]
    subprocess.run(cmd, check=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("before", help="the other checkout (its ./knng is run)")
    p.add_argument("--after", default=str(ROOT), help="this checkout by default")
    p.add_argument("--only", default="", help="comma-separated words; run the cases whose name has one")
    p.add_argument("--data-dir", help="folder with mnist/, sift5k/, cora/, digits/, stanford-bunny/ files")
    args = p.parse_args()
    words = [w for w in args.only.split(",") if w]
    differ = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, data, options, files in cases(inputs(args.data_dir)):
            if words and not any(w in name for w in words):
                continue
            dirs = []
            for side, checkout in (("before", args.before), ("after", args.after)):
                work = Path(tmp) / side
                work.mkdir(exist_ok=True)
                run(checkout, data, options, files, work)
                dirs.append(work)
            same = all(filecmp.cmp(dirs[0] / f, dirs[1] / f, shallow=False) for f in files)
            differ += not same
            print(f"{'same' if same else 'DIFFERENT'}  {name}  ({', '.join(files)})", flush=True)
    print(f"{differ} of the cases differ" if differ else "all outputs identical")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
