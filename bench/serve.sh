#!/usr/bin/env bash
# Issue 5 figures in one run: Redis's own GET as the baseline, then `domcat serve` uncached, with Redis,
# over HTTP, and its memory. Loopback only; the load generator is `domcat bench` (HdrHistogram, open loop
# corrected for coordinated omission). Usage: bench/serve.sh [MODEL]   (default: a small model trained here)
set -euo pipefail
cd "$(dirname "$0")/.."
DOMCAT=${DOMCAT:-.build/release/domcat}
WORK=${WORK:-/tmp/domcat-bench-serve}
RUN=${RUN:-5}            # measured seconds per run
CONNS=${CONNS:-50}
CLIENT_THREADS=${CLIENT_THREADS:-2}   # closed-loop rows: two client threads, so the client is not the ceiling
REDIS_PORT=${REDIS_PORT:-16390}
LINE=127.0.0.1:${LINE_PORT:-17890}
HTTP=127.0.0.1:${HTTP_PORT:-18090}
mkdir -p "$WORK"
command -v redis-server >/dev/null || apt-get install -y -q redis-server >/dev/null

MODEL=${1:-}
if [ -z "$MODEL" ]; then
  MODEL=$WORK/small.dcm
  bench/small-model.sh "$DOMCAT" "$MODEL"
fi

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" --logfile "$WORK/redis.log" &
REDIS_PID=$!; PIDS+=($REDIS_PID)
until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.1; done

# Measured runs use another seed than the warm-up, so "warm" means the same distribution, not the same names.
bench() { "$DOMCAT" bench --json --seconds "$RUN" --warmup 1 --seed 7 "$@"; }
closed() { bench --threads "$CLIENT_THREADS" "$@"; }
field() { python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); print(" ".join(str(round(r[k])) for k in sys.argv[1:]))' "$@"; }
serve() { ${SERVE_PREFIX:-} "$DOMCAT" serve "$MODEL" --classify-all-names --listen "$LINE" --http "$HTTP" --workers 2 "$@" 2>>"$WORK/serve.log" & SERVE_PID=$!; PIDS+=($SERVE_PID)
          until "$DOMCAT" bench --line "$LINE" --connections 1 --seconds 0.1 --warmup 0 >/dev/null 2>&1; do sleep 0.2; done; }
