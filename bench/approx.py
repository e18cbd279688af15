"""Approximate k-NN graphs: recall@k against whole-process time, knng's engines beside PyNNDescent,
hnswlib and FAISS (HNSW, NN-descent), on the same .npy files.

Smoke run (small data, one repeat, a few minutes):

    /usr/bin/python3 bench/approx.py --data-dir DIR --datasets mnist10k,sift5k,mixture --sizes 20k \\
        --repeats 1 --knng-configs exact --out /tmp/approx-smoke

Full run (hours on 2 cores; results in bench/results/approx/):

    /usr/bin/python3 bench/approx.py --data-dir DIR --repeats 3 \\
        --knng-configs "exact;nndescent;nndescent --target-recall 0.99;lsh"

Install (Debian): apt-get install -y python3-numpy python3-scipy python3-faiss python3-pynndescent
python3-hnswlib dataset-fashion-mnist time. knng runs on JDK 25 (/usr/lib/jvm/temurin-25-jdk-amd64,
benchlib.JDK25) and ./knng builds itself with Maven on first use.

Datasets (float32 .npy, cached in bench/data/, which git ignores; delete bench/data/NAME.* to
re-read a source or recompute a ground truth):
  fashion60k  Fashion-MNIST training images, 60000 x 784: from --fashion FILE (IDX .gz, .fvecs or
              .npy) if given, else Debian's dataset-fashion-mnist package
              (/usr/share/datasets/fashion-mnist/), else DIR/fashion-mnist/ of --data-dir.
  mnist10k    MNIST test images, 10000 x 784: DIR/mnist/mnist.fvecs or t10k-images-idx3-ubyte.gz.
  sift5k      SIFT descriptors, 5000 x 128: DIR/sift5k/sift5k.fvecs.
  cora        Cora bag-of-words, 2708 x 1433, cosine: DIR/cora/cora.fvecs.
  stacked     the Fashion-MNIST training images, then MNIST's (test, plus training if
              DIR/mnist/train-images-idx3-ubyte.gz exists): two populations in one graph.
  random100k  100000 x 128 standard normal, seed 20261125 (the same rows as peers.py's): no
              structure, the hard case for every approximate method.
  mixture1m   1,000,000 x 96 Gaussian mixture, 1000 clusters of Zipf sizes and 10x different
              spreads, seed 20261201, made by bench/generate.py.
DIR (--data-dir) is a folder the user names, laid out as above (files may also sit directly in
it); datasets whose files are not found are reported and skipped. --sizes 20k,200k turns random*
and mixture* (given with or without a size, e.g. `mixture`) into those sizes; mixture200k is the
first 200k rows of mixture1m.

Ground truth (bench/data/NAME.truth.npy, recomputed if the data or k changed): knng's exact
engine, `./knng build --algorithm exact`, the reference. Above --truth-full-max rows (mixture1m)
an all-pairs truth costs too much, so a seeded sample of --truth-sample rows is searched with
`--queries` (k + 1, the row itself dropped by index) and every tool's recall is measured on those
rows only (NAME.truth-rows.npy holds them).

Recall@k, tie-tolerant like knng's own tests (EngineChecks.recall): an entry counts if it is a
real point, not the row itself, not a repeat within the row, and its distance, recomputed in
float64 from the vectors, is at most the true k-th distance (+ 1e-5 relative; absolute for
cosine). -1 entries count as misses.

Tools, each its own process, timed whole (imports, JVM start, reading and writing included) with
its peak RSS, in alternating order, --repeats times (the table gives medians):
  knng CONFIG   `./knng build --algorithm CONFIG...` on JDK 25 for each ;-separated entry of
                --knng-configs (first word the algorithm, the rest passed through). When
                `./knng build --help` lists them, --seed SEED is added for non-exact algorithms
                and --report FILE.json is kept, its recall estimate shown next to the measured one.
                `exact` always runs: the speed ratios use it.
  peers         --peers, named as in bench/approx_run.py: pynndescent-NN (n_neighbors NN; its
                graph includes the point itself, so pynndescent-11 is the one with 10 others and
                pynndescent-10 can reach at most 0.9), hnswlib-M{M}-ef{EF}, faiss-hnsw-M{M}-ef{EF}
                (ef_construction 200 for both, or -efc{C} appended), faiss-nndescent-K{G}.
                PyNNDescent's process calls it twice: the row "pynndescent-NN warm" is the second
                call's in-process time (numba already compiled), without the process's other costs.
                Seeded tools get --seed (default 42).
All get --threads threads (OMP_NUM_THREADS, NUMBA_NUM_THREADS and the tools' own settings). A tool
that runs longer than --timeout seconds is stopped, noted and not run again on that dataset;
faiss-nndescent and faiss-hnsw are left out above 200,000 rows (most of an hour per run at 1M;
--slow runs them).

Output in --out: approx.md (table per dataset; ratio = the row's seconds / the reference's, so
below 1 is faster), approx.svg (recall against log time, one panel per dataset, one marker per
tool family, the recall axis logarithmic in 1 - recall so that 0.99 and 0.999 stand apart) and
approx.json (every measurement, knng's reports included).
"""
import argparse
import hashlib
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from approx_run import drop_self  # noqa: E402
from benchlib import (DEBIAN_FASHION, JDK25, ROOT, RunFailed, TimedOut, exact_distances, prepare_knng,  # noqa: E402
                      first_existing, in_data_dir, read_vectors, run)
