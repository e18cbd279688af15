#!/usr/bin/env bash
# Starts a small Spark standalone cluster on this machine from the Spark jars knng is built with
# (a master and WORKERS workers of one core each, in their own JVMs), prints its URL, and stops it
# when this script is interrupted or the given command ends:
#
#   bench/spark_cluster.sh 2 ./knng spark --master '$MASTER' --input bench/data/fashion60k.npy --k 10 --output /tmp/f.npy
#
# '$MASTER' (single-quoted) is replaced by the cluster's URL. The daemons' logs go to
# bench/work/spark-cluster/ (not versioned).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
workers="${1:?usage: spark_cluster.sh WORKERS COMMAND...}"
shift
cp_file="$root/knng-cli/target/spark-classpath.txt"
[ -f "$cp_file" ] || "$root/knng" --version >/dev/null   # builds knng and lists the Spark jars
home="$(mktemp -d "${TMPDIR:-/tmp}/knng-spark-home.XXXXXX")"
logs="$root/bench/work/spark-cluster"
mkdir -p "$home/jars" "$logs"
tr ':' '\n' <"$cp_file" | while read -r jar; do ln -sf "$jar" "$home/jars/"; done
# The daemons also need what knng's own jar carries that Spark's list leaves out (slf4j's API).
ln -sf "$root/knng-cli/target/knng.jar" "$home/jars/"
if [ -n "${JAVA_HOME:-}" ]; then java="$JAVA_HOME/bin/java"; else java="$(readlink -f "$(command -v java)")"; fi
export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
export JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$java")")}"
opens=(-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED -Xmx512m)
port=$((20000 + RANDOM % 20000))
pids=()
cleanup() { for p in "${pids[@]}"; do pkill -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done; rm -rf "$home"; }
trap cleanup EXIT
"$java" "${opens[@]}" -cp "$home/jars/*" org.apache.spark.deploy.master.Master --host 127.0.0.1 \
  --port "$port" --webui-port 0 >"$logs/master.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
for w in $(seq "$workers"); do
  "$java" "${opens[@]}" -cp "$home/jars/*" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 \
    --cores 1 --memory 4g --webui-port 0 --work-dir "$home/work-$w" "spark://127.0.0.1:$port" \
    >"$logs/worker-$w.log" 2>&1 &
  pids+=($!)
done
sleep 3
master="spark://127.0.0.1:$port"
echo "cluster: $master ($workers workers)" >&2
args=()
for a in "$@"; do args+=("${a//\$MASTER/$master}"); done
"${args[@]}"
