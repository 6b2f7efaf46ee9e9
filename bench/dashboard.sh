#!/usr/bin/env bash
# Issue 21 figures: what `--dashboard` costs `classify` (the default models on a dnsmasq log of UT1 names drawn
# Zipf 1.0, 2 threads: user CPU seconds, median of REPS alternating pairs, with and without the page), and RSS of `classify
# --dashboard` on an endless stream of new names for 60 s (flat = the counters are bounded).
# Usage: bench/dashboard.sh [LINES]
set -euo pipefail
cd "$(dirname "$0")/.."
D=${DOMCAT:-.build/release/domcat}
WORK=${WORK:-/tmp/domcat-bench}
N=${1:-2000000}
PORT=${PORT:-18766}
mkdir -p "$WORK"
log=$WORK/dnsmasq-$N.log
[ -f "$log" ] || python3 bench/make-dnsmasq-log.py corpora/ut1/ut1-2025-08-17.tsv.zst "$N" > "$log"
MODELS="out/category.dcm out/service.dcm"

cpu() {  # user CPU seconds of one run of: classify "$@" < log (kernel time left out: zeroing the model's
         # pages scatters it by ±0.7 s from run to run on this VM, more than the effect measured)
  /usr/bin/time -f %U -o "$WORK/time.txt" "$D" classify $MODELS --input dnsmasq --skip-no-query --quiet "$@" < "$log" > /dev/null 2>&1
  cat "$WORK/time.txt"
}
# Alternating pairs, so drift in the machine's load falls on both alike; the median of REPS of each, and the
# median of the pairs' ratios (each pair ran side by side in time).
REPS=${REPS:-9}
: > "$WORK/pairs.txt"
for r in $(seq "$REPS"); do echo "$(cpu) $(cpu --dashboard 127.0.0.1:$PORT)" >> "$WORK/pairs.txt"; done
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
without=$(cut -d' ' -f1 "$WORK/pairs.txt" | median); with=$(cut -d' ' -f2 "$WORK/pairs.txt" | median)
paired=$(awk '{print ($2 / $1 - 1) * 100}' "$WORK/pairs.txt" | median)
echo "| classify (default models, $(wc -l < "$log") dnsmasq lines) | user CPU s (median of $REPS) |"
echo "|---|---|"
echo "| without --dashboard | $without |"
echo "| with --dashboard | $with |"
printf 'dashboard cost: %+.1f%% CPU (medians); %+.1f%% (median of the %d pairs: %s)\n\n' \
  "$(echo "($with / $without - 1) * 100" | bc -l)" "$paired" "$REPS" "$(awk '{printf "%+.0f ", ($2 / $1 - 1) * 100}' "$WORK/pairs.txt")"
rm -f "$WORK/pairs.txt"

# Endless: every line a name never seen before, from eight clients.
python3 -c '
import itertools, sys
for i in itertools.count():
    sys.stdout.write("Dec  3 12:00:00 dnsmasq[1]: query[A] host%d.example%d.com from 192.168.1.%d\n" % (i, i % 5000, i % 8))
' | "$D" classify $MODELS --dashboard 127.0.0.1:$PORT --quiet > /dev/null &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
until curl -sf 127.0.0.1:$PORT/api/stats >/dev/null; do sleep 0.2; done   # the models are loaded
echo "| seconds | RSS MB | names counted |"
echo "|---|---|---|"
for i in $(seq 0 10 60); do
  printf '| %d | %.0f | %s |\n' "$i" "$(awk '/VmRSS/ {print $2/1024}' /proc/$pid/status)" \
    "$(curl -s 127.0.0.1:$PORT/api/stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["names"])')"
  [ "$i" = 60 ] || sleep 10
done
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
