#!/usr/bin/env bash
# The approximate Spark job against the core's approximate engine, whole process, same run:
# ./knng build --algorithm nndescent, ./knng spark --master local[2] --algorithm nndescent, and the
# same on a standalone cluster of two one-core workers (bench/spark_cluster.sh; skipped with
# LOCAL_ONLY=1), k = 10. Recall of each against the dataset's exact neighbours (DATA.truth.npy, and
# DATA.truth-rows.npy when the truth covers only some rows, as bench/approx.py writes them), and the
# local job's shuffle volume per point (bytes written to the shuffle, from Spark's event log).
# Prints a markdown table row per dataset and the local job's summary and phases (--debug).
# Usage: bench/spark_approx.sh bench/data/mixture200k.npy bench/data/mixture1m.npy
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
echo "| data | core nndescent | core recall | spark local[2] | local recall | local / core | standalone, 2 workers | standalone recall | shuffle per point |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for data in "$@"; do
  base="${data%.npy}"
  rm -rf "$tmp/events" && mkdir -p "$tmp/events"
  t0=$(now); ./knng build --input "$data" --k 10 --algorithm nndescent --output "$tmp/core.npy" -q; t1=$(now)
  ./knng spark --master 'local[2]' --input "$data" --k 10 --algorithm nndescent --output "$tmp/spark.npy" \
      --debug --conf spark.eventLog.enabled=true --conf "spark.eventLog.dir=file://$tmp/events" \
      --conf spark.eventLog.compress=false --conf spark.eventLog.rolling.enabled=false \
      2>&1 | tr '\r' '\n' | grep -E '^(wrote|debug: spark)' > "$tmp/summary"; t2=$(now)
  if [ "${LOCAL_ONLY:-0}" = 1 ]; then
    t3=$t2
  else
    bench/spark_cluster.sh 2 ./knng spark --master '$MASTER' --input "$data" --k 10 --algorithm nndescent \
        --conf spark.executor.memory=3g --output "$tmp/cluster.npy" -q 2>/dev/null; t3=$(now)
  fi
  /usr/bin/python3 - "$base" "$tmp" "$t0" "$t1" "$t2" "$t3" <<'PY'
import glob, json, os, sys
import numpy as np
base, tmp, t0, t1, t2, t3 = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:7])
truth = np.load(base + ".truth.npy")[:, :10]
rows = np.load(base + ".truth-rows.npy") if os.path.exists(base + ".truth-rows.npy") else np.arange(len(truth))
def recall(path):
    if not os.path.exists(path):
        return "-"
    graph = np.load(path)
    return f"{np.mean([len(set(graph[i]) & set(truth[j])) / 10 for j, i in enumerate(rows)]):.4f}"
written = 0
for log in glob.glob(tmp + "/events/**", recursive=True):
    if not os.path.isfile(log):
        continue
    with open(log) as f:
        for line in f:
            event = json.loads(line)
            if event.get("Event") == "SparkListenerTaskEnd":
                metrics = event.get("Task Metrics") or {}
                written += metrics.get("Shuffle Write Metrics", {}).get("Shuffle Bytes Written", 0)
points = np.load(base + ".npy", mmap_mode="r").shape[0]
core, spark, cluster = t1 - t0, t2 - t1, t3 - t2
standalone = "-" if cluster == 0 else f"{cluster:.1f} s"
print(f"| {os.path.basename(base)} | {core:.1f} s | {recall(tmp + '/core.npy')} | {spark:.1f} s"
      f" | {recall(tmp + '/spark.npy')} | {spark / core:.2f}x | {standalone} | {recall(tmp + '/cluster.npy')}"
      f" | {written / points:.0f} B |")
PY
  sed 's/^/    /' "$tmp/summary"
done
