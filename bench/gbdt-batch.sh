#!/usr/bin/env bash
# Issue 18, part 3: gbdt `classify` with the trees walked over batches of 64 names against the per-name walk of
# an earlier build, on one gbdt model and the same names: CPU seconds (perf stat task-clock) and wall names/s,
# 2 threads, no name cache, median of 3; then both builds' answers compared line by line.
# Usage: OLD=old/domcat MODEL=gbdt.dcm NAMES=names.txt bench/gbdt-batch.sh   (MODEL in a format both builds read)
set -euo pipefail
cd "$(dirname "$0")/.."
D=${DOMCAT:-.build/release/domcat}
: "${OLD:?an earlier domcat build}" "${MODEL:?a gbdt model}" "${NAMES:?a names file}"
WORK=${WORK:-/tmp/domcat-gbdt-batch}; mkdir -p "$WORK"
N=$(wc -l < "$NAMES")
rate() {
  for i in 1 2 3; do
    perf stat -x, -e task-clock -o "$WORK/perf" /usr/bin/time -f %e -o "$WORK/t" "$1" classify "$MODEL" -i "$NAMES" --quiet --cache-entries 0 > "$WORK/out"
    python3 -c "print(round($N / $(cat "$WORK/t")), round($(grep task-clock "$WORK/perf" | cut -d, -f1) / 1000, 2))"
  done | sort -n | sed -n 2p
}
set -- $(rate "$OLD"); old_rate=$1 old_cpu=$2; cp "$WORK/out" "$WORK/old.out"
set -- $(rate "$D"); new_rate=$1 new_cpu=$2
echo "per-name walk ($OLD): $old_rate names/s, $old_cpu CPU s for $N names"
echo "batched walk ($D): $new_rate names/s, $new_cpu CPU s for $N names"
python3 -c "print('CPU ratio old/new: %.2f×, wall rate new/old: %.2f×' % ($old_cpu / $new_cpu, $new_rate / $old_rate))"
cmp -s "$WORK/old.out" "$WORK/out" && echo "answers: identical" || echo "answers: DIFFER ($(diff "$WORK/old.out" "$WORK/out" | grep -c '^<') lines)"
