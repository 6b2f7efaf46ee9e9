#!/usr/bin/env bash
# Issue 6 figures: a 10M-line dnsmasq log through `domcat classify --input dnsmasq` (1 and 2 threads) and
# `domcat extract`, beside `wc -l` and the awk/grep extraction a user would script, in one run.
# Usage: bench/dnsmasq-log.sh [LINES]  (uses the UT1 linear model from bench/linear-vs-fasttext.sh ut1)
set -euo pipefail
cd "$(dirname "$0")/.."
DOMCAT=${DOMCAT:-.build/release/domcat}
SHARED=${SHARED:-corpora}
WORK=${WORK:-/tmp/domcat-bench}
N=${1:-10000000}
MODEL=$WORK/ut1/linear.dcm
[ -f "$MODEL" ] || { echo "run bench/linear-vs-fasttext.sh ut1 first" >&2; exit 1; }
log=$WORK/dnsmasq-$N.log
[ -f "$log" ] || python3 bench/make-dnsmasq-log.py "$SHARED/ut1/ut1-2025-08-17.tsv.zst" "$N" > "$log"
lines=$(wc -l < "$log")

t() { /usr/bin/time -f '%e %M' -o "$WORK/time.txt" bash -c "$1" ; awk '{printf "%s %.0f\n", $1, $2/1024}' "$WORK/time.txt"; }
echo "| command ($lines lines, $(du -m "$log" | cut -f1) MB) | seconds | lines/s | peak RSS MB |"
echo "|---|---|---|---|"
row() { read -r s m < <(t "$1"); printf '| `%s` | %s | %.0f | %s |\n' "$1" "$s" "$(echo "$lines / $s" | bc -l)" "$m"; eval "$2=$s"; }
row "wc -l $log > /dev/null" wc_s
row "awk '/query\\[/ {print \$6}' $log > /dev/null" awk_s
# GNU grep stops at the first match when its output is /dev/null: make it write.
row "grep -oP 'query\\[\\w+\\] \\K\\S+' $log | cat > /dev/null" grep_s
row "$DOMCAT extract --input dnsmasq --skip-no-query --quiet -i $log > /dev/null" ex2_s
row "$DOMCAT extract --input dnsmasq --skip-no-query --quiet --threads 1 -i $log > /dev/null" ex1_s
row "$DOMCAT classify $MODEL --input dnsmasq --skip-no-query --quiet --threads 1 -i $log > /dev/null" c1_s
row "$DOMCAT classify $MODEL --input dnsmasq --skip-no-query --quiet -i $log > /dev/null" c2_s
printf '\nextract (2 threads) vs awk: %.2f× awk speed; classify 2 threads: %.2f× awk speed, %.2f× wc -l time\n' \
  "$(echo "$awk_s / $ex2_s" | bc -l)" "$(echo "$awk_s / $c2_s" | bc -l)" "$(echo "$c2_s / $wc_s" | bc -l)"