stop_serve() { kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
row() { printf '| %s | %s | %s | %s | %s |\n' "$@"; }

echo "## raw"
echo "| run | names/s | p50 µs | p99 µs | p99.9 µs |"
echo "|---|---|---|---|---|"
# 1. Baseline: redis-benchmark itself, and the same load generator against Redis GET.
for P in 1 16; do
  n=$(( P == 1 ? 500000 : 3000000 ))
  rps=$(redis-benchmark -p "$REDIS_PORT" -t get -c "$CONNS" -P "$P" -n "$n" -q --csv | awk -F'","' 'NR>1 || /GET/ {gsub(/"/,"",$2); print $2; exit}')
  echo "| redis-benchmark -t get -c $CONNS -P $P | $rps | - | - | - |"
  read -r t p50 p99 p999 < <(closed --redis 127.0.0.1:$REDIS_PORT --connections "$CONNS" --pipeline "$P" --keys zipf | field namesPerSecond p50 p99 p999)
  echo "| domcat bench --redis c=$CONNS P=$P (zipf) | $t | $p50 | $p99 | $p999 |"
  eval "OURS_P$P=$t"
  eval "REDIS_P$P=$rps"
done
# The same open-loop load against Redis GET: what one request per round trip costs on this machine at all.
for rate in 25000 50000; do
  read -r t p50 p99 p999 < <(bench --redis 127.0.0.1:$REDIS_PORT --connections "$CONNS" --rate "$rate" --keys zipf | field namesPerSecond p50 p99 p999)
  echo "| domcat bench --redis open loop $rate/s unpipelined, c=$CONNS | $t | $p50 | $p99 | $p999 |"
done

# 2. Uncached: no LRU, no Redis, names never repeated. Throughput with one and two event loops; latency
#    (open loop, coordinated omission corrected) with one, the lower-latency setting on 2 cores.
for loops in 2 1; do
  serve --lru-entries 0 --event-loops "$loops"
  read -r MAX p50 p99 p999 < <(closed --line "$LINE" --connections "$CONNS" --pipeline 16 --keys unique | field namesPerSecond p50 p99 p999)
  echo "| serve uncached, $loops event loop(s), closed loop c=$CONNS P=16 (max) | $MAX | $p50 | $p99 | $p999 |"
  read -r MAX1 p50 p99 p999 < <(closed --line "$LINE" --connections "$CONNS" --pipeline 1 --keys unique | field namesPerSecond p50 p99 p999)
  echo "| serve uncached, $loops event loop(s), closed loop c=$CONNS P=1 | $MAX1 | $p50 | $p99 | $p999 |"
  [ "$loops" = 1 ] || { stop_serve; continue; }
  # The open loop sends one name per request (as a resolver would), so its 50% and 90% are of the
  # unpipelined maximum; at a share of the pipelined one it would be past saturation.
  for pct in 50 90; do
    rate=$(( MAX1 * pct / 100 ))
    read -r t p50 p99 p999 < <(bench --line "$LINE" --connections "$CONNS" --rate "$rate" --keys unique | field namesPerSecond p50 p99 p999)
    echo "| serve uncached, 1 event loop, open loop at $pct% of the unpipelined max ($rate/s), c=$CONNS | $t | $p50 | $p99 | $p999 |"
  done
  for rate in 25000 50000; do
    read -r t p50 p99 p999 < <(bench --line "$LINE" --connections "$CONNS" --rate "$rate" --keys unique | field namesPerSecond p50 p99 p999)
    echo "| serve uncached, 1 event loop, open loop $rate/s unpipelined, c=$CONNS | $t | $p50 | $p99 | $p999 |"
  done
  stop_serve
done

# 2b. The same open loop with client and server on separate cores (`taskset`): the nearest this machine
#     comes to a load generator on another host. Server: 1 event loop + 1 worker on core 0; client on core 1.
#     Redis's GET under the same pinning and load is the baseline.
PIN_SERVER="taskset -c 0" PIN_CLIENT="taskset -c 1"
SERVE_PREFIX=$PIN_SERVER serve --lru-entries 0 --event-loops 1 --workers 1
for rate in 25000 50000; do
  read -r t p50 p99 p999 < <($PIN_CLIENT "$DOMCAT" bench --json --seconds "$RUN" --warmup 1 --seed 7 --line "$LINE" --connections "$CONNS" --rate "$rate" --keys unique | field namesPerSecond p50 p99 p999)
  echo "| serve uncached, pinned (server core 0, client core 1), open loop $rate/s unpipelined, c=$CONNS | $t | $p50 | $p99 | $p999 |"
done
stop_serve
taskset -a -cp 0 "$REDIS_PID" >/dev/null
for rate in 25000 50000; do
  read -r t p50 p99 p999 < <($PIN_CLIENT "$DOMCAT" bench --json --seconds "$RUN" --warmup 1 --seed 7 --redis 127.0.0.1:$REDIS_PORT --connections "$CONNS" --rate "$rate" --keys zipf | field namesPerSecond p50 p99 p999)
  echo "| Redis GET, pinned (redis core 0, client core 1), open loop $rate/s unpipelined, c=$CONNS | $t | $p50 | $p99 | $p999 |"
done
taskset -a -cp 0,1 "$REDIS_PID" >/dev/null

# 3. Redis tier: Zipf(1.0) over 1M names, warmed first. LRU off with every miss read from Redis (each lookup
#    an MGET); then the LRU on, with the default reads (`auto`: Redis is asked when the round trip costs less
#    than the model work it saves) and with every LRU miss read from Redis (`always`).
for tier in "0 always" "1000000 auto" "1000000 always"; do
  read -r lru reads <<<"$tier"
  redis-cli -p "$REDIS_PORT" flushall >/dev/null
  serve --lru-entries "$lru" --redis "redis://127.0.0.1:$REDIS_PORT" --redis-reads "$reads" --event-loops 2
  "$DOMCAT" bench --line "$LINE" --connections "$CONNS" --pipeline 16 --keys zipf --seconds 10 --warmup 0 >/dev/null
  before=$(curl -s "http://$HTTP/metrics" | awk '/^domcat_cache_(hits|misses)_total/ {s[$1]=$2} END {print s["domcat_cache_hits_total{tier=\"lru\"}"]+0, s["domcat_cache_hits_total{tier=\"redis\"}"]+0, s["domcat_cache_misses_total"]+0}')
  for P in 1 16; do
    read -r t p50 p99 p999 < <(closed --line "$LINE" --connections "$CONNS" --pipeline "$P" --keys zipf | field namesPerSecond p50 p99 p999)
    echo "| serve + Redis, LRU $lru, reads $reads, 2 event loops, zipf warm, c=$CONNS P=$P | $t | $p50 | $p99 | $p999 |"
    eval "SERVE_REDIS_LRU${lru}_${reads}_P$P=$t"
  done
  read -r t p50 p99 p999 < <(bench --line "$LINE" --connections "$CONNS" --rate 50000 --keys zipf | field namesPerSecond p50 p99 p999)
  echo "| serve + Redis, LRU $lru, reads $reads, 2 event loops, zipf warm, open loop 50000/s unpipelined, c=$CONNS | $t | $p50 | $p99 | $p999 |"
  after=$(curl -s "http://$HTTP/metrics" | awk '/^domcat_cache_(hits|misses)_total/ {s[$1]=$2} END {print s["domcat_cache_hits_total{tier=\"lru\"}"]+0, s["domcat_cache_hits_total{tier=\"redis\"}"]+0, s["domcat_cache_misses_total"]+0}')
  python3 -c "import sys; b=list(map(float,'$before'.split())); a=list(map(float,'$after'.split())); d=[x-y for x,y in zip(a,b)]; t=sum(d); print('|  hit ratio during the LRU $lru, reads $reads runs: lru %.1f%%, redis %.1f%%, model %.1f%% | | | | |' % tuple(100*x/t for x in d))"
  if [ "$tier" = "1000000 auto" ]; then
    # 4. HTTP on the warm server.
    for b in 1 100; do
      read -r t rq p50 p99 p999 < <(closed --http "$HTTP" --connections "$CONNS" --batch "$b" --keys zipf | field namesPerSecond requestsPerSecond p50 p99 p999)
      echo "| HTTP /predict batch $b, c=$CONNS ($rq req/s) | $t | $p50 | $p99 | $p999 |"
    done
    # 5. Memory with a full 1M-entry LRU.
    "$DOMCAT" bench --line "$LINE" --connections 8 --pipeline 64 --keys unique --seconds 25 --warmup 0 >/dev/null
    echo "| RSS of serve, LRU entries $(curl -s "http://$HTTP/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["lru_entries"])') | $(rss_mb "$SERVE_PID") MB | | | |"
  fi
  stop_serve
done

echo
echo "## ratios"
for tier in 0_always 1000000_auto 1000000_always; do
  eval "p1=\$SERVE_REDIS_LRU${tier}_P1 p16=\$SERVE_REDIS_LRU${tier}_P16"
  python3 -c "print('serve+Redis (LRU/reads $tier) / redis-benchmark GET: P=1 %.2f, P=16 %.2f; / Redis GET under the same client: P=1 %.2f, P=16 %.2f' % ($p1/float('$REDIS_P1'), $p16/float('$REDIS_P16'), $p1/float('$OURS_P1'), $p16/float('$OURS_P16')))"
done
