#!/usr/bin/env bash
# Issue 21: the dashboard's cost in instructions, which a shared or noisy machine does not change (user CPU on
# this VM scatters ±10% from run to run, more than the effect measured). Counts every instruction of
# `classify` (the default models, a dnsmasq log) under valgrind's cachegrind with and without --dashboard, each
# on the log and on its first line alone (the start: models mapped and checked), and reports the dashboard's
# share of the instructions spent on the lines.
# Usage: bench/dashboard-instructions.sh [LINES] [DOMCAT...]   (several binaries: one row each)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200000}; shift || true
BINS=("${@:-.build/release/domcat}")
WORK=${WORK:-/tmp/domcat-bench}
mkdir -p "$WORK"
full=$WORK/dnsmasq-2000000.log
[ -f "$full" ] || python3 bench/make-dnsmasq-log.py corpora/ut1/ut1-2025-08-17.tsv.zst 2000000 > "$full"
head -n "$N" "$full" > "$WORK/dash-$N.log"
head -n 1 "$full" > "$WORK/dash-1.log"
MODELS="out/category.dcm out/service.dcm"

# valgrind 3.19 cannot read the DWARF 5 Swift writes: count a copy without debug sections.
instructions() {  # binary log [flags]
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$1" classify $MODELS --input dnsmasq \
    --skip-no-query --quiet "${@:3}" < "$2" 2>&1 >/dev/null | awk '/I *refs/ {gsub(",", "", $4); print $4}'
}
echo "| build | instructions for $N lines without | with --dashboard | dashboard's share |"
echo "|---|---|---|---|"
for bin in "${BINS[@]}"; do
  strip -g -o "$WORK/dash-stripped" "$bin"
  lines() { echo $(( $(instructions "$WORK/dash-stripped" "$WORK/dash-$N.log" "$@") - $(instructions "$WORK/dash-stripped" "$WORK/dash-1.log" "$@") )); }
  without=$(lines); with=$(lines --dashboard 127.0.0.1:${PORT:-18767})
  printf '| %s | %d | %d | %+.2f%% |\n' "$bin" "$without" "$with" "$(echo "($with / $without - 1) * 100" | bc -l)"
done
