"""Low-dimensional (point-cloud) exact k-NN graphs: ./knng build --algorithm kdtree beside SciPy's
cKDTree and scikit-learn's kd-tree and ball tree, on the same .npy files.

usage: /usr/bin/python3 bench/lowdim.py [--datasets bunny,uniform200k,uniform1m,surface1m,uniform1m-d8,clouds1000] [--bunny FILE]
                                        [--builders knng,ckdtree,sklearn-kd,sklearn-ball,ckdtree-loop,sklearn-kd-loop]
                                        [--knng-algorithms kdtree[,exact]] [--knng PATH] [--jdks 25[,17]]
                                        [--k 10] [--threads 2] [--repeats 3] [--timeout 600]
                                        [--name lowdim] [--out bench/results/lowdim]
       /usr/bin/python3 bench/lowdim.py --sweep [--dims 2,3,4,6,8,12,16,24,32] [--sweep-size 200k] ...

Full run (knng's kd-tree and brute force beside every peer), then the dimension sweep:

    /usr/bin/python3 bench/lowdim.py --knng-algorithms kdtree,exact --repeats 3
    /usr/bin/python3 bench/lowdim.py --sweep --repeats 3

Every builder runs as its own process on the same .npy file (whole-process wall time and peak RSS,
imports, JVM start, reading and writing included; benchlib.run), in alternating order, --repeats
times; the table gives the median and the minimum. A process that runs longer than --timeout
seconds is stopped, reported as a timeout and not run again on that dataset; one that fails is
reported with its last line.

Datasets (float32 .npy cached in bench/data/, which git ignores; delete bench/data/NAME.* to
regenerate; the generators are bench/generate.py's, also usable from its command line):
  bunny          the Stanford bunny, 35,947 x 3: the vertices of bun_zipper.ply, in the
                 reconstruction/ folder of bunny.tar.gz from the Stanford 3D Scanning Repository
                 (graphics.stanford.edu/data/3Dscanrep; not shipped here: it has no license). Name
                 that file (or a .fvecs of its x, y, z) with --bunny FILE; without it, and with no
                 bench/data/bunny.npy from an earlier run, the bunny is skipped.
  uniformN[-dD]  N points (200k, 1m, ...) uniform in [0, 1)^D, D = 3 unless given:
                 `generate.py uniform`, seed 20261210 (with D); uniform200k is the first 200k rows
                 of uniform1m. The default list has uniform200k, uniform1m and uniform1m-d8.
  surfaceN       a LiDAR-like street scene in metres: ground, building facades, cars, poles and
                 trees, sampled on their surfaces with 1 cm noise, density falling as 1/r^2 from
                 six scanners, rounded to 1 mm: `generate.py surface`, seed 20261211.
  cloudsC        C clouds of 1,024 points (ellipsoids and objects of boxes, cylinders and spheres,
                 deformed, rotated, overlapping in space) stacked and shuffled, with their cloud ids
                 in NAME.labels.txt (one per line) and NAME.labels.npy (int64): `generate.py
                 clouds`, seed 20261212. A grouped dataset: neighbours only within a cloud.

Builders (--builders; `knng` means every --knng-algorithms entry on every --jdks JDK):
  knng-ALG       `KNNG build --input X.npy --k K --metric euclidean --threads T --algorithm ALG
                 --output ids.npy` (plus `--groups NAME.labels.npy` on grouped data; knng reads a
                 1-D integer .npy or text with one label per line, and --groups-format txt passes
                 the text file) on JDK 25 (JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64); on JDK 17
                 the row is knng-ALG-jdk17. KNNG is --knng (default ./knng, which builds its jar
                 once, before the timings). knng writes N x k int32 ids.
  ckdtree, sklearn-kd, sklearn-ball
                 scipy.spatial.cKDTree and sklearn.neighbors.NearestNeighbors (kd_tree,
                 ball_tree), with THREADS workers / n_jobs; not run on grouped data (one tree over
                 all the clouds would mix them).
  ckdtree-loop, sklearn-kd-loop
                 grouped data only: a Python loop building one tree per cloud, ids mapped back.
  (bench/lowdim_run.py runs the peers and documents them; each writes N x K int64 ids, the point
  itself removed by index, not by distance, so duplicate points are neighbours, as in knng.)

Checks (tie-tolerant, as peers.py's agreement): two neighbour lists of a row agree when their
sorted distances, recomputed in float64 from the float32 vectors, are equal within 1e-5 of the
row's k-th distance plus 1e-7 of the largest coordinate magnitude (float32 rounding; peers.py's
absolute 1e-4 floor would be wide here, where neighbours are millimetres or 1/100 apart), and the
list names neither the row itself nor an id twice nor (grouped data) a point of another group.
  agreement  share of rows agreeing with the reference: knng-kdtree when it ran, else knng-exact,
             else the first of ckdtree, ckdtree-loop, sklearn-kd, sklearn-kd-loop, sklearn-ball
             that ran (so peers are checked against each other when knng is not run); over every
             row up to 5 million edges, else over --check-rows seeded rows.
  truth      share of --truth-rows seeded rows (default 100) agreeing with a brute-force search in
             float64 done here (within the row's group on grouped data): an independent check of
             every builder, the reference included.
Ratio: a builder's median / knng-kdtree's median on the same dataset (peer / knng: above 1 means
knng is faster); when knng-kdtree did not run, / the reference peer's (ckdtree, or ckdtree-loop on
grouped data). When knng-kdtree ran, the report ends with the targets it was built for:
uniform1m and surface1m at least 2x faster than ckdtree, uniform200k and bunny faster than ckdtree,
clouds1000 (with --groups) at least 2x faster than ckdtree-loop, uniform1m-d8 faster than every
peer.

--sweep: knng's kd-tree against its brute force (--algorithm exact) on uniform200k-dD for each D of
--dims (default 2,3,4,6,8,12,16,24,32; --sweep-size sets N), to find the dimension where the tree
stops beating brute force. --builders and --knng-algorithms change who runs (default
knng-kdtree and knng-exact); the reference is knng-exact. Default --name lowdim-sweep.

Results: NAME.md (table), NAME.svg (bar chart; the sweep: seconds against D) and NAME.json (every
run's seconds) in --out (default bench/results/lowdim). Needs Debian's python3-numpy,
python3-scipy, python3-sklearn and time (GNU time at /usr/bin/time).
"""
import argparse
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402
from benchlib import (JDK17, JDK25, ROOT, RunFailed, TimedOut, exact_distances, prepare_knng,  # noqa: E402
                      read_fvecs, run)
