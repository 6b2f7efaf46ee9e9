#!/usr/bin/env bash
# Issue 19: the CPU each side spends at P=16 on a warm LRU: serve (perf stat -p over the timed bench) and the
# `domcat bench` client (perf stat), untagged and tagged, twice. Per-name CPU = task-clock / (rate x 4 s).
# D=binary picks the build. Prints: mode, names/s, serve task-clock ms, bench task-clock ms.
set -euo pipefail
cd "$(dirname "$0")/.."
D=${D:-.build/release/domcat}
W=${WORK:-/tmp/domcat-bench-p16}; mkdir -p "$W"; M=$W/small.dcm
bench/small-model.sh "$D" "$M"
redis-server --port 16395 --bind 127.0.0.1 --save '' --appendonly no --logfile $W/redis2.log & R=$!
trap 'kill $R 2>/dev/null || true' EXIT
until redis-cli -p 16395 ping >/dev/null 2>&1; do sleep 0.1; done
for mode in untagged tagged untagged tagged; do
  flag=""; [ $mode = tagged ] && flag=--tagged
  $D serve $M --classify-all-names --listen 127.0.0.1:17896 --workers 2 --event-loops 2 --redis redis://127.0.0.1:16395 2>/dev/null & S=$!
  until $D bench --line 127.0.0.1:17896 --connections 1 --seconds 0.1 --warmup 0 >/dev/null 2>&1; do sleep 0.2; done
  $D bench --line 127.0.0.1:17896 $flag --connections 50 --pipeline 16 --keys zipf --seconds 5 --warmup 0 >/dev/null
  perf stat -e task-clock -p $S -o $W/serve-perf.txt & P=$!
  perf stat -e task-clock -o $W/bench-perf.txt $D bench --json --seconds 4 --warmup 0 --seed 7 --threads 2 --line 127.0.0.1:17896 $flag --connections 50 --pipeline 16 --keys zipf > $W/bench.json
  kill -INT $P; wait $P 2>/dev/null || true
  rate=$(python3 -c 'import json, sys; print(round(json.load(open(sys.argv[1]))["namesPerSecond"]))' "$W/bench.json")
  echo "$mode rate $rate serve-ms $(awk '/task-clock/ {print $1}' $W/serve-perf.txt) bench-ms $(awk '/task-clock/ {print $1}' $W/bench-perf.txt)"
  kill $S; wait $S 2>/dev/null || true
done
