#!/usr/bin/env bash
# The approximate Spark job against the core's approximate engine, whole process, same run:
# ./knng build --algorithm nndescent and ./knng spark --master local[2] --algorithm nndescent, k = 10.
# Recall of both against the dataset's exact neighbours (DATA.truth.npy, and DATA.truth-rows.npy
# when the truth covers only some rows, as bench/approx.py writes them). Prints a markdown table
# row per dataset and the Spark job's summary line (its own recall estimate).
# Usage: bench/spark_approx.sh bench/data/mixture200k.npy bench/data/mixture1m.npy
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
echo "| data | core nndescent | core recall | spark local[2] nndescent | spark recall | spark / core |"
echo "| --- | --- | --- | --- | --- | --- |"
for data in "$@"; do
  base="${data%.npy}"
  t0=$(now); ./knng build --input "$data" --k 10 --algorithm nndescent --output "$tmp/core.npy" -q; t1=$(now)
  ./knng spark --master 'local[2]' --input "$data" --k 10 --algorithm nndescent --output "$tmp/spark.npy" \
      2>&1 | tr '\r' '\n' | grep '^wrote' > "$tmp/summary"; t2=$(now)
  /usr/bin/python3 - "$base" "$tmp" "$t0" "$t1" "$t2" <<'PY'
import os, sys
import numpy as np
base, tmp, t0, t1, t2 = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:6])
truth = np.load(base + ".truth.npy")[:, :10]
rows = np.load(base + ".truth-rows.npy") if os.path.exists(base + ".truth-rows.npy") else np.arange(len(truth))
def recall(path):
    graph = np.load(path)
    return np.mean([len(set(graph[i]) & set(truth[j])) / 10 for j, i in enumerate(rows)])
core, spark = t1 - t0, t2 - t1
print(f"| {os.path.basename(base)} | {core:.1f} s | {recall(tmp + '/core.npy'):.4f} | {spark:.1f} s"
      f" | {recall(tmp + '/spark.npy'):.4f} | {spark / core:.2f}x |")
PY
  sed 's/^/    /' "$tmp/summary"
done