from lowdim_run import GROUPED, PEERS, WHOLE  # noqa: E402

DATASETS = "bunny,uniform200k,uniform1m,surface1m,uniform1m-d8,clouds1000"
CLOUD_POINTS = 1024
JDKS = {"25": JDK25, "17": JDK17}
# Who is the reference of the agreement column, first that ran (the sweep puts knng-exact first).
REFERENCE_ORDER = ["knng-kdtree", "knng-exact", "ckdtree", "ckdtree-loop", "sklearn-kd", "sklearn-kd-loop",
                   "sklearn-ball"]
MAX_CHECKED_EDGES = 5_000_000
# (dataset, peer ("*": every peer that ran), peer / knng-kdtree time must reach, strictly if 1)
TARGETS = [("uniform1m", "ckdtree", 2.0), ("surface1m", "ckdtree", 2.0), ("uniform200k", "ckdtree", 1.0),
           ("bunny", "ckdtree", 1.0), ("clouds1000", "ckdtree-loop", 2.0), ("uniform1m-d8", "*", 1.0)]


@dataclass
class Dataset:
    name: str
    path: Path
    labels_npy: Path = None  # grouped data only
    labels_txt: Path = None
    source: str = ""
    generated_s: float = None  # seconds to generate, when generated in this run


def size_of(text):
    """'200k' -> 200000, '1m' -> 1000000, '35947' -> 35947."""
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:].lower(), 1)
    return int(float(text.rstrip("kKmM")) * scale)


def read_ply_vertices(path):
    """x, y, z of the vertices of an ASCII PLY file (as Stanford ships the bunny), float32."""
    with open(path, "rb") as f:
        if f.readline().strip() != b"ply":
            raise SystemExit(f"--bunny {path}: not a PLY file")
        count, properties, in_vertex = None, [], False
        for line in f:
            words = line.split()
            if words[:1] == [b"format"] and words[1:2] != [b"ascii"]:
                raise SystemExit(f"--bunny {path}: only ASCII PLY is read, this one is {words[1].decode()}")
            if words[:2] == [b"element", b"vertex"]:
                count, in_vertex = int(words[2]), True
            elif words[:1] == [b"element"]:
                in_vertex = False
            elif words[:1] == [b"property"] and in_vertex:
                properties.append(words[-1].decode())
            elif words[:1] == [b"end_header"]:
                break
        if count is None or not {"x", "y", "z"} <= set(properties):
            raise SystemExit(f"--bunny {path}: no vertex element with x, y and z")
        columns = [properties.index(c) for c in "xyz"]
        rows = [f.readline().split() for _ in range(count)]
    return np.array([[float(r[c]) for c in columns] for r in rows], dtype=np.float32)


def read_bunny(path):
    """The bunny's points from --bunny: an ASCII .ply, or a .fvecs of x, y, z."""
    if path is None:
        return None
    path = Path(path)
    if not path.is_file():
        raise SystemExit(f"--bunny {path}: no such file")
    return read_fvecs(path) if path.suffix == ".fvecs" else read_ply_vertices(path)


