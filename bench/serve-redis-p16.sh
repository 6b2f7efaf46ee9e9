#!/usr/bin/env bash
# The serve + Redis row at P=16 (LRU 1M, Zipf warm) beside redis-benchmark in the same pass. DOMCAT=binary to A/B builds.
set -euo pipefail
cd "$(dirname "$0")/.."
D=${DOMCAT:-.build/release/domcat}
W=${WORK:-/tmp/domcat-bench-p16}; mkdir -p "$W"; M=$W/small.dcm
bench/small-model.sh "$D" "$M"
redis-server --port 16391 --bind 127.0.0.1 --save '' --appendonly no --logfile $W/redis.log & R=$!
until redis-cli -p 16391 ping >/dev/null 2>&1; do sleep 0.1; done
redis-benchmark -p 16391 -t get -c 50 -P 16 -n 3000000 -q --csv | tail -1
$D bench --json --seconds 4 --warmup 1 --seed 7 --threads 2 --redis 127.0.0.1:16391 --connections 50 --pipeline 16 --keys zipf | python3 -c 'import json,sys; r=json.load(sys.stdin); print("redis GET our client", round(r["namesPerSecond"]), round(r["p99"]))'
for i in 1 2; do
  redis-cli -p 16391 flushall >/dev/null
  $D serve $M --classify-all-names --listen 127.0.0.1:17891 --http 127.0.0.1:18091 --workers 2 --event-loops 2 --redis redis://127.0.0.1:16391 2>/dev/null & S=$!
  until $D bench --line 127.0.0.1:17891 --connections 1 --seconds 0.1 --warmup 0 >/dev/null 2>&1; do sleep 0.2; done
  $D bench --line 127.0.0.1:17891 --connections 50 --pipeline 16 --keys zipf --seconds 10 --warmup 0 >/dev/null
  $D bench --json --seconds 4 --warmup 1 --seed 7 --threads 2 --line 127.0.0.1:17891 --connections 50 --pipeline 16 --keys zipf | python3 -c 'import json,sys; r=json.load(sys.stdin); print("serve+redis LRU1M P16", round(r["namesPerSecond"]), round(r["p99"]))'
  kill $S; wait $S 2>/dev/null || true
done
kill $R; wait $R 2>/dev/null || true