from benchlib import fashion_source as fashion_file  # noqa: E402

NAMED = ("fashion60k", "mnist10k", "sift5k", "cora", "stacked")
DATASETS = ",".join(NAMED) + ",random100k,mixture1m"
PEERS = ("pynndescent-11,pynndescent-30,hnswlib-M16-ef50,hnswlib-M16-ef100,hnswlib-M32-ef50,"
         "hnswlib-M32-ef100,faiss-hnsw-M32-ef100,faiss-nndescent-K32")
KNNG_CONFIGS = "exact;nndescent;nndescent --target-recall 0.99;lsh"
RANDOM_SEED = 20261125  # peers.py's
MIXTURE_SEED = 20261201
# Peers left out above this many rows unless --slow is given. Measured in-process on 2 busy cores,
# mixture 100k x 96: faiss-nndescent-K32 133 s and faiss-hnsw-M32-ef100 125 s, against 62 s for
# hnswlib-M32-ef100 (20k: 15 s, 8.5 s and 3.3 s); growing faster than N, both FAISS builds would take
# most of an hour per run at 1M, i.e. hours over the repeats.
SLOW = {"faiss-nndescent": 200_000, "faiss-hnsw": 200_000}
REFERENCE_PEER = "pynndescent-30 warm"


# ---------------------------------------------------------------------------------------- data

def size_of(text):
    """'20k' -> 20000, '1m' -> 1000000, '12.5k' -> 12500."""
    m = re.fullmatch(r"([0-9.]+)([km]?)", text.lower())
    if not m:
        raise SystemExit(f"bad size {text} (e.g. 20k, 200k, 1m)")
    return int(float(m.group(1)) * {"": 1, "k": 1000, "m": 1000000}[m.group(2)])


def size_name(n):
    if n % 1000000 == 0:
        return f"{n // 1000000}m"
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def expand(datasets, sizes):
    """Dataset names, with --sizes applied to the generated ones."""
    names = []
    for name in datasets.split(","):
        m = re.fullmatch(r"(random|mixture)([0-9.]+[km]?)?", name)
        if m and sizes:
            names += [m.group(1) + size_name(size_of(s)) for s in sizes.split(",")]
        elif m and not m.group(2):
            names.append({"random": "random100k", "mixture": "mixture1m"}[name])
        elif name:
            names.append(name)
    return list(dict.fromkeys(names))


def fashion_source(args, split="train"):
    return fashion_file(args.fashion, args.data_dir, split)


def mnist_sources(args):
    test = first_existing(in_data_dir(args.data_dir, "mnist", "mnist.fvecs", "t10k-images-idx3-ubyte.gz"))
    train = first_existing(in_data_dir(args.data_dir, "mnist", "train-images-idx3-ubyte.gz"))
    return test, train


