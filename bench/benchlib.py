"""Helpers shared by the benchmark harnesses (peers.py for exact graphs, approx.py for approximate
ones): reading the public datasets' file formats, timing one process, exact re-scoring.
"""
import gzip
import os
import signal
import struct
import subprocess
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
JDK25 = "/usr/lib/jvm/temurin-25-jdk-amd64"
JDK17 = "/usr/lib/jvm/java-17-openjdk-amd64"


def prepare_knng(launcher, jdks):
    """Runs `launcher --version` once per JDK home, outside any timing: the launcher builds its jar
    on first use (and after source changes) and makes its class-data archive once per JDK."""
    for jdk in dict.fromkeys(jdks):
        subprocess.run([str(launcher), "--version"], check=True, stdout=subprocess.DEVNULL,
                       env=dict(os.environ, JAVA_HOME=jdk))


def read_fvecs(path):
    raw = np.fromfile(path, dtype=np.int32)
    d = raw[0]
    return raw.reshape(-1, d + 1)[:, 1:].view(np.float32).copy()


def read_idx_images(path):
    with gzip.open(path, "rb") as f:
        magic, n, rows, cols = struct.unpack(">IIII", f.read(16))
        assert magic == 2051, f"{path}: not an IDX image file"
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(n, rows * cols).astype(np.float32)


def read_vectors(path):
    """float32 rows of a .npy, a .fvecs or IDX images (.gz)."""
    path = Path(path)
    if path.suffix == ".npy":
        return np.load(path).astype(np.float32)
    if path.suffix == ".fvecs":
        return read_fvecs(path)
    return read_idx_images(path)


# Where the harnesses find the public datasets: a file the user names, Debian's
# dataset-fashion-mnist package, or a folder the user names (--data-dir), laid out as
# DIR/fashion-mnist/, DIR/mnist/, DIR/sift5k/, DIR/cora/ (files may also sit in DIR itself).
DEBIAN_FASHION = Path("/usr/share/datasets/fashion-mnist")


def first_existing(paths):
    return next((p for p in paths if p is not None and Path(p).exists()), None)


def in_data_dir(data_dir, folder, *files):
    if data_dir is None:
        return []
    return [Path(data_dir) / sub / f for f in files for sub in (folder, ".")]


def fashion_source(fashion, data_dir, split="train"):
    """Fashion-MNIST images: the --fashion file (training images only), else Debian's package,
    else --data-dir; None if none is found."""
    if split == "train" and fashion:
        return Path(fashion)
    file = f"{split if split == 'train' else 't10k'}-images-idx3-ubyte.gz"
    return first_existing([DEBIAN_FASHION / file] + in_data_dir(data_dir, "fashion-mnist", file))


class RunFailed(SystemExit):
    """A timed command exited non-zero. A SystemExit, so a harness that does not catch it stops
    with the command and its stderr as the message."""


class TimedOut(RunFailed):
    """A timed command ran longer than its time limit and was stopped."""


def _exit_on_sigterm(signum, frame):
    """SIGTERM ends the harness as Ctrl-C does, through the clean-up of the command it is timing."""
    raise SystemExit(128 + signum)


def run(cmd, env=None, timeout=None):
    """Runs a command; returns (seconds, peak RSS in MB, its stderr) of that process alone.

    The peak RSS comes from GNU time, whose own process is small: a child forked straight from this
    (large) Python process would inherit its high-water mark in ru_maxrss. The command runs in its
    own process group, so that a timeout stops it with all its children (the JVM behind ./knng).
    """
    rss_file = Path(os.environ.get("TMPDIR", "/tmp")) / f"knng-bench-rss-{os.getpid()}"
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
    start = time.perf_counter()
    proc = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", str(rss_file)] + list(map(str, cmd)),
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        rss_file.unlink(missing_ok=True)
        raise TimedOut(f"timed out after {timeout} s: {' '.join(map(str, cmd))}")
    except BaseException:
        # The harness itself is stopped (Ctrl-C, or SIGTERM from an outer `timeout`): its own
        # session would keep the command running, so it is stopped too.
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        rss_file.unlink(missing_ok=True)
        raise
    seconds = time.perf_counter() - start
    err = err.decode(errors="replace")
    if proc.returncode != 0:
        rss_file.unlink(missing_ok=True)
        raise RunFailed(f"failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{err}")
    peak_kb = int(rss_file.read_text().split()[-1])
    rss_file.unlink()
    return seconds, peak_kb / 1024, err


def exact_distances(X, ids, metric, rows=None):
    """Float64 distances of each row to its listed neighbours (rows in chunks).

    ids: n x k ids into X; rows: the n rows of X they belong to (default: 0..n-1).
    """
    n, k = ids.shape
    if rows is None:
        rows = np.arange(n)
    out = np.empty((n, k))
    chunk = max(1, min(4096, 2**24 // (k * X.shape[1])))  # about 128 MB of float64 temporaries
    for s in range(0, n, chunk):
        e = min(n, s + chunk)
        A = X[rows[s:e]].astype(np.float64)
        B = X[ids[s:e]].astype(np.float64)
        if metric == "cosine":
            A /= np.linalg.norm(A, axis=1, keepdims=True)
            B /= np.linalg.norm(B, axis=2, keepdims=True)
            out[s:e] = 1 - np.einsum("id,ikd->ik", A, B)
        else:
            diff = A[:, None, :] - B
            out[s:e] = np.sqrt((diff * diff).sum(axis=2))
    return out
