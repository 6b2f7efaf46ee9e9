#!/usr/bin/env bash
# A/B of two builds on the figures a refactoring must not worsen (issue 13): `classify` throughput on
# uniform and Zipf-drawn UT1 names (with and without the name cache), and `serve` at P=1 and P=16, uncached and
# with Redis. The builds alternate run by run (A B A B …) so a busy machine hurts both alike; each cell is the
# median of REPS runs. Usage: A=old/domcat B=.build/release/domcat [N=3000000] [REPS=3] bench/ab-builds.sh
set -euo pipefail
cd "$(dirname "$0")/.."
A=${A:?path of build A}; B=${B:-.build/release/domcat}
N=${N:-3000000}; REPS=${REPS:-3}; RUN=${RUN:-4}
WORK=${WORK:-/tmp/domcat-bench-ab}; mkdir -p "$WORK"
CORPUS=corpora/ut1/ut1-2025-08-17.tsv.zst
REDIS_PORT=16392; LINE=127.0.0.1:17892

# One model both builds read: the UT1 linear model, trained by B on the project's split.
MODEL=$WORK/ut1.dcm
if [ ! -f "$MODEL" ]; then
  "$B" split "$CORPUS" --out "$WORK/split" 2>/dev/null
  "$B" train "$WORK/split/train.tsv" --out "$MODEL" 2>/dev/null
fi
[ -f "$WORK/uniform.txt" ] || python3 bench/make-names.py "$CORPUS" "$N" > "$WORK/uniform.txt"
[ -f "$WORK/zipf.txt" ] || python3 bench/make-names.py "$CORPUS" "$N" --zipf 1.0 > "$WORK/zipf.txt"
SMALL=$WORK/small.dcm; bench/small-model.sh "$B" "$SMALL"

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
seconds() { /usr/bin/time -f '%e' -o "$WORK/t" "$@" > /dev/null 2>&1; cat "$WORK/t"; }
names_per_s() { python3 -c "print(round($N / $1))"; }

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --logfile "$WORK/redis.log" & REDIS=$!
trap 'kill $REDIS 2>/dev/null; kill ${SERVE:-0} 2>/dev/null; true' EXIT
until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.1; done

serve_rate() {  # build, extra serve flags…, then bench flags after --
  local bin=$1; shift; local flags=()
  while [ "$1" != -- ]; do flags+=("$1"); shift; done; shift
  # The bench's names end in .example, no public suffix: builds that mark such names must be told to classify them.
  "$bin" serve --help 2>/dev/null | grep -q -- --classify-all-names && flags+=(--classify-all-names)
  redis-cli -p "$REDIS_PORT" flushall >/dev/null
  "$bin" serve "$SMALL" --listen "$LINE" --workers 2 "${flags[@]}" 2>/dev/null & SERVE=$!
  until "$bin" bench --line "$LINE" --connections 1 --seconds 0.1 --warmup 0 >/dev/null 2>&1; do sleep 0.2; done
  "$B" bench --json --seconds "$RUN" --warmup 1 --seed 7 --threads 2 --line "$LINE" --connections 50 "$@" |
    python3 -c 'import json,sys; print(round(json.load(sys.stdin)["namesPerSecond"]))'
  kill $SERVE; wait $SERVE 2>/dev/null || true
}

declare -A cell
for rep in $(seq "$REPS"); do
  for side in A B; do
    bin=${!side}
    cell[$side,uniform]+="$(names_per_s "$(seconds "$bin" classify "$MODEL" -i "$WORK/uniform.txt" --quiet)") "
    cell[$side,nocache]+="$(names_per_s "$(seconds "$bin" classify "$MODEL" -i "$WORK/uniform.txt" --cache-entries 0 --quiet)") "
    cell[$side,zipf]+="$(names_per_s "$(seconds "$bin" classify "$MODEL" -i "$WORK/zipf.txt" --quiet)") "
    cell[$side,p1]+="$(serve_rate "$bin" -- --pipeline 1 --keys unique) "
    cell[$side,p16]+="$(serve_rate "$bin" -- --pipeline 16 --keys unique) "
    cell[$side,redis16]+="$(serve_rate "$bin" --redis redis://127.0.0.1:$REDIS_PORT -- --pipeline 16 --keys zipf) "
  done
done

echo "| figure (names/s, median of $REPS) | A | B | B/A | runs A | runs B |"
echo "|---|---|---|---|---|---|"
for key in uniform nocache zipf p1 p16 redis16; do
  a=$(tr ' ' '\n' <<< "${cell[A,$key]}" | grep . | median); b=$(tr ' ' '\n' <<< "${cell[B,$key]}" | grep . | median)
  printf '| %s | %s | %s | %.2f× | %s| %s|\n' "$key" "$a" "$b" "$(python3 -c "print($b / $a)")" "${cell[A,$key]}" "${cell[B,$key]}"
done