def dataset(name, cache, bunny=None):
    """The cached dataset, generated (or read) first if needed; None, with the reason printed.
    bunny: the --bunny file, which replaces a cached bunny."""
    path = cache / f"{name}.npy"
    uniform = re.fullmatch(r"uniform([0-9.]+[km]?)(?:-d([0-9]+))?", name)
    surface = re.fullmatch(r"surface([0-9.]+[km]?)", name)
    clouds = re.fullmatch(r"clouds([0-9]+)", name)
    if name == "bunny":
        found = Dataset(name, path, source="Stanford 3D Scanning Repository, bun_zipper.ply vertices")
    elif uniform:
        d = int(uniform.group(2) or 3)
        found = Dataset(name, path, source=f"generate.py uniform, seed {generate.UNIFORM_SEED}")
    elif surface:
        found = Dataset(name, path, source=f"generate.py surface, seed {generate.SURFACE_SEED}")
    elif clouds:
        found = Dataset(name, path, cache / f"{name}.labels.npy", cache / f"{name}.labels.txt",
                        source=f"generate.py clouds, {CLOUD_POINTS} points each, seed {generate.CLOUDS_SEED}")
    else:
        raise SystemExit(f"unknown dataset {name}: use bunny, uniformN[-dD], surfaceN or cloudsC")
    fresh = name == "bunny" and bunny is not None
    if not fresh and path.exists() and all(p is None or p.exists() for p in (found.labels_npy, found.labels_txt)):
        return found
    if name == "bunny" and bunny is None:
        print(f"skipped {name}: name Stanford's bun_zipper.ply with --bunny FILE (see --help)")
        return None
    print(f"generating {name} ...", flush=True)
    start = time.perf_counter()
    labels = None
    if name == "bunny":
        X = read_bunny(bunny)
    elif uniform:
        X = generate.uniform(size_of(uniform.group(1)), d)
    elif surface:
        X = generate.surface(size_of(surface.group(1)))
    else:
        X, labels = generate.clouds(int(clouds.group(1)), CLOUD_POINTS)
    tmp = {p: p.with_name(f"{p.name}.{os.getpid()}.tmp{p.suffix}")
           for p in (found.labels_txt, found.labels_npy, path) if p is not None}
    if labels is not None:
        generate.write_labels(labels, tmp[found.labels_txt], tmp[found.labels_npy])
    np.save(tmp[path], X)
    for final, written in tmp.items():  # the data last: it marks the dataset complete
        os.replace(written, final)
    found.generated_s = time.perf_counter() - start
    print(f"generated {name} ({X.shape[0]} x {X.shape[1]}) in {found.generated_s:.1f} s", flush=True)
    return found


# ------------------------------------------------------------------------------------ builders

def knng_builders(algorithms, jdks):
    return [f"knng-{a}" + ("" if j == "25" else f"-jdk{j}") for a in algorithms for j in jdks]


def parse_knng(builder):
    """'knng-kdtree' -> ('kdtree', '25'); 'knng-exact-jdk17' -> ('exact', '17')."""
    m = re.fullmatch(r"knng-(.+?)(?:-jdk([0-9]+))?", builder)
    return m.group(1), m.group(2) or "25"


def expand_builders(text, algorithms, jdks):
    out = []
    for b in (t.strip() for t in text.split(",") if t.strip()):
        if b == "knng":
            out += knng_builders(algorithms, jdks)
        elif b.startswith("knng-") or b in PEERS:
            if b.startswith("knng-") and parse_knng(b)[1] not in JDKS:
                raise SystemExit(f"{b}: JDK {parse_knng(b)[1]} is not one of {', '.join(JDKS)}")
            out.append(b)
        else:
            raise SystemExit(f"unknown builder {b}: use knng, knng-ALG[-jdk17] or one of {', '.join(PEERS)}")
    return list(dict.fromkeys(out))


def applicable(builder, ds):
    """None if the builder runs on ds, else why not."""
    if ds.labels_npy is not None and builder in WHOLE:
        return "not run: one tree over all the clouds would mix them (no groups)"
    if ds.labels_npy is None and builder in GROUPED:
        return "grouped data only"
    return None


def thread_env(threads):
    t = str(threads)
    return dict(os.environ, OMP_NUM_THREADS=t, OPENBLAS_NUM_THREADS=t, MKL_NUM_THREADS=t)


def builder_command(builder, ds, args, out, times_out):
    """(command, environment) of one timed run."""
    if builder.startswith("knng-"):
        algorithm, jdk = parse_knng(builder)
        cmd = [args.knng, "build", "--input", ds.path, "--k", args.k, "--metric", "euclidean",
               "--threads", args.threads, "--algorithm", algorithm, "--output", out]
        if ds.labels_npy is not None:
            cmd += ["--groups", ds.labels_txt if args.groups_format == "txt" else ds.labels_npy]
        return cmd, dict(thread_env(args.threads), JAVA_HOME=JDKS[jdk])
    cmd = [sys.executable, ROOT / "bench" / "lowdim_run.py", builder, ds.path, args.k, args.threads, out,
           times_out]
    if ds.labels_npy is not None:
        cmd.append(ds.labels_npy)
    return cmd, thread_env(args.threads)


