#!/usr/bin/env bash
# serve with the default set (category + service) against category alone, same run, alternating (which goes
# first swaps from pass to pass, so a drift of the machine's load favours neither): uncached (LRU off, every name new: what the models cost) and warm (LRU 1M, Zipf(1.0) over 1M names
# after 5 s of warm-up: the event loop's cache path). Line protocol, closed loop, c=50, P=16, 2 client threads;
# `serve --workers 2 --event-loops 2`. Besides names/s, the server's CPU time per name (user + system, from
# /proc, over the measured run): this machine is shared, and CPU per name moves far less with the load than
# throughput does. `--classify-all-names`: `domcat bench`'s names end in `.example`, no public suffix, and
# would otherwise be answered `!nosuffix` without any model. Usage: bench/serve-models.sh [CATEGORY.dcm SERVICE.dcm]
# (default: out/category.dcm out/service.dcm, from `make model`).
set -euo pipefail
cd "$(dirname "$0")/.."
D=${DOMCAT:-.build/release/domcat}
RUN=${RUN:-5}; PASSES=${PASSES:-4}; CONNS=${CONNS:-50}
LINE=127.0.0.1:${LINE_PORT:-17892}; HTTP=127.0.0.1:${HTTP_PORT:-18092}
CATEGORY=${1:-out/category.dcm}; SERVICE=${2:-out/service.dcm}
OUT=$(mktemp)
S=
trap '[ -z "$S" ] || kill "$S" 2>/dev/null || true; rm -f "$OUT" "$OUT.run"' EXIT

serve() { "$D" serve "$@" --classify-all-names --listen "$LINE" --http "$HTTP" --workers 2 --event-loops 2 2>/dev/null & S=$!
          until "$D" bench --line "$LINE" --connections 1 --seconds 0.1 --warmup 0 >/dev/null 2>&1; do sleep 0.2; done; }
stop() { kill "$S"; wait "$S" 2>/dev/null || true; S=; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$S/stat"; }
# names/s, p50, p99, server CPU µs per name.
measure() { local before; before=$(cpu_ticks)
            "$D" bench --json --seconds "$RUN" --warmup 0 --seed 7 --threads 2 --line "$LINE" --connections "$CONNS" --pipeline 16 "$@" >"$OUT.run"
            python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); cpu=(int(sys.argv[3])-int(sys.argv[2]))/int(sys.argv[4]);
print(round(r["namesPerSecond"]), round(r["p50"]), round(r["p99"]), "%.2f" % (cpu*1e6/r["names"]))' \
              "$OUT.run" "$before" "$(cpu_ticks)" "$(getconf CLK_TCK)"; }

echo "| pass | models | cache | names/s | p50 µs | p99 µs | server CPU µs/name |"
echo "|---|---|---|---|---|---|---|"
for pass in $(seq "$PASSES"); do
  order="one two"; [ $((pass % 2)) = 1 ] || order="two one"
  for set in $order; do
    models=("$CATEGORY"); [ "$set" = one ] || models+=("$SERVICE")
    serve "${models[@]}" --lru-entries 0
    read -r t p50 p99 cpu < <(measure --keys unique)
    echo "| $pass | $set | uncached | $t | $p50 | $p99 | $cpu |"; echo "$set uncached $t $cpu" >>"$OUT"
    stop
    serve "${models[@]}"
    "$D" bench --line "$LINE" --connections "$CONNS" --pipeline 16 --keys zipf --seconds 5 --warmup 0 >/dev/null
    read -r t p50 p99 cpu < <(measure --keys zipf)
    echo "| $pass | $set | LRU warm, zipf | $t | $p50 | $p99 | $cpu |"; echo "$set warm $t $cpu" >>"$OUT"
    stop
  done
done
python3 - "$OUT" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
for cache in ("uncached", "warm"):
    for what, col in (("names/s", 2), ("server CPU per name", 3)):
        one = [float(r[col]) for r in rows if r[0] == "one" and r[1] == cache]
        two = [float(r[col]) for r in rows if r[0] == "two" and r[1] == cache]
        print(f"{cache}, {what}: category+service / category alone = {statistics.median(two) / statistics.median(one):.2f}x"
              f" (medians {statistics.median(two):.6g} / {statistics.median(one):.6g}; per pass "
              + ", ".join(f"{b / a:.2f}" for a, b in zip(one, two)) + ")")
PY