def dataset(name, args, cache):
    """Returns (path of the cached .npy, metric) or None, with the reason printed."""
    out = cache / f"{name}.npy"
    metric = "cosine" if name == "cora" else "euclidean"
    if out.exists():
        return out, metric
    generated = re.fullmatch(r"(random|mixture)([0-9.]+[km]?)", name)
    if generated and generated.group(1) == "mixture":
        n = size_of(generated.group(2))
        print(f"generating {name} ({n} x 96) ...", flush=True)
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "mixture", "--n", str(n),
                        "--d", "96", "--clusters", "1000", "--seed", str(MIXTURE_SEED),
                        "--out", str(out) + ".tmp.npy"], check=True)
        os.replace(str(out) + ".tmp.npy", out)
        return out, metric
    if generated:
        X = np.random.default_rng(RANDOM_SEED).standard_normal((size_of(generated.group(2)), 128),
                                                               dtype=np.float32)
    elif name == "fashion60k":
        src = fashion_source(args)
        if src is None or not src.exists():
            print(f"skipped {name}: no --fashion file, no dataset-fashion-mnist package "
                  f"({DEBIAN_FASHION}) and none in --data-dir")
            return None
        X = read_vectors(src)
    elif name == "mnist10k":
        src = mnist_sources(args)[0]
        if src is None:
            print(f"skipped {name}: no mnist/mnist.fvecs or mnist/t10k-images-idx3-ubyte.gz in --data-dir")
            return None
        X = read_vectors(src)
    elif name in ("sift5k", "cora"):
        src = first_existing(in_data_dir(args.data_dir, name, f"{name}.fvecs"))
        if src is None:
            print(f"skipped {name}: no {name}/{name}.fvecs in --data-dir")
            return None
        X = read_vectors(src)
    elif name == "stacked":
        fashion = fashion_source(args)
        test, train = mnist_sources(args)
        if fashion is None or not fashion.exists() or test is None:
            print(f"skipped {name}: needs both Fashion-MNIST and MNIST (see fashion60k, mnist10k)")
            return None
        X = np.vstack([read_vectors(p) for p in (fashion, test, train) if p is not None])
    else:
        raise AssertionError(name)  # main() checked the names
    tmp = cache / f"{name}.tmp.npy"
    np.save(tmp, np.ascontiguousarray(X, dtype=np.float32))
    os.replace(tmp, out)
    return out, metric


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 24):
            h.update(block)
    return h.hexdigest()


def knng_command(data, k, metric, threads, out, algorithm="exact", extra=()):
    return [str(ROOT / "knng"), "build", "--input", str(data), "--k", str(k), "--metric", metric,
            "--threads", str(threads), "--output", str(out), "--algorithm", algorithm] + list(extra)


def knng_env(threads):
    return dict(thread_env(threads), JAVA_HOME=JDK25)


def thread_env(threads):
    t = str(threads)
    return dict(os.environ, OMP_NUM_THREADS=t, NUMBA_NUM_THREADS=t, OPENBLAS_NUM_THREADS=t,
                MKL_NUM_THREADS=t)


def ground_truth(name, data, X, metric, args, cache, work):
    """Returns (rows, their true neighbour ids, their true k-th distance), cached in bench/data."""
    truth, meta_file, rows_file = (cache / f"{name}.truth.npy", cache / f"{name}.truth.json",
                                   cache / f"{name}.truth-rows.npy")
    n = X.shape[0]
    sampled = n > args.truth_full_max
    meta = {"data_sha256": sha256(data), "k": args.k, "metric": metric,
            "rows": min(args.truth_sample, n) if sampled else "all", "seed": args.seed}
    if not (truth.exists() and meta_file.exists() and json.loads(meta_file.read_text()) == meta):
        start = time.perf_counter()
        if sampled:
            rows = np.sort(np.random.default_rng(args.seed).choice(n, meta["rows"], replace=False))
            queries = work / f"{name}.truth-queries.npy"
            np.save(queries, np.ascontiguousarray(X[rows]))
            out = work / f"{name}.truth-k1.npy"
            run(knng_command(data, args.k + 1, metric, args.threads, out) + ["--queries", queries],
                knng_env(args.threads))
            found = np.load(out).astype(np.int64)
            ids = drop_self(found, args.k, own=rows)  # the same rule as every peer's
            np.save(rows_file, rows)
        else:
            out = work / f"{name}.truth-all.npy"
            run(knng_command(data, args.k, metric, args.threads, out), knng_env(args.threads))
            ids = np.load(out).astype(np.int64)
            rows_file.unlink(missing_ok=True)
        np.save(truth, ids.astype(np.int32))
        meta_file.write_text(json.dumps(meta) + "\n")
        print(f"{name}: ground truth ({meta['rows']} rows) in {time.perf_counter() - start:.1f} s",
              flush=True)
    ids = np.load(truth).astype(np.int64)
    rows = np.load(rows_file) if sampled else np.arange(n)
    assert ids.shape == (len(rows), args.k) and (ids >= 0).all(), f"{truth}: not a full k-NN list"
    kth = exact_distances(X, ids, metric, rows).max(axis=1)
    return rows, ids, kth


