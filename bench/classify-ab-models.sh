#!/usr/bin/env bash
# Issue 16: `classify` throughput of the old build with its own default UT1 model against the new build
# with its own (a new default changes the model, not only the binary, so each build classifies with the
# model it trains). The builds alternate run by run (A B A B …); each cell is the median of REPS runs of
# N uniformly drawn UT1 names: wall names/s and CPU time (perf stat task-clock, steadier on a busy machine).
# Usage: A=old/domcat B=.build/release/domcat [N=2000000] [REPS=3] bench/classify-ab-models.sh
set -euo pipefail
cd "$(dirname "$0")/.."
A=${A:?path of the old build}; B=${B:-.build/release/domcat}
N=${N:-2000000}; REPS=${REPS:-3}
WORK=${WORK:-/tmp/domcat-bench-ab16}; mkdir -p "$WORK"
CORPUS=corpora/ut1/ut1-2025-08-17.tsv.zst
[ -f "$WORK/split/train.tsv" ] || "$B" split "$CORPUS" --out "$WORK/split" 2>/dev/null
[ -f "$WORK/a.dcm" ] || "$A" train "$WORK/split/train.tsv" --out "$WORK/a.dcm" 2>/dev/null
[ -f "$WORK/b.dcm" ] || "$B" train "$WORK/split/train.tsv" --out "$WORK/b.dcm" 2>/dev/null
[ -f "$WORK/uniform-$N.txt" ] || python3 bench/make-names.py "$CORPUS" "$N" > "$WORK/uniform-$N.txt"
names=$WORK/uniform-$N.txt

median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
# "wall_seconds cpu_ms" of one classify run.
run() {
  perf stat -x, -e task-clock -o "$WORK/perf" "$1" classify "$2" -i "$names" --quiet $3 > /dev/null 2> "$WORK/err" &&
  awk -F, '/task-clock/ {cpu=$1} END {printf "%s", cpu}' "$WORK/perf" > "$WORK/cpu"
}
timed() { local s e; s=$(date +%s.%N); run "$@"; e=$(date +%s.%N); echo "$(echo "$e - $s" | bc) $(cat "$WORK/cpu")"; }

echo "| case | build | names/s (median of $REPS) | CPU s (task-clock) |"
echo "|---|---|---|---|"
for opts in "" "--cache-entries 0"; do
  : > "$WORK/a.txt"; : > "$WORK/b.txt"
  for _ in $(seq "$REPS"); do timed "$A" "$WORK/a.dcm" "$opts" >> "$WORK/a.txt"; timed "$B" "$WORK/b.dcm" "$opts" >> "$WORK/b.txt"; done
  for side in a b; do
    wall=$(awk '{print $1}' "$WORK/$side.txt" | median); cpu=$(awk '{print $2}' "$WORK/$side.txt" | median)
    printf '| %s | %s | %.0f | %.2f |\n' "${opts:-default cache}" "$side" "$(echo "$N / $wall" | bc -l)" "$(echo "$cpu / 1000" | bc -l)"
    eval "${side}_wall=$wall; ${side}_cpu=$cpu"
  done
  printf '| %s | new/old | %.2f× names/s | %.2f× CPU |\n' "${opts:-default cache}" "$(echo "$a_wall / $b_wall" | bc -l)" "$(echo "$b_cpu / $a_cpu" | bc -l)"
done