def last_line(failure):
    """The last line a failed command printed (its error), else the failure's own first line."""
    lines = [ln for ln in str(failure).splitlines()[1:] if ln.strip()]
    return lines[-1] if lines else str(failure).splitlines()[0]


def measure(ds, builders, args, work):
    """Times every builder --repeats times in alternating order; returns {builder: result} with
    seconds, rss_mb, in_process (lists), ids (of the last run) and status (None, or why it stopped)."""
    res = {b: {"seconds": [], "rss_mb": [], "in_process": [], "ids": None, "status": None} for b in builders}
    for rep in range(args.repeats):
        order = builders[rep % len(builders):] + builders[:rep % len(builders)]  # alternate who goes first
        for b in order:
            r = res[b]
            if r["status"]:
                continue
            out, times_out = work / f"{ds.name}-{b}.npy", work / f"{ds.name}-{b}.times.json"
            out.unlink(missing_ok=True)
            times_out.unlink(missing_ok=True)
            cmd, env = builder_command(b, ds, args, out, times_out)
            try:
                seconds, peak, err = run(cmd, env, args.timeout)
            except TimedOut:
                r["status"] = f"timeout (> {args.timeout:g} s)"
            except RunFailed as e:
                r["status"] = "failed: " + last_line(e)
            if r["status"]:
                print(f"{ds.name:14s} {b:18s} run {rep + 1}: {r['status']}", flush=True)
                continue
            if b.startswith("knng-"):
                found = re.search(r"search ([0-9.]+) s", err)
                r["in_process"].append(float(found.group(1)) if found else None)
            else:
                r["in_process"].append(json.loads(times_out.read_text())["total"])
            r["seconds"].append(seconds)
            r["rss_mb"].append(peak)
            r["ids"] = np.load(out).astype(np.int64)
            print(f"{ds.name:14s} {b:18s} run {rep + 1}: {seconds:8.2f} s {peak:7.0f} MB", flush=True)
    return res


# -------------------------------------------------------------------------------------- checks

def neighbour_distances(X, ids, rows):
    """Float64 distances of each row to its listed neighbours: -1 entries as +inf, ids out of
    range as NaN (which equals nothing)."""
    missing, invalid = ids == -1, (ids < -1) | (ids >= X.shape[0])
    d = exact_distances(X, np.where(missing | invalid, rows[:, None], ids), "euclidean", rows)
    d[missing] = np.inf
    d[invalid] = np.nan
    return d


def well_formed(ids, rows, n, labels):
    """Rows whose list holds only ids of the n points (or -1), neither the row itself, nor an id
    twice, nor another group's point."""
    ok = ((ids >= -1) & (ids < n)).all(axis=1) & ~(ids == rows[:, None]).any(axis=1)
    s = np.sort(ids, axis=1)
    ok &= ~((s[:, 1:] == s[:, :-1]) & (s[:, 1:] >= 0)).any(axis=1)
    if labels is not None:
        ok &= ((ids < 0) | (labels[np.clip(ids, 0, n - 1)] == labels[rows][:, None])).all(axis=1)
    return ok


def same_distances(a, b, tol):
    """Rows of the sorted distance lists a and b equal within tol (one per row); inf equals inf."""
    with np.errstate(invalid="ignore"):
        return ((np.abs(a - b) <= tol[:, None]) | (np.isinf(a) & np.isinf(b))).all(axis=1)


def tolerance(a, scale):
    """Per row: 1e-5 of its largest finite distance plus 1e-7 of the largest coordinate magnitude."""
    kth = np.where(np.isfinite(a), a, 0.0).max(axis=1)
    return 1e-5 * kth + 1e-7 * scale


def agreement(X, ref, ids, rows, labels, scale):
    """Share of `rows` whose lists in ids and ref agree (see the module docstring)."""
    if ids.shape != ref.shape:
        return 0.0
    a = np.sort(neighbour_distances(X, ref[rows], rows), axis=1)
    b = np.sort(neighbour_distances(X, ids[rows], rows), axis=1)
    return float(np.mean(same_distances(a, b, tolerance(a, scale)) & well_formed(ids[rows], rows, X.shape[0], labels)))


def brute_force(X, rows, k, labels=None, block=16):
    """Sorted float64 distances of each row to its k nearest other points (within its group), by
    brute force; +inf pads groups of k points or fewer."""
    n, d = X.shape
    X64 = X.astype(np.float64)
    out = np.full((len(rows), k), np.inf)
    if labels is not None:
        for i, r in enumerate(rows):
            members = np.flatnonzero(labels == labels[r])
            dist = np.sqrt(((X64[members] - X64[r]) ** 2).sum(axis=1))
            dist[members == r] = np.inf
            m = min(k, len(members) - 1)
            out[i, :m] = np.sort(dist)[:m]
        return out
    columns = np.ascontiguousarray(X64.T)
    for s in range(0, len(rows), block):
        R = rows[s:s + block]
        d2 = np.zeros((len(R), n))
        for j in range(d):
            d2 += (columns[j][None, :] - X64[R, j][:, None]) ** 2
        d2[np.arange(len(R)), R] = np.inf
        out[s:s + len(R)] = np.sqrt(np.sort(np.partition(d2, k - 1, axis=1)[:, :k], axis=1))
    return out