def recall(X, found, rows, kth, metric, k):
    """Tie-tolerant recall@k of found (N x >=k ids) on the truth rows."""
    n = X.shape[0]
    ids = np.full((len(rows), k), -1, dtype=np.int64)
    cols = min(k, found.shape[1])
    ids[:, :cols] = found[rows, :cols]
    valid = (ids >= 0) & (ids < n) & (ids != rows[:, None])
    d = exact_distances(X, np.where(valid, ids, rows[:, None]), metric, rows)
    tol = 1e-5 if metric == "cosine" else 1e-5 * np.maximum(1.0, np.abs(kth))
    good = np.where(valid & (d <= (kth + tol)[:, None]), ids, -1)
    good.sort(axis=1)
    distinct = (good[:, :1] >= 0).sum(axis=1) + ((good[:, 1:] != good[:, :-1]) & (good[:, 1:] >= 0)).sum(axis=1)
    return float(distinct.sum() / (len(rows) * k))


# --------------------------------------------------------------------------------------- tools

def knng_help():
    env = dict(os.environ, JAVA_HOME=JDK25)
    prepare_knng(ROOT / "knng", [JDK25])  # outside the timings: the jar, the class-data archive
    return subprocess.run([str(ROOT / "knng"), "build", "--help"], check=True, capture_output=True,
                          text=True, env=env).stdout


def parse_configs(text):
    configs = [" ".join(shlex.split(c)) for c in text.split(";") if c.strip()]
    if not any(shlex.split(c)[0] == "exact" and len(shlex.split(c)) == 1 for c in configs):
        configs.insert(0, "exact")
    return configs


def tool_command(tool, data, metric, args, work, help_text):
    """(command, env, ids file, report or in-process times file) for one timed run. help_text:
    `./knng build --help`, to add --seed and --report only where knng lists them ("" for none)."""
    safe = re.sub(r"[^A-Za-z0-9.=-]+", "_", tool)
    out = work / f"{safe}.npy"
    side = work / f"{safe}.json"
    for stale in (out, side, work / f"{safe}.warm.npy"):  # nothing of an earlier run is read
        stale.unlink(missing_ok=True)
    if tool.startswith("knng "):
        words = shlex.split(tool[len("knng "):])
        extra = words[1:]
        if words[0] != "exact" and "--seed" in help_text and "--seed" not in extra:
            extra += ["--seed", str(args.seed)]
        if "--report" in help_text and "--report" not in extra:
            extra += ["--report", str(side)]
        return knng_command(data, args.k, metric, args.threads, out, words[0], extra), knng_env(args.threads), out, side
    cmd = [sys.executable, str(ROOT / "bench" / "approx_run.py"), tool, data, args.k, metric,
           args.threads, args.seed, out, side]
    return cmd, thread_env(args.threads), out, side


def report_recall(report):
    """knng's own recall estimate from its --report JSON: the first number under a key that
    mentions recall (and not the target), searched depth first."""
    if isinstance(report, dict):
        for key, value in report.items():
            if "recall" in key.lower() and "target" not in key.lower() and isinstance(value, (int, float)):
                return float(value)
        for value in report.values():
            found = report_recall(value)
            if found is not None:
                return found
    elif isinstance(report, list):
        for value in report:
            found = report_recall(value)
            if found is not None:
                return found
    return None


