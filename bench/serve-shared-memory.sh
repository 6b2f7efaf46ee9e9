#!/usr/bin/env bash
# Issue 18: memory (PSS and RSS, /proc/PID/smaps_rollup) of one `serve` process, then of two on the same model file,
# idle after loading and after 200k names each, for the models bench/quantize.sh left in $WORK.
# Usage: [WORK=/tmp/domcat-quantize] bench/serve-shared-memory.sh [MODEL …]   (default: q8-cut float)
set -euo pipefail
cd "$(dirname "$0")/.."
D=${DOMCAT:-.build/release/domcat}
WORK=${WORK:-/tmp/domcat-quantize}
export DOMCAT_MODEL_CACHE=$WORK/cache
kb() { awk "/^$1:/ {print \$2}" "/proc/$2/smaps_rollup"; }
traffic() { head -200000 "$WORK/names.txt" | python3 -c "
import socket, sys, threading
s = socket.create_connection(('127.0.0.1', $1)); data = sys.stdin.buffer.read()
def send(): s.sendall(data); s.shutdown(socket.SHUT_WR)
threading.Thread(target=send).start()
while s.recv(1 << 20): pass"; }
# One process's own footprint is its RSS (every page it uses, shared ones whole); two processes' together is the
# sum of their PSS (each shared page counted once in all).
echo "| model | state | one process (RSS) MB | two processes (PSS sum) MB | ratio |"
echo "|---|---|---|---|---|"
for m in ${@:-q8-cut float}; do
  pids=(); ports=(17931 17932)
  for port in "${ports[@]}"; do
    "$D" serve "$WORK/$m.dcm" --listen "127.0.0.1:$port" --workers 2 --lru-entries 0 2>/dev/null & pids+=($!)
    for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
  done
  sleep 1
  for state in idle "after 200k names each"; do
    if [ "$state" != idle ]; then for port in "${ports[@]}"; do traffic "$port"; done; fi
    p1=$(kb Pss "${pids[0]}") r1=$(kb Rss "${pids[0]}") p2=$(kb Pss "${pids[1]}")
    printf '| %s | %s | %d | %d | %s |\n' "$m" "$state" $((r1 / 1024)) $(((p1 + p2) / 1024)) \
      "$(python3 -c "print('%.2f×' % (($p1 + $p2) / $r1))")"
  done
  kill "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true
done
