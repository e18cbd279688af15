"""The memory plan of `knng build` against measurements: for each configuration, the peak heap
`--dry-run` estimates, the smallest -Xmx with which the run succeeds (bisection, to about 5%), and
the peak RSS of a run with a large heap. Writes a markdown table.

    /usr/bin/python3 bench/memory_estimate.py --out bench/results/memory/memory.md

The datasets are the harness's .npy files in bench/data (bench/generate.py makes the generated
ones; Fashion-MNIST and MNIST come from bench/peers.py --data-dir). Runs are one at a time with
the launcher's JVM flags; a run near its smallest heap is slow (it mostly collects garbage), so
the whole table takes about an hour on 2 cores.
"""
import argparse
import re
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
JAR = ROOT / "knng-cli" / "target" / "knng.jar"
JVM = ["java", "--add-modules", "jdk.incubator.vector", "-XX:+UseSerialGC", "-XX:MaxNewSize=16m"]

# name, arguments after "build" (paths relative to bench/data), output extension
CONFIGS = [
    ("random 50k x 128, k=10, .npz", ["--input", "random50k.npy", "--k", "10", "--algorithm", "exact"], ".npz"),
    ("random 50k x 128, k=10, .npy", ["--input", "random50k.npy", "--k", "10", "--algorithm", "exact"], ".npy"),
    ("random 50k x 128, k=100, .npz", ["--input", "random50k.npy", "--k", "100", "--algorithm", "exact"], ".npz"),
    ("random 50k x 128, k=100, .npy", ["--input", "random50k.npy", "--k", "100", "--algorithm", "exact"], ".npy"),
    ("random 50k x 128, k=1000, .npy", ["--input", "random50k.npy", "--k", "1000", "--algorithm", "exact"], ".npy"),
    ("Fashion-MNIST 60k x 784, k=10, .npz", ["--input", "fashion60k.npy", "--k", "10", "--algorithm", "exact"], ".npz"),
    ("MNIST 10k x 784, k=10, .npz", ["--input", "mnist10k.npy", "--k", "10", "--algorithm", "exact"], ".npz"),
    ("random 200k x 128, k=10, .npy", ["--input", "random200k.npy", "--k", "10", "--algorithm", "exact"], ".npy"),
    ("50k queries against random 200k x 128, k=10, .npy",
     ["--input", "random200k.npy", "--queries", "random50k.npy", "--k", "10", "--algorithm", "exact"], ".npy"),
    ("mixture 200k x 96, nndescent, k=10, .npy",
     ["--input", "mixture200k.npy", "--k", "10", "--algorithm", "nndescent"], ".npy"),
    ("uniform 1M x 3, kdtree, k=10, .npy", ["--input", "uniform1m.npy", "--k", "10", "--algorithm", "kdtree"], ".npy"),
    ("uniform 200k x 3, kdtree, k=10, .npz", ["--input", "uniform200k.npy", "--k", "10", "--algorithm", "kdtree"], ".npz"),
]


def command(args, ext, heap_mb, out):
    resolved = [str(DATA / a) if a.endswith(".npy") else a for a in args]
    return JVM + [f"-Xmx{heap_mb}m", "-jar", str(JAR), "build", *resolved, "--threads", "2", "-q",
                  "--output", str(out / ("graph" + ext))]


def run(args, ext, heap_mb, out, timeout=600):
    """(succeeded, peak RSS in MB, seconds) of one run."""
    start = time.time()
    try:
        p = subprocess.run(["/usr/bin/time", "-f", "%M"] + command(args, ext, heap_mb, out),
                           capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, None, timeout
    rss = int(p.stderr.strip().splitlines()[-1]) / 1024
    return p.returncode == 0, rss, time.time() - start


def estimate(args, ext, out):
    p = subprocess.run(command(args, ext, 8192, out) + ["--dry-run"], capture_output=True, text=True,
                       check=True)
    m = re.search(r"memory: about ([\d.]+) (KB|MB|GB) at peak", p.stdout)
    value = float(m.group(1))
    return value * {"KB": 1 / 1024, "MB": 1, "GB": 1024}[m.group(2)]


def smallest_heap(args, ext, out, guess):
    """The smallest -Xmx (MB) with which the run succeeds, to within about 5%."""
    low, high = 16, None
    h = guess
    while high is None:  # find a heap that works
        ok, _, _ = run(args, ext, h, out)
        if ok:
            high = h
        else:
            low, h = h, h * 2
    while high - low > max(2, high * 0.05):
        mid = (low + high) // 2
        ok, _, _ = run(args, ext, mid, out)
        low, high = (low, mid) if ok else (mid, high)
    return high


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "memory" / "memory.md"))
    ap.add_argument("--only", help="run only the configurations whose name contains this")
    a = ap.parse_args()
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = ROOT / "bench" / "work" / "memory"
    work.mkdir(parents=True, exist_ok=True)
    lines = ["| run | estimated heap | smallest heap that works | estimate / smallest | estimated RSS "
             "(heap + 60 MB) | peak RSS (-Xmx8g) | estimate / RSS |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, args, ext in CONFIGS:
        if a.only and a.only not in name:
            continue
        est = estimate(args, ext, work)
        ok, rss, seconds = run(args, ext, 8192, work)
        if not ok:
            raise SystemExit(f"{name}: the run fails even with -Xmx8g")
        smallest = smallest_heap(args, ext, work, max(32, int(est * 0.8)))
        lines.append(f"| {name} | {est:.0f} MB | {smallest} MB | {est / smallest:.2f} | {est + 60:.0f} MB "
                     f"| {rss:.0f} MB | {(est + 60) / rss:.2f} |")
        print(lines[-1], flush=True)
    out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