def last_line(failure):
    """The last line a failed command printed (its error), else the failure's own first line."""
    lines = [ln for ln in str(failure).splitlines()[1:] if ln.strip()]
    return lines[-1] if lines else str(failure).splitlines()[0]


def measure(name, data, metric, X, truth, tools, args, work, help_text):
    rows, _, kth = truth
    res = {t: {"seconds": [], "rss_mb": [], "recall": [], "in_process_s": [], "notes": []} for t in tools}
    skipped = {}
    plain = {}  # knng tools that run without the options the harness adds
    for rep in range(args.repeats):
        order = tools[rep % len(tools):] + tools[:rep % len(tools)]  # alternate who goes first
        for tool in order:
            if tool in skipped:
                continue
            cmd, env, out, side = tool_command(tool, data, metric, args, work, plain.get(tool, help_text))
            with tempfile.TemporaryDirectory(dir=work) as numba_cache:
                # A fresh numba cache per process: every pynndescent run compiles as a first use does.
                env = dict(env, NUMBA_CACHE_DIR=numba_cache)
                try:
                    try:
                        seconds, peak, err = run(cmd, env, args.timeout)
                    except RunFailed as e:
                        as_written = tool_command(tool, data, metric, args, work, "")
                        if isinstance(e, TimedOut) or as_written[0] == cmd:
                            raise
                        # An algorithm may reject the --seed or --report that this harness added:
                        # run it as the user wrote it, then and from now on.
                        cmd, _, out, side = as_written
                        seconds, peak, err = run(cmd, env, args.timeout)
                        plain[tool] = ""
                        res[tool]["notes"].append("ran without the added --seed/--report: " + last_line(e))
                except TimedOut:
                    skipped[tool] = f"stopped after the --timeout of {args.timeout:g} s"
                    print(f"{name:12s} {tool:30s} run {rep + 1}: {skipped[tool]}", flush=True)
                    continue
                except RunFailed as e:
                    skipped[tool] = "failed: " + last_line(e)
                    print(f"{name:12s} {tool:30s} run {rep + 1}: {skipped[tool]}", flush=True)
                    continue
            r = res[tool]
            r["seconds"].append(seconds)
            r["rss_mb"].append(peak)
            r["recall"].append(recall(X, np.load(out).astype(np.int64), rows, kth, metric, args.k))
            if tool.startswith("knng "):
                found = re.search(r"search ([0-9.]+) s", err)
                r["in_process_s"].append(float(found.group(1)) if found else None)
                if side.exists():
                    report = json.loads(side.read_text())
                    r.setdefault("reports", []).append(report)
                    r.setdefault("estimate", []).append(report_recall(report))
            else:
                times = json.loads(side.read_text())
                r.setdefault("phases", []).append(times)
                r["in_process_s"].append(times.get("first", sum(times.values())))
                if "warm" in times:
                    w = res.setdefault(f"{tool} warm", {"seconds": [], "rss_mb": [], "recall": [],
                                                        "in_process_s": [], "notes": []})
                    w["seconds"].append(times["warm"])
                    w["in_process_s"].append(times["warm"])
                    w["rss_mb"].append(peak)
                    warm_ids = np.load(str(out).replace(".npy", "") + ".warm.npy")
                    w["recall"].append(recall(X, warm_ids, rows, kth, metric, args.k))
                    w["warm"] = True
            est = r.get("estimate", [None])[-1]
            print(f"{name:12s} {tool:30s} run {rep + 1}: {seconds:8.2f} s {peak:7.0f} MB  "
                  f"recall {r['recall'][-1]:.4f}" + (f" (knng's estimate {est:.4f})" if est is not None else ""),
                  flush=True)
    for tool, why in skipped.items():
        res[tool]["notes"].append(why)
    return res


# -------------------------------------------------------------------------------------- output

