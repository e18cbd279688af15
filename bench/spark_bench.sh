#!/usr/bin/env bash
# The Spark job against the core on one machine, whole process, same run: ./knng build --algorithm
# exact, ./knng spark --master local[2], and ./knng spark on a standalone cluster of two one-core
# workers (bench/spark_cluster.sh). Checks that the three outputs are byte-identical and prints a
# markdown table row per dataset. Usage: bench/spark_bench.sh DATA.npy... (k = 10)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
echo "| data | N x D | build (exact) | spark local[2] | spark standalone, 2 workers | local / build | identical |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for data in "$@"; do
  name="$(basename "$data" .npy)"
  shape="$(/usr/bin/python3 -c "import numpy as np; x=np.load('$data', mmap_mode='r'); print(f'{x.shape[0]} x {x.shape[1]}')")"
  t0=$(now); ./knng build --algorithm exact --input "$data" --k 10 --output "$tmp/b.npy" -q; t1=$(now)
  ./knng spark --master 'local[2]' --input "$data" --k 10 --output "$tmp/l.npy" -q 2>/dev/null; t2=$(now)
  bench/spark_cluster.sh 2 ./knng spark --master '$MASTER' --input "$data" --k 10 --output "$tmp/c.npy" -q 2>/dev/null; t3=$(now)
  same=no; cmp -s "$tmp/b.npy" "$tmp/l.npy" && cmp -s "$tmp/b.npy" "$tmp/c.npy" && same=yes
  python3 - "$name" "$shape" "$t0" "$t1" "$t2" "$t3" "$same" <<'PY'
import sys
name, shape, t0, t1, t2, t3, same = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:7]), sys.argv[7]
b, l, c = t1 - t0, t2 - t1, t3 - t2
print(f"| {name} | {shape} | {b:.1f} s | {l:.1f} s | {c:.1f} s | {l / b:.2f}x | {same} |")
PY
done
