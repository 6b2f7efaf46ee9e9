#!/usr/bin/env bash
# Issue 17 figure: a promotion (and a rollback) reaching two `serve --registry` processes under load, through
# Redis. Server A follows the registry (index read every 200 ms, and the announcement); server B follows a copy
# of the folder whose index never sees the change, so only the Redis announcement can switch it (as on another
# machine). Both are loaded by `domcat bench --http` (POST /predict, errors = any HTTP status >= 400 or a lost
# connection) for the whole run; the probe times each switch. Two real models: linear on the v2fly split with
# the default service model's settings (Makefile TRAIN_service), 5 and 15 epochs. Usage: bench/registry-switch.sh
set -euo pipefail
cd "$(dirname "$0")/.."
D=$(realpath "${DOMCAT:-.build/release/domcat}")
WORK=${WORK:-/tmp/domcat-registry-switch}
REDIS_PORT=${REDIS_PORT:-16395}
PORTS=(17901 17902); HTTP=(18901 18902)
RUN=${RUN:-20}
rm -rf "$WORK"; mkdir -p "$WORK"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

"$D" split corpora/v2fly/v2fly-2025-08-20.tsv.zst --out "$WORK/split" 2>/dev/null
for e in 5 15; do
  "$D" train "$WORK/split/train.tsv" --out "$WORK/e$e.dcm" --epochs "$e" --bucket-bits 20 --dim 16 --output embedding --weighting mean \
    --label-ngrams 2>/dev/null
done
export DOMCAT_REGISTRY="$WORK/registry"
"$D" registry add "$WORK/e5.dcm" >/dev/null; "$D" registry add "$WORK/e15.dcm" >/dev/null
"$D" registry promote 1.0.0 2>/dev/null
cp -r "$WORK/registry" "$WORK/copy"

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" --logfile "$WORK/redis.log" &
PIDS+=($!)
until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.1; done
REDIS=redis://127.0.0.1:$REDIS_PORT
for i in 0 1; do
  folder=$([ "$i" = 0 ] && echo "$WORK/registry" || echo "$WORK/copy")
  "$D" serve --registry "$folder" --listen 127.0.0.1:${PORTS[$i]} --http 127.0.0.1:${HTTP[$i]} --format jsonl --redis "$REDIS" \
    --workers 1 2>>"$WORK/serve$i.log" &
  PIDS+=($!)
done
for i in 0 1; do until "$D" bench --line 127.0.0.1:${PORTS[$i]} --connections 1 --seconds 0.1 --warmup 0 >/dev/null 2>&1; do sleep 0.2; done; done

for i in 0 1; do
  "$D" bench --http 127.0.0.1:${HTTP[$i]} --connections 8 --keys zipf --seconds "$RUN" --warmup 0 --json > "$WORK/load$i.json" &
  LOAD[$i]=$!
done
sleep 4
python3 bench/registry_switch_probe.py 1.0.1 "${PORTS[0]},${PORTS[1]}" -- "$D" registry promote 1.0.1 --redis "$REDIS" | tee "$WORK/promote.json"
sleep 4
python3 bench/registry_switch_probe.py 1.0.0 "${PORTS[0]},${PORTS[1]}" -- "$D" registry rollback --redis "$REDIS" | tee "$WORK/rollback.json"
wait "${LOAD[0]}" "${LOAD[1]}"
for i in 0 1; do
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("server %s: %d requests, %d errors, %.0f req/s, p99 %.1f ms" % (sys.argv[2], r["requests"], r["errors"], r["requestsPerSecond"], r["p99"] / 1e3))' "$WORK/load$i.json" "$i"
done
echo "model file $(du -h "$WORK/e5.dcm" | cut -f1); machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); serve logs in $WORK"
