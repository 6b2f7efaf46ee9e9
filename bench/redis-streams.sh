#!/usr/bin/env bash
# Issue 19, the Redis Streams path, all in one run on one redis-server (loopback): `classify` on stdin against one
# and two `classify --from … --to` consumers on the same names and model; lag at a fixed publish rate; and a
# consumer killed with SIGKILL under load. Each consumer rate is names / the span from its first to its last
# answer (the output stream's ids, ms); the stdin rate is names / wall time of the whole process. On a machine shared
# with other work the wall rates swing run to run, so each command's CPU time (user+sys, /usr/bin/time) and the
# redis-server's CPU time over the same command (/proc) are printed too: names per CPU second compare across runs.
# Usage: bench/redis-streams.sh [N=500000] [RATE=50000]
set -euo pipefail
cd "$(dirname "$0")/.."
D=${DOMCAT:-.build/release/domcat}
N=${N:-500000}; RATE=${RATE:-50000}
W=${WORK:-/tmp/domcat-bench-streams}; mkdir -p "$W"; M=$W/small.dcm
P=16393; U=redis://127.0.0.1:$P
bench/small-model.sh "$D" "$M"
[ -f "$W/names-$N.txt" ] || python3 bench/make-names.py corpora/ut1/ut1-2025-08-17.tsv.zst "$N" --zipf 1.0 > "$W/names-$N.txt"
NAMES=$W/names-$N.txt
redis-server --port $P --bind 127.0.0.1 --save '' --appendonly no --logfile $W/redis.log & R=$!
trap 'kill $R 2>/dev/null || true' EXIT
until redis-cli -p $P ping >/dev/null 2>&1; do sleep 0.1; done
RPID=$R
redis_cpu() { awk '{printf "%.2f", ($14+$15)/100}' /proc/$RPID/stat; }
cpu() { /usr/bin/time -f "cpu %U user %S sys, wall %e s" "$@"; }
figures() { redis-cli -p $P --csv XRANGE "$1" - + | python3 bench/stream-figures.py; }
IN='{dns}:in'
consume() { # GROUP OUT CONSUMER [more args]
  local g=$1 o=$2 c=$3; shift 3
  cpu $D classify "$M" --from "$U/$IN" --group "$g" --consumer "$c" --to "$U/{dns}:$o" --threads 1 --stop-when-idle 1000 "$@"
}

echo "== classify on stdin, --threads 1, $N names"
cpu $D classify "$M" --threads 1 < "$NAMES" 2>&1 >/dev/null | grep -E 'lines/s|cpu'

echo "== one name an entry (--names-per-entry 1): publish, then one consumer (1 thread)"
$D publish "$U/{dns}:single" --names-per-entry 1 < "$NAMES"
r0=$(redis_cpu); cpu $D classify "$M" --from "$U/{dns}:single" --group one --consumer c1 --to "$U/{dns}:out0" --threads 1 --stop-when-idle 1000 --batch 1000 2>&1 | grep -E 'stream|cpu'; echo "redis-server cpu $(echo "$(redis_cpu) - $r0" | bc) s"
figures '{dns}:out0'
redis-cli -p $P DEL '{dns}:out0' '{dns}:single' >/dev/null

echo "== publish $N names (64 an entry, the default)"
$D publish "$U/{dns}:in" < "$NAMES"

echo "== one consumer (1 thread)"
r0=$(redis_cpu); consume one out1 c1 2>&1 | grep -E 'stream|cpu'; echo "redis-server cpu $(echo "$(redis_cpu) - $r0" | bc) s"
figures '{dns}:out1'
redis-cli -p $P DEL '{dns}:out1' >/dev/null

echo "== two consumers (1 thread each, two processes)"
r0=$(redis_cpu)
consume two out2 c1 2>&1 | grep -E 'stream|cpu' & A=$!
consume two out2 c2 2>&1 | grep -E 'stream|cpu'
wait $A; echo "redis-server cpu $(echo "$(redis_cpu) - $r0" | bc) s"
figures '{dns}:out2'
redis-cli -p $P DEL '{dns}:out2' >/dev/null

echo "== SIGKILL of one of two consumers 3 s into a publish at $RATE names/s (--claim-idle 500, 8 entries a read)"
redis-cli -p $P DEL '{dns}:in' >/dev/null
python3 bench/paced-lines.py "$NAMES" "$RATE" | $D publish "$U/{dns}:in" & PUB=$!
sleep 0.3
$D classify "$M" --from "$U/{dns}:in" --group kill --consumer victim --to "$U/{dns}:out3" --threads 1 --claim-idle 500 --batch 8 2>/dev/null & V=$!
consume kill out3 survivor --claim-idle 500 --batch 8 2>&1 | grep stream & S=$!
sleep 3
# Kill it while it holds entries (read, not yet acknowledged): poll its pending count, SIGKILL once it is not 0.
victim_pending() { redis-cli -p $P XINFO CONSUMERS '{dns}:in' kill | grep -A2 '^victim$' | sed -n 3p; }
for _ in $(seq 300); do [ "$(victim_pending)" -gt 0 ] && break; done
kill -9 $V; wait $V 2>/dev/null || true
echo "victim's pending entries right after the kill: $(victim_pending)"
wait $PUB; wait $S
echo "published: $N names in $(redis-cli -p $P XLEN '{dns}:in') entries"; figures '{dns}:out3'
redis-cli -p $P DEL '{dns}:out3' '{dns}:in' >/dev/null

echo "== lag at a fixed publish rate: $N names at $RATE/s, one consumer (2 threads) running alongside"
$D classify "$M" --from "$U/{dns}:in" --group lag --to "$U/{dns}:out4" --threads 2 --stop-when-idle 3000 2>&1 | grep stream & C=$!
python3 bench/paced-lines.py "$NAMES" "$RATE" | $D publish "$U/{dns}:in"
wait $C
figures '{dns}:out4'
