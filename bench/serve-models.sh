#!/usr/bin/env bash
# serve with the default set (category + service) against category alone, same run, the two alternating in
# each pass: uncached (LRU off, every name new: what the models cost) and warm (LRU 1M, Zipf(1.0) over 1M names
# after 5 s of warm-up: the event loop's cache path). Line protocol, closed loop, c=50, P=16, 2 client threads;
# `serve --workers 2 --event-loops 2`. Usage: bench/serve-models.sh [CATEGORY.dcm SERVICE.dcm]
# (default: out/category.dcm out/service.dcm, from `make model`).
set -euo pipefail
cd "$(dirname "$0")/.."
D=${DOMCAT:-.build/release/domcat}
RUN=${RUN:-5}; PASSES=${PASSES:-3}; CONNS=${CONNS:-50}
LINE=127.0.0.1:${LINE_PORT:-17892}; HTTP=127.0.0.1:${HTTP_PORT:-18092}
CATEGORY=${1:-out/category.dcm}; SERVICE=${2:-out/service.dcm}
OUT=$(mktemp)
S=
trap '[ -z "$S" ] || kill "$S" 2>/dev/null || true; rm -f "$OUT"' EXIT

serve() { "$D" serve "$@" --listen "$LINE" --http "$HTTP" --workers 2 --event-loops 2 2>/dev/null & S=$!
          until "$D" bench --line "$LINE" --connections 1 --seconds 0.1 --warmup 0 >/dev/null 2>&1; do sleep 0.2; done; }
stop() { kill "$S"; wait "$S" 2>/dev/null || true; S=; }
measure() { "$D" bench --json --seconds "$RUN" --warmup 1 --seed 7 --threads 2 --line "$LINE" --connections "$CONNS" --pipeline 16 "$@" |
            python3 -c 'import json,sys; r=json.load(sys.stdin); print(round(r["namesPerSecond"]), round(r["p50"]), round(r["p99"]))'; }

echo "| pass | models | cache | names/s | p50 µs | p99 µs |"
echo "|---|---|---|---|---|---|"
for pass in $(seq "$PASSES"); do
  for set in one two; do
    models=("$CATEGORY"); [ "$set" = one ] || models+=("$SERVICE")
    serve "${models[@]}" --lru-entries 0
    read -r t p50 p99 < <(measure --keys unique)
    echo "| $pass | $set | uncached | $t | $p50 | $p99 |"; echo "$set uncached $t" >>"$OUT"
    stop
    serve "${models[@]}"
    "$D" bench --line "$LINE" --connections "$CONNS" --pipeline 16 --keys zipf --seconds 5 --warmup 0 >/dev/null
    read -r t p50 p99 < <(measure --keys zipf)
    echo "| $pass | $set | LRU warm, zipf | $t | $p50 | $p99 |"; echo "$set warm $t" >>"$OUT"
    stop
  done
done
python3 - "$OUT" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
for cache in ("uncached", "warm"):
    one = [float(t) for s, c, t in rows if s == "one" and c == cache]
    two = [float(t) for s, c, t in rows if s == "two" and c == cache]
    print(f"{cache}: category+service / category alone = {statistics.median(two) / statistics.median(one):.2f}x"
          f" (medians {statistics.median(two):.0f} / {statistics.median(one):.0f}; per pass "
          + ", ".join(f"{b / a:.2f}" for a, b in zip(one, two)) + ")")
PY
