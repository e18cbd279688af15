"""Writes the interop datasets as float32 .npy files into the directory given as argv[1].

iris and digits come from scikit-learn itself; 'duplicates' is seeded random data with planted
exact copies of some rows, and 'grid' has small integer coordinates so that many distances tie
exactly. The Java side builds graphs of each with ./knng and compare_sklearn.py checks them.
"""
import sys

import numpy as np
from sklearn.datasets import load_digits, load_iris

out = sys.argv[1]
rng = np.random.default_rng(20261125)

np.save(f"{out}/iris.npy", load_iris().data.astype(np.float32))
np.save(f"{out}/digits.npy", load_digits().data.astype(np.float32))

dup = rng.standard_normal((400, 13)).astype(np.float32)
for src, dst in [(3, 250), (3, 377), (10, 11), (42, 0), (399, 200), (123, 321)]:
    dup[dst] = dup[src]
np.save(f"{out}/duplicates.npy", dup)

grid = rng.integers(-3, 4, size=(300, 5)).astype(np.float32)
np.save(f"{out}/grid.npy", grid)
print("ok")
