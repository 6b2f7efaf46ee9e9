#!/usr/bin/env bash
# Issue 18: load time of the models bench/quantize.sh left in $WORK, domcat's and fastText's in one run: a whole
# process classifying one name, median of 7 of its wall time and of its CPU time (user + sys, so a loaded machine
# shows in the wall figure, not the CPU one), and `domcat --version` for the process alone.
# Usage: [WORK=/tmp/domcat-quantize] bench/model-load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
D=${DOMCAT:-.build/release/domcat}
WORK=${WORK:-/tmp/domcat-quantize}
export DOMCAT_MODEL_CACHE=$WORK/cache
measure() { python3 - "$@" <<'PY'
import os, resource, statistics, subprocess, sys, time
walls, cpus = [], []
for _ in range(7):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(sys.argv[1:], input=b"example.com\n", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    walls.append((time.perf_counter() - t) * 1000)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpus.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
print("%.0f | %.0f" % (statistics.median(walls), statistics.median(cpus)))
PY
}
echo "| model | wall ms | CPU ms |"
echo "|---|---|---|"
for m in float q8 q8-cut q8-cut-use q8-cut.zst; do echo "| domcat classify $m.dcm | $(measure "$D" classify "$WORK/$m.dcm") |"; done
echo "| domcat --version (the process alone) | $(measure "$D" --version) |"
echo "| fasttext predict ft.bin | $(measure fasttext predict "$WORK/ft.bin" -) |"
echo "| fasttext predict ft.ftz | $(measure fasttext predict "$WORK/ft.ftz" -) |"