def check(ds, X, res, args, reference_order):
    """Fills each result's agreement (with the reference) and truth (with brute force) shares;
    returns the reference's name, or None when nothing ran."""
    labels = np.load(ds.labels_npy) if ds.labels_npy is not None else None
    done = [b for b, r in res.items() if r["ids"] is not None]
    if not done:
        return None, 0, 0
    reference = next((b for b in reference_order if b in done), done[0])
    n = X.shape[0]
    scale = float(np.abs(X).max())
    rng = np.random.default_rng(7)
    rows = np.arange(n)
    if n * args.k > MAX_CHECKED_EDGES:
        rows = np.sort(rng.choice(n, size=min(n, args.check_rows), replace=False))
    truth_rows = np.sort(np.random.default_rng(11).choice(n, size=min(n, args.truth_rows), replace=False))
    truth = brute_force(X, truth_rows, args.k, labels)
    for b in done:
        r = res[b]
        ids = r["ids"]
        if ids.shape != (n, args.k):
            r["agreement"] = r["truth"] = 0.0
            continue
        r["agreement"] = None if b == reference else agreement(X, res[reference]["ids"], ids, rows, labels, scale)
        found = np.sort(neighbour_distances(X, ids[truth_rows], truth_rows), axis=1)
        r["truth"] = float(np.mean(same_distances(truth, found, tolerance(truth, scale))
                                   & well_formed(ids[truth_rows], truth_rows, n, labels)))
    return reference, len(rows), len(truth_rows)


# -------------------------------------------------------------------------------------- output

def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratio_base(entry):
    """(builder the ratios divide by, its median seconds), or (None, None)."""
    res = entry["results"]
    for b in ["knng-kdtree", "ckdtree", "ckdtree-loop"]:
        if b in res and res[b]["seconds"]:
            return b, median(res[b]["seconds"])
    return None, None


def shape_text(shape):
    return f"{shape[0]:,} x {shape[1]}"


def percent(share):
    return "" if share is None else f"{100 * share:.2f}%"