def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def markdown(results, args):
    lines = [f"Approximate k={args.k} graphs: recall@{args.k} (tie-tolerant, against knng's exact "
             f"engine) and whole-process seconds (imports, JVM start, reading and writing included), "
             f"{args.threads} threads, median of {args.repeats} alternating runs. In-process: knng's "
             f"search time, the peers' build + query time (PyNNDescent: its first call, numba's "
             f"compilation included); \"pynndescent-NN warm\" is the second call in the same "
             f"process (in-process time only, its peak RSS the process's). Ratios = this row's seconds / the reference's in the same "
             f"run (below 1 = faster).", ""]
    for ds, entry in results.items():
        res = entry["tools"]
        base = median(res.get("knng exact", {}).get("seconds", []))
        ref = median(res.get(REFERENCE_PEER, {}).get("seconds", []))
        lines += [f"### {ds} ({entry['shape'][0]} x {entry['shape'][1]}, {entry['metric']}; "
                  f"recall on {entry['truth_rows']})", "",
                  f"| tool | recall@{args.k} | knng's estimate | seconds | in-process s | peak RSS MB | "
                  f"vs knng exact | vs {REFERENCE_PEER} |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        done = {t: r for t, r in res.items() if r["seconds"]}
        for tool, r in sorted(done.items(), key=lambda kv: median(kv[1]["seconds"])):
            s = median(r["seconds"])
            est = median(r.get("estimate", []))
            inproc = median(r["in_process_s"])
            lines.append(
                f"| {tool} | {median(r['recall']):.4f} | {'' if est is None else f'{est:.4f}'} | "
                f"{s:.2f} | {'' if inproc is None else f'{inproc:.2f}'} | {max(r['rss_mb']):.0f} | "
                f"{'' if not base else f'{s / base:.2f}x'} | {'' if not ref else f'{s / ref:.2f}x'} |")
        for tool, r in res.items():
            for note in r["notes"]:
                lines.append(f"\n- {tool}: {note}")
        for note in entry.get("notes", []):
            lines.append(f"\n- {note}")
        lines.append("")
    lines += [f"Machine: {os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}; command: "
              f"`/usr/bin/python3 bench/approx.py {' '.join(shlex.quote(a) for a in sys.argv[1:])}`".rstrip()]
    return "\n".join(lines) + "\n"


FAMILIES = [  # (prefix, colour, marker)
    ("knng", "#1b7837", "circle"),
    ("pynndescent", "#2166ac", "square"),
    ("hnswlib", "#e08214", "triangle"),
    ("faiss-hnsw", "#762a83", "diamond"),
    ("faiss-nndescent", "#b2182b", "cross"),
]


def marker(kind, x, y, colour, hollow):
    fill = "none" if hollow else colour
    style = f'fill="{fill}" stroke="{colour}" stroke-width="1.5"'
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" {style}/>'
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" {style}/>'
    if kind == "triangle":
        return f'<polygon points="{x:.1f},{y - 5:.1f} {x - 5:.1f},{y + 4:.1f} {x + 5:.1f},{y + 4:.1f}" {style}/>'
    if kind == "diamond":
        return f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}" {style}/>'
    return (f'<path d="M{x - 4:.1f},{y - 4:.1f} L{x + 4:.1f},{y + 4:.1f} M{x - 4:.1f},{y + 4:.1f} '
            f'L{x + 4:.1f},{y - 4:.1f}" stroke="{colour}" stroke-width="2"/>')


def family(tool):
    for prefix, colour, kind in sorted(FAMILIES, key=lambda f: -len(f[0])):
        if tool.startswith(prefix):
            return colour, kind
    return "#999999", "circle"


MISS_FLOOR = 1e-4  # recall 0.9999 and above is drawn at the top of a panel


