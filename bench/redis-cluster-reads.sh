#!/usr/bin/env bash
# A cache batch's reads on a 3-master Redis Cluster (loopback, no replicas): `classify --threads 1 --cache-entries 0
# --redis-reads always` over N names whose answers are all in the cluster, so each batch's reads go to the three
# masters. Two builds alternate (A B A B A B) in one run: A=binary B=binary (default: .build/release/domcat for both).
# One thread makes each batch wait for its slowest node: the figure is names/s (wall), which the per-node
# pipelines' order decides (written one node after the other, or all before any reply is read).
# Usage: A=/tmp/domcat-old B=.build/release/domcat N=200000 ROUNDS=3 bench/redis-cluster-reads.sh
set -euo pipefail
cd "$(dirname "$0")/.."
A=${A:-.build/release/domcat}; B=${B:-.build/release/domcat}; N=${N:-200000}
W=${WORK:-/tmp/domcat-bench-cluster-reads}; rm -rf "$W/nodes"; mkdir -p "$W/nodes"; M=$W/small.dcm
bench/small-model.sh "$B" "$M"
[ -f "$W/names-$N.txt" ] || python3 bench/make-names.py corpora/ut1/ut1-2025-08-17.tsv.zst "$N" > "$W/names-$N.txt"
PORTS="17211 17212 17213"
for p in $PORTS; do
  redis-server --port $p --bind 127.0.0.1 --save '' --appendonly no --cluster-enabled yes --cluster-config-file "$W/nodes/$p.conf" \
    --dir "$W/nodes" --logfile "$W/nodes/$p.log" --daemonize yes --pidfile "$W/nodes/$p.pid"
done
trap 'for p in $PORTS; do [ -f "$W/nodes/$p.pid" ] && kill $(cat "$W/nodes/$p.pid") 2>/dev/null; done' EXIT
for p in $PORTS; do until redis-cli -p $p ping >/dev/null 2>&1; do sleep 0.1; done; done
redis-cli --cluster create $(for p in $PORTS; do echo 127.0.0.1:$p; done) --cluster-replicas 0 --cluster-yes >/dev/null
until redis-cli -p 17211 cluster info | grep -q cluster_state:ok; do sleep 0.2; done
U=redis-cluster://127.0.0.1:17211
"$B" classify "$M" --threads 1 --cache-entries 0 --redis "$U" < "$W/names-$N.txt" >/dev/null 2>&1   # store every answer
echo "keys per master: $(for p in $PORTS; do redis-cli -p $p dbsize; done | tr '\n' ' ')"
for round in $(seq ${ROUNDS:-3}); do
  for side in A B; do
    bin=${!side}
    printf '%s round %s: ' $side $round
    "$bin" classify "$M" --threads 1 --cache-entries 0 --redis "$U" --redis-reads always < "$W/names-$N.txt" 2>&1 >/dev/null | grep -oE '[0-9,]+ lines/s|redis [0-9.]+%' | tr '\n' ' '
    echo
  done
done