def markdown(entries, args, command, sweep=False):
    """The report: the table, the data, the notes and, when knng-kdtree ran, the targets."""
    lines = [f"Exact k={args.k} graphs of low-dimensional data, {args.threads} threads, whole process "
             f"(imports, JVM start, reading and writing included), median and minimum of {args.repeats} "
             f"alternating runs, peak RSS the largest of the runs. In-process: knng's search time, the "
             f"peers' build + query time. Agreement: rows whose neighbours have the same exact distances "
             f"as the reference's (**ref**); truth: the same against a float64 brute-force search on "
             f"{args.truth_rows} seeded rows. Ratio: this row's median / the base's (**base**: "
             f"knng-kdtree, else the reference peer): peer / knng above 1 means knng is faster.", "",
             "| dataset | N x D | builder | median s | min s | in-process s | peak RSS MB | agreement | truth "
             "| ratio |",
             "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    notes = []
    for name, entry in entries.items():
        res = entry["results"]
        base, base_s = ratio_base(entry)
        ran = sorted((b for b in res if res[b]["seconds"]), key=lambda b: median(res[b]["seconds"]))
        for b in ran + [b for b in res if not res[b]["seconds"]]:
            r = res[b]
            label = f"{name}{' (groups)' if entry['grouped'] else ''}"
            if not r["seconds"]:
                lines.append(f"| {label} | {shape_text(entry['shape'])} | {b} | {r['status']} | | | | | | |")
                continue
            s = median(r["seconds"])
            inproc = median(r["in_process"])
            agree = "**ref**" if b == entry["reference"] else percent(r.get("agreement"))
            ratio = "**base**" if b == base else (f"{s / base_s:.2f}x" if base_s else "")
            lines.append(f"| {label} | {shape_text(entry['shape'])} | {b} | {s:.2f} | {min(r['seconds']):.2f} | "
                         f"{'' if inproc is None else f'{inproc:.2f}'} | {max(r['rss_mb']):.0f} | {agree} | "
                         f"{percent(r.get('truth'))} | {ratio} |")
        for b, why in entry["skipped"].items():
            notes.append(f"- {name}: {b} {why}.")
        if entry["checked_rows"] < entry["shape"][0]:
            notes.append(f"- {name}: agreement on {entry['checked_rows']:,} seeded rows "
                         f"(the graph has more than {MAX_CHECKED_EDGES:,} edges).")
    lines.append("")
    if sweep:
        lines += sweep_summary(entries)
    lines += ["Data:", "", "| dataset | N x D | groups | duplicate rows | source | generated in |",
              "| --- | ---: | ---: | ---: | --- | ---: |"]
    for name, entry in entries.items():
        gen = entry["generated_s"]
        lines.append(f"| {name} | {shape_text(entry['shape'])} | {entry['groups'] or ''} | {entry['duplicates']:,} | "
                     f"{entry['source']} | {'cached' if gen is None else f'{gen:.1f} s'} |")
    lines.append("")
    if notes:
        lines += notes + [""]
    if not sweep:
        lines += targets(entries)
    lines += [f"Machine: {os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}; command: `{command}`"]
    return "\n".join(lines) + "\n"


def targets(entries):
    """Lines reporting each target whose dataset and builders ran (knng-kdtree's median against
    the peer's), or nothing when knng-kdtree did not run."""
    out = []
    for name, peer, need in TARGETS:
        entry = entries.get(name)
        if entry is None or not entry["results"].get("knng-kdtree", {}).get("seconds"):
            continue
        res = entry["results"]
        knng = median(res["knng-kdtree"]["seconds"])
        peers = [b for b in res if not b.startswith("knng-")] if peer == "*" else [peer]
        parts, met = [], True
        for b in peers:
            r = res.get(b)
            if r is None:
                continue
            if not r["seconds"]:  # a peer that timed out lost; one that failed has no time to compare
                parts.append(f"{b} {r['status']}")
                continue
            ratio = median(r["seconds"]) / knng
            parts.append(f"{b} {ratio:.2f}x")
            met &= ratio >= need if need > 1 else ratio > need
        if parts:
            goal = f"at least {need:g}x faster than" if need > 1 else "faster than"
            who = "every peer" if peer == "*" else peer
            out.append(f"- {name}: knng-kdtree {goal} {who}: **{'met' if met else 'NOT met'}** "
                       f"({', '.join(parts)}).")
    return (["Targets (peer / knng-kdtree median):", ""] + out + [""]) if out else []


def sweep_summary(entries):
    """The sweep's compact table (kd-tree against brute force per D) and where the tree stops
    winning."""
    names = list(entries)
    first = entries[names[0]]["results"]
    pair = ["knng-kdtree", "knng-exact"] if {"knng-kdtree", "knng-exact"} <= set(first) else list(first)[:2]
    if len(pair) < 2:
        return []
    tree, brute = pair
    lines = [f"Sweep: {tree} against {brute} by dimension.", "",
             f"| D | {tree} s | {brute} s | {brute} / {tree} |", "| ---: | ---: | ---: | ---: |"]
    wins = []
    for name, entry in entries.items():
        res = entry["results"]
        t, b = (median(res[x]["seconds"]) if res[x]["seconds"] else None for x in pair)
        show = lambda s, x: f"{s:.2f}" if s is not None else res[x]["status"]  # noqa: E731
        lines.append(f"| {entry['shape'][1]} | {show(t, tree)} | {show(b, brute)} | "
                     f"{f'{b / t:.2f}x' if t and b else ''} |")
        if t and b:
            wins.append((entry["shape"][1], b / t > 1))
    faster = [d for d, w in wins if w]
    slower = [d for d, w in wins if not w]
    lines.append("")
    if faster and slower:
        lines.append(f"{tree} is faster than {brute} at D = {', '.join(map(str, faster))} and not at D = "
                     f"{', '.join(map(str, slower))}: the largest D where it wins is {max(faster)}.")
    elif wins:
        lines.append(f"{tree} is {'faster' if faster else 'not faster'} than {brute} at every D measured "
                     f"({', '.join(str(d) for d, _ in wins)}).")
    lines.append("")
    return lines


COLOURS = {"knng-kdtree": "#1b7837", "knng-exact": "#5aae61", "ckdtree": "#2166ac", "ckdtree-loop": "#2166ac",
           "sklearn-kd": "#e08214", "sklearn-kd-loop": "#e08214", "sklearn-ball": "#b35806"}


def colour(builder):
    return COLOURS.get(builder, "#1b7837" if builder.startswith("knng-") else "#999999")


def bar_chart(entries, path, k):
    """Grouped horizontal bars of median seconds per dataset (each group on its own scale), as plain
    SVG; a builder that timed out or failed is named with its status instead of a bar."""
    rows = sum(len(e["results"]) for e in entries.values())
    width, height = 820, 26 * rows + 36 * len(entries) + 50
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="10" y="20" font-size="14" font-weight="bold">Exact k={k} graphs of low-dimensional '
           f'data, whole-process seconds (median), lower is better</text>']
    y = 40
    for name, entry in entries.items():
        res = entry["results"]
        out.append(f'<text x="10" y="{y + 14}" font-weight="bold">{name} ({shape_text(entry["shape"])}'
                   f'{", groups" if entry["grouped"] else ""})</text>')
        y += 22
        top = max([median(r["seconds"]) for r in res.values() if r["seconds"]], default=1.0)
        for b, r in sorted(res.items(), key=lambda kv: median(kv[1]["seconds"]) if kv[1]["seconds"] else 1e18):
            out.append(f'<text x="20" y="{y + 14}">{b}</text>')
            if r["seconds"]:
                s = median(r["seconds"])
                w = 480 * s / top
                out.append(f'<rect x="170" y="{y + 2}" width="{w:.1f}" height="18" fill="{colour(b)}"/>')
                out.append(f'<text x="{175 + w:.1f}" y="{y + 15}">{s:.2f} s</text>')
            else:
                out.append(f'<text x="170" y="{y + 15}" fill="#b2182b">{r["status"]}</text>')
            y += 26
        y += 14
    out.append("</svg>")
    Path(path).write_text("\n".join(out) + "\n")