def chart(results, path, k):
    """Recall@k against log seconds, one panel per dataset, as plain SVG. The recall axis is
    logarithmic in 1 - recall (0.9, 0.99, 0.999 equally spaced), where approximate methods differ;
    each point is numbered, and the key beside its panel names it."""
    pw, ph, left, key, cols = 360, 260, 60, 250, 2
    panels = [(ds, e) for ds, e in results.items() if any(r["seconds"] for r in e["tools"].values())]
    nrows = max(1, (len(panels) + cols - 1) // cols)
    cell_w, cell_h = left + pw + key, ph + 90
    width, height = cols * cell_w + 10, nrows * cell_h + 70
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="10" y="20" font-size="14" font-weight="bold">Approximate k={k} graphs: recall@{k} '
           f'against whole-process seconds (both axes log), up and left is better</text>']
    lx = 10
    for prefix, colour, kind in FAMILIES:
        out.append(marker(kind, lx + 5, 40, colour, False))
        out.append(f'<text x="{lx + 14}" y="44">{prefix}</text>')
        lx += 30 + 7 * len(prefix)
    out.append(marker("square", lx + 5, 40, "#2166ac", True))
    out.append(f'<text x="{lx + 14}" y="44">pynndescent warm (in-process time)</text>')
    for i, (ds, entry) in enumerate(panels):
        x0 = 10 + (i % cols) * cell_w + left
        y0 = 90 + (i // cols) * cell_h
        points = sorted(((t, median(r["seconds"]), median(r["recall"]))
                         for t, r in entry["tools"].items() if r["seconds"]), key=lambda p: (p[1], p[0]))
        lo = 10 ** np.floor(np.log10(min(p[1] for p in points)))
        hi = max(10 ** np.ceil(np.log10(max(p[1] for p in points))), lo * 10)
        worst = max(max(1 - p[2] for p in points), 0.1)
        # The largest miss rate on the axis (1 = recall 0): the first of 0.1, 0.2, 0.5, 1 that holds all.
        bottom = min(m * 10.0 ** e for e in (-1, 0) for m in (1, 2, 5) if m * 10.0 ** e >= worst - 1e-12)
        sx = lambda s: x0 + pw * np.log10(s / lo) / np.log10(hi / lo)  # noqa: E731
        sy = lambda r: y0 + ph * np.log10(max(1 - r, MISS_FLOOR) / MISS_FLOOR) / np.log10(bottom / MISS_FLOOR)  # noqa: E731
        out.append(f'<text x="{x0}" y="{y0 - 10}" font-weight="bold">{ds} ({entry["shape"][0]} x '
                   f'{entry["shape"][1]}, {entry["metric"]})</text>')
        out.append(f'<rect x="{x0}" y="{y0}" width="{pw}" height="{ph}" fill="none" stroke="#444"/>')
        decade = lo
        while decade <= hi * 1.001:
            for m in (1, 2, 5):
                s = decade * m
                if lo <= s <= hi * 1.001:
                    x = sx(s)
                    out.append(f'<line x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y0 + ph}" stroke="#ddd"/>')
                    out.append(f'<text x="{x:.1f}" y="{y0 + ph + 14}" text-anchor="middle">{s:g}</text>')
            decade *= 10
        miss = MISS_FLOOR
        while miss <= bottom * 1.001:
            for m in (1, 2, 5):
                if miss * m <= bottom * 1.001 and (m == 1 or miss * m < 1):
                    r = 1 - miss * m
                    y = sy(r)
                    text = f"≥{r:g}" if miss * m == MISS_FLOOR else f"{r:g}"
                    out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + pw}" y2="{y:.1f}" '
                               f'stroke="{"#ddd" if m == 1 else "#f0f0f0"}"/>')
                    out.append(f'<text x="{x0 - 5}" y="{y + 4:.1f}" text-anchor="end" '
                               f'font-size="{10 if m == 1 else 8}">{text}</text>')
            miss *= 10
        out.append(f'<text x="{x0 + pw / 2}" y="{y0 + ph + 30}" text-anchor="middle">seconds</text>')
        out.append(f'<text x="{x0 - 48}" y="{y0 + ph / 2}" text-anchor="middle" '
                   f'transform="rotate(-90 {x0 - 48} {y0 + ph / 2})">recall@{k}</text>')
        for n, (tool, s, r) in enumerate(points, 1):
            colour, kind = family(tool)
            x, y = sx(s), sy(r)
            out.append(marker(kind, x, y, colour, tool.endswith(" warm")))
            out.append(f'<text x="{x + 6:.1f}" y="{y - 5:.1f}" font-size="9" fill="{colour}">{n}</text>')
            ky = y0 + 8 + 14 * (n - 1)
            out.append(marker(kind, x0 + pw + 16, ky - 4, colour, tool.endswith(" warm")))
            out.append(f'<text x="{x0 + pw + 26}" y="{ky}" font-size="10">{n} {tool.replace("knng ", "knng: ")}'
                       f' {r:.4f}, {s:.2f} s</text>')
    out.append("</svg>")
    Path(path).write_text("\n".join(out) + "\n")


