"""Side-by-side timing of ./knng build against FAISS, scikit-learn and PyTorch on the same files.

usage: /usr/bin/python3 bench/peers.py [--datasets random50k,fashion60k,sift5k,cora,scaling]
                                       [--repeats 3] [--k 10[,100,1000]] [--threads 2]
                                       [--jdks 25,17] [--name peers] [--out bench/results]
                                       [--fashion FILE] [--data-dir DIR]

Every builder runs as its own process on the same .npy file (whole-process wall time and peak RSS,
imports and JVM start included), in alternating order, --repeats times; the table reports the
median. Each peer's neighbours are checked against knng's (tie-tolerant: the sorted exact
distances of the two neighbour lists must agree within a float32 tolerance; on 5,000 sampled rows
when the graph has more than 5 million edges). knng runs on JDK 25 (the recommended runtime) and
on JDK 17 (--jdks). Several k (--k 10,100,1000) give one table row group per k. Results: a
markdown table and an SVG bar chart in --out, named after --name.

Datasets (float32 .npy, cached in bench/data/, which git ignores), found as bench/approx.py finds
them: fashion60k (Fashion-MNIST's 60,000 training images) from --fashion FILE (IDX .gz, .fvecs or
.npy), else Debian's dataset-fashion-mnist package (/usr/share/datasets/fashion-mnist/), else
DIR/fashion-mnist/ of --data-dir; sift5k and cora (cosine) from DIR/sift5k/sift5k.fvecs and
DIR/cora/cora.fvecs; randomN (N x 128 standard normal) generated with a fixed seed. Missing
datasets are reported and skipped.
Needs Debian's python3-numpy, python3-faiss, python3-sklearn, python3-torch and (for fashion60k)
dataset-fashion-mnist.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
# Shared with approx.py; same_output.py reaches read_fvecs through this module.
from benchlib import (DEBIAN_FASHION, JDK17, JDK25, ROOT, exact_distances, fashion_source, prepare_knng,  # noqa: E402
                      first_existing, in_data_dir, read_fvecs, read_vectors, run)

PEERS = ["faiss-flat", "sklearn-brute", "torch-cdist", "torch-mm"]


def dataset(name, cache, fashion=None, data_dir=None):
    """Returns (path to .npy, metric) or None with a reason printed; fashion and data_dir as
    --fashion and --data-dir."""
    out = cache / f"{name}.npy"
    metric = "cosine" if name == "cora" else "euclidean"
    if out.exists():
        return out, metric
    if name.startswith("random"):
        n = int(float(name[len("random"):].rstrip("k")) * 1000)
        X = np.random.default_rng(20261125).standard_normal((n, 128), dtype=np.float32)
    elif name == "fashion60k":
        src = fashion_source(fashion, data_dir)
        if src is None or not src.exists():
            print(f"skipped {name}: no --fashion file, no dataset-fashion-mnist package "
                  f"({DEBIAN_FASHION}) and none in --data-dir")
            return None
        X = read_vectors(src)
    elif name in ("sift5k", "cora"):
        src = first_existing(in_data_dir(data_dir, name, f"{name}.fvecs"))
        if src is None:
            print(f"skipped {name}: no {name}/{name}.fvecs in --data-dir")
            return None
        X = read_fvecs(src)
    else:
        raise SystemExit(f"unknown dataset {name}")
    np.save(out, X)
    return out, metric


def builder_command(builder, data, k, metric, threads, out):
    if builder.startswith("knng"):
        jdk = JDK25 if builder.endswith("jdk25") else JDK17
        env = dict(os.environ, JAVA_HOME=jdk)
        # No --quiet: the summary line reports the search time alone (for the scaling fit); runs
        # shorter than a second print nothing else, longer ones a progress line every few seconds.
        return [str(ROOT / "knng"), "build", "--input", str(data), "--k", str(k), "--metric", metric,
                "--threads", str(threads), "--output", str(out)], env
    return [sys.executable, str(ROOT / "bench" / "peer_run.py"), builder, str(data), str(k), metric,
            str(threads), str(out)], None


def agreement(X, ours, theirs, metric, max_edges=5_000_000, sample=5000):
    """Share of rows whose neighbour lists have the same sorted exact distances (tie-tolerant),
    over every row, or over `sample` seeded rows when the graph has more than `max_edges` edges."""
    if theirs.shape != ours.shape:
        return 0.0
    n = ours.shape[0]
    if (theirs == np.arange(n)[:, None]).any():
        return 0.0
    rows = np.arange(n)
    if ours.size > max_edges:
        rows = np.sort(np.random.default_rng(7).choice(n, size=min(n, sample), replace=False))
    a = np.sort(exact_distances(X, ours[rows], metric, rows), axis=1)
    b = np.sort(exact_distances(X, theirs[rows], metric, rows), axis=1)
    tol = 1e-4 * np.maximum(1.0, np.abs(a[:, -1:]))
    return float(np.mean(np.all(np.abs(a - b) <= tol, axis=1)))


def fit_power_with_offset(ns, ts):
    """Fits t = c + a * N^p (c: the fixed start-up and JIT warm-up cost); returns (c, p)."""
    ns = np.asarray(ns, dtype=float)
    ts = np.asarray(ts, dtype=float)
    best = None
    for c in np.linspace(0.0, 0.99 * ts.min(), 400):
        p, log_a = np.polyfit(np.log(ns), np.log(ts - c), 1)
        err = np.sum((np.log(ts - c) - (p * np.log(ns) + log_a)) ** 2)
        if best is None or err < best[0]:
            best = (err, c, p)
    return best[1], best[2]


def bar_chart(results, path, k):
    """A grouped horizontal bar chart of median seconds per dataset, as plain SVG."""
    rows = [(ds, b, r["median"]) for ds, res in results.items() for b, r in res.items()]
    height = 28 * len(rows) + 40 * len(results) + 40
    width = 760
    colors = {"knng-jdk25": "#1b7837", "knng-jdk17": "#5aae61"}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<text x="10" y="20" font-size="14" font-weight="bold">Exact k={k} graph, whole-process '
           f'seconds (median), lower is better</text>']
    y = 40
    for ds, res in results.items():
        out.append(f'<text x="10" y="{y + 14}" font-weight="bold">{ds}</text>')
        y += 22
        top = max(r["median"] for r in res.values())
        for b, r in res.items():
            w = 440 * r["median"] / top
            out.append(f'<text x="20" y="{y + 14}">{b}</text>')
            out.append(f'<rect x="170" y="{y + 2}" width="{w:.1f}" height="18" '
                       f'fill="{colors.get(b, "#999999")}"/>')
            out.append(f'<text x="{175 + w:.1f}" y="{y + 15}">{r["median"]:.2f} s</text>')
            y += 26
        y += 14
    out.append("</svg>")
    Path(path).write_text("\n".join(out) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--datasets", default="random50k,fashion60k,sift5k,cora,scaling")
    p.add_argument("--peers", default=",".join(PEERS))
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--k", default="10", help="neighbours per point, or several: 10,100,1000")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--jdks", default="25,17", help="JDKs knng runs on: 25, 17 or both")
    p.add_argument("--name", default="peers", help="basename of the table and chart")
    p.add_argument("--out", default=str(ROOT / "bench" / "results"))
    p.add_argument("--fashion", help="Fashion-MNIST training images (IDX .gz, .fvecs or .npy)")
    p.add_argument("--data-dir", help="folder with sift5k/, cora/ (and fashion-mnist/) files")
    args = p.parse_args()
    out_dir = Path(args.out)
    cache = ROOT / "bench" / "data"
    work = ROOT / "bench" / "work"
    for d in (out_dir, cache, work):
        d.mkdir(parents=True, exist_ok=True)

    names = []
    for name in args.datasets.split(","):
        names += ["random12.5k", "random25k", "random50k", "random100k"] if name == "scaling" else [name]
    ks = [int(k) for k in args.k.split(",")]
    builders = [f"knng-jdk{j}" for j in args.jdks.split(",")] + [b for b in args.peers.split(",") if b]

    # Build the launcher's jar and its class-data archives once, outside the timings.
    prepare_knng(ROOT / "knng", [JDK25 if j == "25" else JDK17 for j in args.jdks.split(",")])

    results = {}
    scaling = {}
    for name in dict.fromkeys(names):
        found = dataset(name, cache, args.fashion, args.data_dir)
        if found is None:
            continue
        data, metric = found
        X = np.load(data)
        for k in ks:
            who = builders if not name.startswith("random") or name == "random50k" else ["knng-jdk25", "faiss-flat"]
            times = {b: [] for b in who}
            search = []
            rss = {b: 0.0 for b in who}
            ids = {}
            for rep in range(args.repeats):
                order = who[rep % len(who):] + who[:rep % len(who)]  # alternate who goes first
                for b in order:
                    out = work / f"{name}-{b}.npy"
                    cmd, env = builder_command(b, data, k, metric, args.threads, out)
                    seconds, peak, err = run(cmd, env)
                    found = re.search(r"search ([0-9.]+) s", err)
                    if b == "knng-jdk25" and found:
                        search.append(float(found.group(1)))
                    times[b].append(seconds)
                    rss[b] = max(rss[b], peak)
                    ids[b] = np.load(out).astype(np.int64)
                    print(f"{name:12s} k={k:<5d} {b:14s} run {rep + 1}: {seconds:7.2f} s  {peak:8.0f} MB",
                          flush=True)
            res = {}
            for b in who:
                res[b] = {"median": statistics.median(times[b]), "min": min(times[b]), "rss": rss[b],
                          "agree": agreement(X, ids["knng-jdk25"], ids[b], metric)}
            label = f"{name} ({X.shape[0]} x {X.shape[1]}, {metric})"
            results[label + (f", k={k}" if len(ks) > 1 else "")] = res
            if len(ks) == 1 and (name.startswith("random") and name != "random50k" or name == "random50k"):
                scaling[X.shape[0]] = (res["knng-jdk25"]["median"], res["knng-jdk25"]["rss"], X.nbytes,
                                       statistics.median(search))

    lines = [f"Exact k={args.k} graphs, {args.threads} threads, whole process, median of {args.repeats} "
             f"(alternating runs). Ratio = peer time / knng (JDK 25) time. Agreement = rows whose "
             f"neighbours have the same exact distances as knng's.", ""]
    for ds, res in results.items():
        base = res["knng-jdk25"]["median"]
        lines += [f"### {ds}", "", "| builder | median s | min s | peak RSS MB | ratio | agreement |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for b, r in sorted(res.items(), key=lambda kv: kv[1]["median"]):
            lines.append(f"| {b} | {r['median']:.2f} | {r['min']:.2f} | {r['rss']:.0f} | "
                         f"{r['median'] / base:.2f}x | {100 * r['agree']:.2f}% |")
        lines.append("")
    if len(scaling) >= 3:
        ns = sorted(scaling)
        slope = np.polyfit(np.log(ns), np.log([scaling[n][0] for n in ns]), 1)[0]
        search_slope = np.polyfit(np.log(ns), np.log([scaling[n][3] for n in ns]), 1)[0]
        fixed, power = fit_power_with_offset(ns, [scaling[n][3] for n in ns])
        lines += ["### Scaling (knng, JDK 25)", "",
                  "| N | whole process s | search s | peak RSS MB | input + N·k·8 + 256 MB |",
                  "| ---: | ---: | ---: | ---: | ---: |"]
        for n in ns:
            t, r, nbytes, s = scaling[n]
            bound = (nbytes + n * ks[0] * 8) / 2**20 + 256
            lines.append(f"| {n} | {t:.2f} | {s:.2f} | {r:.0f} | {bound:.0f} |")
        lines += ["", f"Fitted exponent of time vs N: search {search_slope:.2f}, whole process {slope:.2f} "
                  f"(2.00 = quadratic). Both include a fixed cost (JVM start, JIT warm-up): fitting "
                  f"search time = c + a·N^p gives c = {fixed:.2f} s and p = {power:.2f}.", ""]
    lines += [f"Machine: {os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}; command: "
              f"`/usr/bin/python3 bench/peers.py {' '.join(sys.argv[1:])}`".rstrip()]
    table = "\n".join(lines) + "\n"
    (out_dir / f"{args.name}.md").write_text(table)
    bar_chart(results, out_dir / f"{args.name}.svg", args.k)
    print()
    print(table)


if __name__ == "__main__":
    main()