def sweep_chart(entries, path, k):
    """Median seconds against D, one line per builder, log-scale seconds, as plain SVG."""
    dims = [e["shape"][1] for e in entries.values()]
    builders = list(dict.fromkeys(b for e in entries.values() for b in e["results"]))
    points = {b: [(i, median(e["results"][b]["seconds"])) for i, e in enumerate(entries.values())
                  if b in e["results"] and e["results"][b]["seconds"]] for b in builders}
    values = [s for p in points.values() for _, s in p]
    left, top_y, pw, ph = 70, 50, 600, 320
    width, height = left + pw + 180, top_y + ph + 60
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="10" y="20" font-size="14" font-weight="bold">Exact k={k} graph of '
           f'{shape_text(next(iter(entries.values()))["shape"]).split(" x ")[0]} uniform points: whole-process '
           f'seconds (median, log scale) against D</text>']
    if values:
        lo = 10 ** np.floor(np.log10(min(values)))
        hi = max(10 ** np.ceil(np.log10(max(values))), lo * 10)
        sy = lambda s: top_y + ph - ph * np.log10(s / lo) / np.log10(hi / lo)  # noqa: E731
        sx = lambda i: left + pw * (i + 0.5) / len(dims)  # noqa: E731
        out.append(f'<rect x="{left}" y="{top_y}" width="{pw}" height="{ph}" fill="none" stroke="#444"/>')
        decade = lo
        while decade <= hi * 1.001:
            for m in (1, 2, 5):
                s = decade * m
                if s <= hi * 1.001:
                    out.append(f'<line x1="{left}" y1="{sy(s):.1f}" x2="{left + pw}" y2="{sy(s):.1f}" '
                               f'stroke="{"#ddd" if m == 1 else "#f0f0f0"}"/>')
                    out.append(f'<text x="{left - 6}" y="{sy(s) + 4:.1f}" text-anchor="end">{s:g}</text>')
            decade *= 10
        for i, d in enumerate(dims):
            out.append(f'<text x="{sx(i):.1f}" y="{top_y + ph + 16}" text-anchor="middle">{d}</text>')
        out.append(f'<text x="{left + pw / 2}" y="{top_y + ph + 36}" text-anchor="middle">dimension D</text>')
        out.append(f'<text x="{left - 48}" y="{top_y + ph / 2}" text-anchor="middle" '
                   f'transform="rotate(-90 {left - 48} {top_y + ph / 2})">seconds</text>')
        palette = ["#1b7837", "#b2182b", "#2166ac", "#e08214", "#762a83", "#999999"]
        for n, b in enumerate(builders):
            c = palette[n % len(palette)]
            pts = " ".join(f"{sx(i):.1f},{sy(s):.1f}" for i, s in points[b])
            out.append(f'<polyline points="{pts}" fill="none" stroke="{c}" stroke-width="2"/>')
            out += [f'<circle cx="{sx(i):.1f}" cy="{sy(s):.1f}" r="3.5" fill="{c}"/>' for i, s in points[b]]
            out.append(f'<rect x="{left + pw + 20}" y="{top_y + 10 + 20 * n}" width="12" height="12" fill="{c}"/>')
            out.append(f'<text x="{left + pw + 38}" y="{top_y + 21 + 20 * n}">{b}</text>')
    out.append("</svg>")
    Path(path).write_text("\n".join(out) + "\n")


