#!/usr/bin/env bash
# Issue 19: serve with its Redis tier on a 3-master, 3-replica Redis Cluster (loopback), under load from
# `domcat bench` (50 connections, P=16, Zipf, no LRU so every line goes to Redis), a master SIGKILLed 4 s in.
# Prints: the bench's failed answers and rate, serve's Redis errors (each one a read answered by the model),
# and the time from the kill to serve's last Redis error (its router reading the new slot map).
set -euo pipefail
cd "$(dirname "$0")/.."
D=${DOMCAT:-.build/release/domcat}
W=${WORK:-/tmp/domcat-bench-cluster}; rm -rf "$W/nodes"; mkdir -p "$W/nodes"; M=$W/small.dcm
bench/small-model.sh "$D" "$M"
PORTS="17201 17202 17203 17204 17205 17206"
for p in $PORTS; do
  redis-server --port $p --bind 127.0.0.1 --save '' --appendonly no --cluster-enabled yes --cluster-config-file "$W/nodes/$p.conf" \
    --cluster-node-timeout 1000 --cluster-replica-validity-factor 0 --repl-diskless-sync yes --repl-diskless-sync-delay 0 \
    --dir "$W/nodes" --logfile "$W/nodes/$p.log" --daemonize yes --pidfile "$W/nodes/$p.pid"
done
trap 'for p in $PORTS; do [ -f "$W/nodes/$p.pid" ] && kill -9 $(cat "$W/nodes/$p.pid") 2>/dev/null; done; kill $S 2>/dev/null || true' EXIT
until redis-cli -p 17206 ping >/dev/null 2>&1; do sleep 0.1; done
redis-cli --cluster create $(for p in $PORTS; do echo 127.0.0.1:$p; done) --cluster-replicas 1 --cluster-yes >/dev/null
healthy() { for p in $PORTS; do redis-cli -p $p cluster info | grep -q cluster_state:ok || return 1
  redis-cli -p $p info replication | grep -q master_link_status:down && return 1; done; return 0; }
until healthy; do sleep 0.2; done
U=redis-cluster://127.0.0.1:17201,127.0.0.1:17202
$D serve "$M" --classify-all-names --listen 127.0.0.1:17895 --http 127.0.0.1:18095 --workers 2 --event-loops 2 --lru-entries 0 \
  --redis "$U" --redis-reads always 2>"$W/serve.log" & S=$!
until $D bench --line 127.0.0.1:17895 --connections 1 --seconds 0.1 --warmup 0 >/dev/null 2>&1; do sleep 0.2; done
$D bench --line 127.0.0.1:17895 --connections 50 --pipeline 16 --keys zipf --zipf-names 100000 --seconds 5 --warmup 0 >/dev/null  # fill Redis
errors() { curl -s 127.0.0.1:18095/metrics | awk '/^domcat_redis_errors_total/ {print $2}'; }
$D bench --json --line 127.0.0.1:17895 --connections 50 --pipeline 16 --keys zipf --zipf-names 100000 --seconds 12 --warmup 0 --threads 2 > "$W/bench.json" & B=$!
sleep 4
VICTIM=$(for p in $PORTS; do redis-cli -p $p role | head -1 | grep -q master && echo $p && break; done)
before=$(errors); killed=$(date +%s.%N); kill -9 $(cat "$W/nodes/$VICTIM.pid"); rm -f "$W/nodes/$VICTIM.pid"
last=$killed; prev=$before
while kill -0 $B 2>/dev/null; do
  now=$(errors); [ "$now" != "$prev" ] && last=$(date +%s.%N) && prev=$now; sleep 0.05
done
wait $B
python3 - "$W/bench.json" "$before" "$prev" "$killed" "$last" "$VICTIM" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
before, after, killed, last = float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
print(f"master {sys.argv[6]} SIGKILLed 4 s into a 12 s run: {r['requests']} answers, {r['errors']} failed, "
      f"{r['namesPerSecond']:.0f} names/s, p99 {r['p99']:.0f} us, max {r['max']:.0f} us")
print(f"serve's redis errors during the failover: {after - before:.0f} (each a read answered by the model); "
      f"last one {last - killed:.2f} s after the kill")
PY
