#!/usr/bin/env bash
# Issue 19: one against two stream consumers, alternating (1 2 1 2), on 500,000 names published once (64 an
# entry), each run a fresh group on the same stream. Consumer rate = names / the span from the first to the last
# answer (bench/stream-figures.py); beside it the machine's idle % (vmstat, the run's first two seconds), since
# two consumers only scale where a second core is free. Run bench/redis-streams.sh once first (model and names).
set -euo pipefail
cd "$(dirname "$0")/.."
D=${DOMCAT:-.build/release/domcat}; W=${WORK:-/tmp/domcat-bench-streams}; M=$W/small.dcm; P=16397; U=redis://127.0.0.1:$P
redis-server --port $P --bind 127.0.0.1 --save '' --appendonly no --logfile $W/redis-scaling.log & R=$!
trap 'kill $R 2>/dev/null || true' EXIT
until redis-cli -p $P ping >/dev/null 2>&1; do sleep 0.1; done
$D publish "$U/{dns}:in" < $W/names-500000.txt 2>/dev/null
for round in 1 2; do
  for n in 1 2; do
    g=g$round$n
    redis-cli -p $P XGROUP CREATE '{dns}:in' $g 0 >/dev/null
    vmstat 1 3 > $W/vmstat.txt & V=$!
    pids=""
    for c in $(seq $n); do
      $D classify $M --from "$U/{dns}:in" --group $g --consumer c$c --to "$U/{dns}:o$g" --threads 1 --stop-when-idle 300 2>/dev/null & pids="$pids $!"
    done
    wait $pids; wait $V
    echo "$n consumer(s): $(redis-cli -p $P --csv XRANGE "{dns}:o$g" - + | python3 bench/stream-figures.py | grep -oE 'names=[0-9]+ .*names_per_s=[0-9]+')  idle% $(tail -2 $W/vmstat.txt | awk '{printf "%s ", $15}')"
  done
done
