"""Seeded synthetic datasets for the benchmarks, written as float32 .npy in chunks (little memory).

usage: /usr/bin/python3 bench/generate.py mixture --n 1000000 --d 96 --clusters 1000 --seed 7 --out X.npy
       /usr/bin/python3 bench/generate.py random --n 100000 --d 128 --seed 20261125 --out X.npy

mixture: a Gaussian mixture whose clusters differ in size and in spread, the shape of real
embeddings that knn-graph methods find hard to do uniformly well on:
  - cluster c (c = 1..C, in a seeded random order) has weight proportional to 1/c (Zipf): at
    1,000,000 points and 1000 clusters the largest holds about 134,000 points, the smallest about 130;
  - centres are standard normal in d dimensions (so two centres are about sqrt(2d) apart);
  - cluster c is isotropic with sigma_c log-uniform in [0.05, 0.5] (a 10x range), so the widest
    clusters overlap their neighbours and the tightest are far apart.
Each point draws its cluster independently. Rows are made in fixed chunks of 65,536, each from its
own seed (the run's seed and the chunk's index), so the first n rows are the same whatever --n is:
a 200k file is the first 200k rows of the 1M one.

random: i.i.d. standard normal, the same rows as peers.py's random datasets at the same seed (one
generator call, so this one holds the whole array in memory).
"""
import argparse

import numpy as np

CHUNK = 65536


def mixture_parameters(d, clusters, seed):
    """Weights (sum 1), centres (clusters x d) and sigmas (clusters) of the mixture."""
    rng = np.random.default_rng([seed, 0])
    weights = 1.0 / np.arange(1, clusters + 1)
    weights = rng.permutation(weights / weights.sum())
    centres = rng.standard_normal((clusters, d))
    sigmas = np.exp(rng.uniform(np.log(0.05), np.log(0.5), clusters))
    return weights, centres, sigmas


def write_mixture(out, n, d, clusters, seed, labels_out=None):
    weights, centres, sigmas = mixture_parameters(d, clusters, seed)
    cumulative = np.cumsum(weights)
    cumulative[-1] = 1.0
    # Plain appends, not a memory map: mapped pages that were written count in the peak RSS.
    with open(out, "wb") as f, open(labels_out or "/dev/null", "wb") as g:
        np.lib.format.write_array_header_1_0(f, {"descr": "<f4", "fortran_order": False, "shape": (n, d)})
        np.lib.format.write_array_header_1_0(g, {"descr": "<i4", "fortran_order": False, "shape": (n,)})
        for chunk, start in enumerate(range(0, n, CHUNK)):
            rng = np.random.default_rng([seed, 1, chunk])
            rows = min(CHUNK, n - start)
            # The full chunk is always drawn so that a shorter file is a prefix of a longer one.
            label = np.searchsorted(cumulative, rng.random(CHUNK), side="right")
            block = centres[label] + sigmas[label, None] * rng.standard_normal((CHUNK, d))
            f.write(block[:rows].astype("<f4").tobytes())
            g.write(label[:rows].astype("<i4").tobytes())


def write_random(out, n, d, seed):
    np.save(out, np.random.default_rng(seed).standard_normal((n, d), dtype=np.float32))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kind", choices=["mixture", "random"])
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--d", type=int, required=True)
    p.add_argument("--clusters", type=int, default=1000)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--labels", help="mixture only: also write each row's cluster (int32 .npy)")
    args = p.parse_args()
    if args.kind == "mixture":
        write_mixture(args.out, args.n, args.d, args.clusters, args.seed, args.labels)
    else:
        write_random(args.out, args.n, args.d, args.seed)


if __name__ == "__main__":
    main()