# ---------------------------------------------------------------------------------------- main

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--datasets", default=DATASETS, help=f"comma-separated (default {DATASETS})")
    p.add_argument("--builders", help="comma-separated: knng, knng-ALG[-jdk17], " + ", ".join(PEERS)
                   + " (default: all of them; with --sweep: knng)")
    p.add_argument("--knng-algorithms", help="what `knng` in --builders runs (default kdtree; with "
                   "--sweep: kdtree,exact)")
    p.add_argument("--knng", default=str(ROOT / "knng"), help="the knng launcher (default ROOT/knng)")
    p.add_argument("--jdks", default="25", help="JDKs knng runs on: 25, 17 or 25,17 (default 25)")
    p.add_argument("--groups-format", choices=["npy", "txt"], default="npy",
                   help="which labels file knng's --groups reads (default npy)")
    p.add_argument("--bunny", metavar="FILE", help="Stanford's bun_zipper.ply (or a .fvecs of it) for the bunny dataset")
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--timeout", type=float, default=600, help="seconds per process (default 600)")
    p.add_argument("--check-rows", type=int, default=20000,
                   help=f"rows checked against the reference above {MAX_CHECKED_EDGES:,} edges (default 20000)")
    p.add_argument("--truth-rows", type=int, default=100, help="rows checked by brute force (default 100)")
    p.add_argument("--sweep", action="store_true", help="kd-tree against brute force on uniform data by D")
    p.add_argument("--dims", default="2,3,4,6,8,12,16,24,32", help="the sweep's dimensions")
    p.add_argument("--sweep-size", default="200k", help="the sweep's N (default 200k)")
    p.add_argument("--name", help="basename of the results (default lowdim, with --sweep lowdim-sweep)")
    p.add_argument("--out", default=str(ROOT / "bench" / "results" / "lowdim"))
    args = p.parse_args()
    out_dir = Path(args.out)
    cache = ROOT / "bench" / "data"
    for d in (out_dir, cache, ROOT / "bench" / "work"):
        d.mkdir(parents=True, exist_ok=True)
    # The builders' outputs go to a folder of this run's own (removed at the end), so that two runs
    # at the same time do not read each other's files.
    work_dir = tempfile.TemporaryDirectory(prefix="lowdim-", dir=ROOT / "bench" / "work")
    work = Path(work_dir.name)
    if not Path("/usr/bin/time").exists():
        raise SystemExit("needs GNU time at /usr/bin/time (Debian: apt-get install -y time)")
    name = args.name or ("lowdim-sweep" if args.sweep else "lowdim")
    algorithms = (args.knng_algorithms or ("kdtree,exact" if args.sweep else "kdtree")).split(",")
    jdks = args.jdks.split(",")
    unknown = [j for j in jdks if j not in JDKS]
    if unknown:
        raise SystemExit(f"--jdks: {', '.join(unknown)} not one of {', '.join(JDKS)}")
    builders = expand_builders(args.builders or ("knng" if args.sweep else "knng," + ",".join(PEERS)),
                               algorithms, jdks)
    if args.sweep:
        names = [f"uniform{args.sweep_size}-d{d}" for d in args.dims.split(",")]
        reference_order = ["knng-exact"] + [b for b in REFERENCE_ORDER if b != "knng-exact"]
    else:
        names = [n.strip() for n in args.datasets.split(",") if n.strip()]
        reference_order = REFERENCE_ORDER
    command = "/usr/bin/python3 bench/lowdim.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])

    if any(b.startswith("knng-") for b in builders):
        # Let the launcher build its jar and its class-data archives once, outside the timings.
        prepare_knng(args.knng, [JDKS[j] for j in args.jdks.split(",")])

    entries = {}
    for dname in dict.fromkeys(names):
        ds = dataset(dname, cache, args.bunny)
        if ds is None:
            continue
        X = np.load(ds.path)
        who, skipped = [], {}
        for b in builders:
            why = applicable(b, ds)
            if why is None:
                who.append(b)
            elif b in WHOLE:  # whole-array peers left out on grouped data are worth a note
                skipped[b] = why
        if not who:
            print(f"skipped {dname}: none of the builders applies")
            continue
        res = measure(ds, who, args, work)
        reference, checked, _ = check(ds, X, res, args, reference_order)
        labels = np.load(ds.labels_npy) if ds.labels_npy is not None else None
        entries[dname] = {
            "shape": list(X.shape), "grouped": labels is not None, "results": res, "reference": reference,
            "skipped": skipped, "checked_rows": checked, "source": ds.source, "generated_s": ds.generated_s,
            "groups": None if labels is None else len(np.unique(labels)),
            "duplicates": int(X.shape[0] - len(np.unique(X, axis=0))),
        }
        for b in who:
            r = res[b]
            if r.pop("ids") is not None:  # the graphs are not kept past their checks
                print(f"{dname:14s} {b:18s} agreement {'ref' if b == reference else percent(r['agreement']):>8s}"
                      f"  truth {percent(r['truth']):>8s}", flush=True)
        (out_dir / f"{name}.json").write_text(json.dumps(
            {"command": command, "date": time.strftime("%Y-%m-%d %H:%M"), "cores": os.cpu_count(),
             "k": args.k, "threads": args.threads, "repeats": args.repeats, "datasets": entries}, indent=1) + "\n")
    work_dir.cleanup()
    if not entries:
        raise SystemExit("no dataset was measured")
    table = markdown(entries, args, command, sweep=args.sweep)
    (out_dir / f"{name}.md").write_text(table)
    (sweep_chart if args.sweep else bar_chart)(entries, out_dir / f"{name}.svg", args.k)
    print()
    print(table)


if __name__ == "__main__":
    main()
