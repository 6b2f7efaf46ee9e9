#!/usr/bin/env bash
# Issue 6 figure: RSS of `domcat classify` on an endless dnsmasq stream, sampled every 5 s for 60 s.
# Flat means the bounded queues and caches hold: memory does not grow with input.
# Usage: bench/endless-rss.sh   (uses the dnsmasq log from bench/dnsmasq-log.sh and the UT1 linear model)
set -euo pipefail
cd "$(dirname "$0")/.."
DOMCAT=${DOMCAT:-.build/release/domcat}
WORK=${WORK:-/tmp/domcat-bench}
MODEL=$WORK/ut1/linear.dcm
log=$(ls "$WORK"/dnsmasq-*.log | head -n 1)
# The log replayed forever (distinct names keep coming from a 296k-name Zipf draw).
( while true; do cat "$log"; done ) | "$DOMCAT" classify "$MODEL" --input dnsmasq --skip-no-query --quiet > /dev/null &
pid=$!   # the last command of the pipeline: domcat
trap 'kill "$pid" 2>/dev/null || true' EXIT
sleep 1
echo "| seconds | RSS MB |"
echo "|---|---|"
for i in $(seq 0 5 60); do
  printf '| %d | %.0f |\n' "$i" "$(awk '/VmRSS/ {print $2/1024}' /proc/$pid/status)"
  sleep 5
done
kill "$pid" 2>/dev/null || true
