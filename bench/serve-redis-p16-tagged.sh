#!/usr/bin/env bash
# Issue 19: serve + Redis at P=16 (LRU 1M, Zipf warm), untagged and tagged lines, beside redis-benchmark's GET at
# P=16 in the same pass (as bench/serve-redis-p16.sh, plus the tagged rows). DOMCAT=binary to A/B builds.
set -euo pipefail
cd "$(dirname "$0")/.."
D=${DOMCAT:-.build/release/domcat}
W=${WORK:-/tmp/domcat-bench-p16}; mkdir -p "$W"; M=$W/small.dcm
bench/small-model.sh "$D" "$M"
redis-server --port 16394 --bind 127.0.0.1 --save '' --appendonly no --logfile $W/redis.log & R=$!
trap 'kill $R 2>/dev/null || true' EXIT
until redis-cli -p 16394 ping >/dev/null 2>&1; do sleep 0.1; done
row() { python3 -c 'import json,sys; r=json.load(sys.stdin); print(sys.argv[1], round(r["namesPerSecond"]), "names/s p99", round(r["p99"]), "us errors", r["errors"])' "$1"; }
for i in 1 2; do
  redis-benchmark -p 16394 -t get -c 50 -P 16 -n 3000000 -q --csv | tail -1
  for mode in untagged tagged; do
    flag=""; [ $mode = tagged ] && flag=--tagged
    redis-cli -p 16394 flushall >/dev/null
    $D serve $M --classify-all-names --listen 127.0.0.1:17894 --http 127.0.0.1:18094 --workers 2 --event-loops 2 --redis redis://127.0.0.1:16394 2>/dev/null & S=$!
    until $D bench --line 127.0.0.1:17894 --connections 1 --seconds 0.1 --warmup 0 >/dev/null 2>&1; do sleep 0.2; done
    $D bench --line 127.0.0.1:17894 $flag --connections 50 --pipeline 16 --keys zipf --seconds 10 --warmup 0 >/dev/null
    $D bench --json --seconds 4 --warmup 1 --seed 7 --threads 2 --line 127.0.0.1:17894 $flag --connections 50 --pipeline 16 --keys zipf | row "serve+redis LRU1M P16 $mode"
    kill $S; wait $S 2>/dev/null || true
  done
done