# ---------------------------------------------------------------------------------------- main

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--datasets", default=DATASETS, help=f"comma-separated (default {DATASETS})")
    p.add_argument("--sizes", help="sizes for random*/mixture*, e.g. 20k,200k")
    p.add_argument("--data-dir", help="folder with mnist/, sift5k/, cora/ (and fashion-mnist/) files")
    p.add_argument("--fashion", help="Fashion-MNIST training images (IDX .gz, .fvecs or .npy)")
    p.add_argument("--peers", default=PEERS, help=f"comma-separated, empty for none (default {PEERS})")
    p.add_argument("--knng-configs", default=KNNG_CONFIGS,
                   help=f"';'-separated algorithm plus options (default \"{KNNG_CONFIGS}\")")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=42, help="for the tools and the truth sample")
    p.add_argument("--timeout", type=float, default=3600, help="seconds per process (default 3600)")
    p.add_argument("--truth-full-max", type=int, default=300_000,
                   help="above this many rows the ground truth is a sample (default 300000)")
    p.add_argument("--truth-sample", type=int, default=2000)
    p.add_argument("--slow", action="store_true", help="run the peers of SLOW on any size")
    p.add_argument("--out", default=str(ROOT / "bench" / "results" / "approx"))
    args = p.parse_args()
    out_dir = Path(args.out)
    cache = ROOT / "bench" / "data"
    work = ROOT / "bench" / "work" / "approx"
    for d in (out_dir, cache, work):
        d.mkdir(parents=True, exist_ok=True)
    if not shutil.which("/usr/bin/time"):
        raise SystemExit("needs GNU time at /usr/bin/time (Debian: apt-get install -y time)")

    names = expand(args.datasets, args.sizes)
    unknown = [n for n in names if n not in NAMED and not re.fullmatch(r"(random|mixture)[0-9.]+[km]?", n)]
    if unknown:
        raise SystemExit(f"unknown dataset(s) {', '.join(unknown)}: use {DATASETS} (random/mixture any size)")
    help_text = knng_help()
    configs = parse_configs(args.knng_configs)
    peers = [t for t in args.peers.split(",") if t]
    print(f"knng build accepts: --seed {'yes' if '--seed' in help_text else 'no'}, "
          f"--report {'yes' if '--report' in help_text else 'no'}; configs: {configs}", flush=True)

    results = {}
    for name in names:
        found = dataset(name, args, cache)
        if found is None:
            continue
        data, metric = found
        X = np.load(data, mmap_mode="r")
        truth = ground_truth(name, data, X, metric, args, cache, work)
        tools, notes = [f"knng {c}" for c in configs], []
        for peer in peers:
            limit = next((v for key, v in SLOW.items() if peer.startswith(key)), None)
            if limit is not None and X.shape[0] > limit and not args.slow:
                notes.append(f"{peer}: left out above {limit} rows (most of an hour per run at 1M; --slow runs it)")
            else:
                tools.append(peer)
        res = measure(name, data, metric, X, truth, tools, args, work, help_text)
        rows = len(truth[0])
        results[name] = {"shape": list(X.shape), "metric": metric, "notes": notes, "tools": res,
                         "truth_rows": "all rows" if rows == X.shape[0] else f"a sample of {rows} rows"}
        (out_dir / "approx.json").write_text(json.dumps(
            {"command": sys.argv, "date": time.strftime("%Y-%m-%d %H:%M"), "cores": os.cpu_count(),
             "k": args.k, "threads": args.threads, "repeats": args.repeats, "seed": args.seed,
             "datasets": results}, indent=1) + "\n")
    table = markdown(results, args)
    (out_dir / "approx.md").write_text(table)
    chart(results, out_dir / "approx.svg", args.k)
    print()
    print(table)


if __name__ == "__main__":
    main()
