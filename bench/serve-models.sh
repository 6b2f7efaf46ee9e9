#!/usr/bin/env bash
# serve with the default set (category + service) against category alone, same run, alternating (which goes
# first swaps from pass to pass, so a drift of the machine's load favours neither): uncached (LRU off, every
# name new: what the models cost) and warm (LRU 1M, Zipf(1.0) over 1M names after 5 s of warm-up: mostly
# LRU hits). Line protocol, closed loop, c=50, P=16, 2 client threads; `serve --workers 2
# --event-loops 2`. Besides names/s, the server's CPU time per name (user + system, from /proc, over the
# measured run): this machine is shared, and CPU per name moves far less with the load than throughput does.
# `--classify-all-names`: `domcat bench`'s names end in `.example`, no public suffix, and would otherwise be
# answered `!nosuffix` without any model. BASE=<another domcat binary> adds category alone served by it (an
# A/B of the one-model path). Usage: bench/serve-models.sh [CATEGORY.dcm SERVICE.dcm]
# (default: out/category.dcm out/service.dcm, from `make model`).
set -euo pipefail
cd "$(dirname "$0")/.."
D=${DOMCAT:-.build/release/domcat}
RUN=${RUN:-5}; PASSES=${PASSES:-4}
CONNS=${CONNS:-50}
CACHES=${CACHES:-both}   # or uncached, or warm, or hot (20k Zipf names, all in the LRU: the event loop's path alone)
LINE=127.0.0.1:${LINE_PORT:-17892}; HTTP=127.0.0.1:${HTTP_PORT:-18092}
CATEGORY=${1:-out/category.dcm}; SERVICE=${2:-out/service.dcm}
OUT=$(mktemp)
S=
trap '[ -z "$S" ] || kill "$S" 2>/dev/null || true; rm -f "$OUT" "$OUT.run"' EXIT

serve() { "$SERVE" serve "$@" --classify-all-names --listen "$LINE" --http "$HTTP" --workers 2 --event-loops 2 2>/dev/null & S=$!
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
  order="one two${BASE:+ base}"; [ $((pass % 2)) = 1 ] || order="${BASE:+base }two one"
  for set in $order; do
    models=("$CATEGORY"); [ "$set" != two ] || models+=("$SERVICE")
    SERVE=$D; [ "$set" != base ] || SERVE=$BASE
    if [ "$CACHES" = both ] || [ "$CACHES" = uncached ]; then
      serve "${models[@]}" --lru-entries 0
      read -r t p50 p99 cpu < <(measure --keys unique)
      echo "| $pass | $set | uncached | $t | $p50 | $p99 | $cpu |"; echo "$set uncached $t $cpu" >>"$OUT"
      stop
    fi
    if [ "$CACHES" = both ] || [ "$CACHES" = warm ]; then
      serve "${models[@]}"
      "$D" bench --line "$LINE" --connections "$CONNS" --pipeline 16 --keys zipf --seconds 5 --warmup 0 >/dev/null
      read -r t p50 p99 cpu < <(measure --keys zipf)
      echo "| $pass | $set | LRU warm, zipf | $t | $p50 | $p99 | $cpu |"; echo "$set warm $t $cpu" >>"$OUT"
      stop
    fi
    if [ "$CACHES" = hot ]; then
      serve "${models[@]}"
      "$D" bench --line "$LINE" --connections "$CONNS" --pipeline 16 --keys zipf --zipf-names 20000 --seconds 5 --warmup 0 >/dev/null
      read -r t p50 p99 cpu < <(measure --keys zipf --zipf-names 20000)
      echo "| $pass | $set | LRU hot, 20k zipf | $t | $p50 | $p99 | $cpu |"; echo "$set hot $t $cpu" >>"$OUT"
      stop
    fi
  done
done
python3 - "$OUT" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
def column(set, cache, col): return [float(r[col]) for r in rows if r[0] == set and r[1] == cache]
for other, what in (("two", "category+service / category alone"), ("base", "category alone, this build / BASE")):
    for cache in ("uncached", "warm", "hot"):
        for unit, col in (("names/s", 2), ("server CPU per name", 3)):
            one, b = column("one", cache, col), column(other, cache, col)
            if not b or not one: continue
            ratio = statistics.median(b) / statistics.median(one) if other == "two" else statistics.median(one) / statistics.median(b)
            print(f"{cache}, {unit}: {what} = {ratio:.2f}x (medians {statistics.median(one):.6g} one, {statistics.median(b):.6g} {other};"
                  " per pass " + ", ".join(f"{(y / x if other == 'two' else x / y):.2f}" for x, y in zip(one, b)) + ")")
PY
