#!/usr/bin/env bash
# Issue 18 figures: a UT1 `linear` model (defaults) and its quantized forms beside fastText's own `quantize` on the
# project's UT1 split, in one run: file size, test accuracy / macro-F1, load time (wall time of classifying one name,
# whole process, median of 5), uniform-UT1 classify throughput without the name cache (3M names, 2 threads, median
# of 3) and the memory of two `serve` processes sharing one model against one (PSS and RSS, /proc/PID/smaps_rollup).
# Usage: [CUTOFF=300000] bench/quantize.sh      DOMCAT=… picks the binary (default .build/release/domcat).
set -euo pipefail
cd "$(dirname "$0")/.."
D=${DOMCAT:-.build/release/domcat}
WORK=${WORK:-/tmp/domcat-quantize}
CUTOFF=${CUTOFF:-300000}
FT_ARGS="-minn 2 -maxn 5 -dim 50 -epoch 25 -lr 0.5 -thread 2 -verbose 0"
export DOMCAT_MODEL_CACHE=$WORK/cache
command -v fasttext >/dev/null || apt-get install -y -q fasttext >/dev/null
rm -rf "$WORK"; mkdir -p "$WORK"

pair() { python3 -c 'import json,sys; r=json.load(sys.stdin); print("%.4f / %.4f" % (r["accuracy"], r["macroF1"]))'; }
mb() { python3 -c "import os; print('%.1f' % (os.path.getsize('$1') / 1e6))"; }
# Median wall seconds of 5 runs of a command reading one name on stdin.
load_ms() { for i in 1 2 3 4 5; do python3 - "$@" <<'PY'
import subprocess, sys, time
t = time.perf_counter(); subprocess.run(sys.argv[1:], input=b"example.com\n", stdout=subprocess.DEVNULL, check=True)
print(round((time.perf_counter() - t) * 1000, 1))
PY
done | sort -n | sed -n 3p; }

"$D" split ../shared/corpora/ut1/ut1-2025-08-17.tsv.zst --out "$WORK" 2>/dev/null
"$D" train "$WORK/train.tsv" --out "$WORK/float.dcm" 2>/dev/null
"$D" quantize "$WORK/float.dcm" --out "$WORK/q8.dcm"
"$D" quantize "$WORK/float.dcm" --out "$WORK/q8-cut.dcm" --cutoff "$CUTOFF" --prune norm
"$D" quantize "$WORK/float.dcm" --out "$WORK/q8-cut-use.dcm" --cutoff "$CUTOFF" --prune use
"$D" quantize "$WORK/float.dcm" --out "$WORK/q8-cut.zst.dcm" --cutoff "$CUTOFF" --prune norm --compress
"$D" classify "$WORK/q8-cut.zst.dcm" < /dev/null  # expands it into the model cache once

for part in train test; do "$D" tokens "$WORK/$part.tsv" > "$WORK/$part.ft"; done
cut -d' ' -f2- "$WORK/test.ft" > "$WORK/test.ft.text"
fasttext supervised -input "$WORK/train.ft" -output "$WORK/ft" $FT_ARGS
fasttext quantize -input "$WORK/train.ft" -output "$WORK/ft" -qnorm -retrain -cutoff "$CUTOFF" -epoch 5 -lr 0.5 -thread 2 -verbose 0
ft_score() { fasttext predict "$1" "$WORK/test.ft.text" > "$WORK/pred"; python3 bench/score.py "$WORK/test.ft" "$WORK/pred" | pair; }

echo "| model | file MB | test acc / macro-F1 | load ms (classify 1 name, whole process) |"
echo "|---|---|---|---|"
row() { printf '| %s | %s | %s | %s |\n' "$1" "$(mb "$2")" "$("$D" eval "$2" "$WORK/test.tsv" --json | pair)" "$(load_ms "$D" classify "$2")"; }
row "domcat linear, float (format 2, mapped)" "$WORK/float.dcm"
row "domcat quantize (int8, all rows)" "$WORK/q8.dcm"
row "domcat quantize --cutoff $CUTOFF --prune norm" "$WORK/q8-cut.dcm"
row "domcat quantize --cutoff $CUTOFF --prune use" "$WORK/q8-cut-use.dcm"
row "domcat quantize --cutoff $CUTOFF --prune norm --compress (cached)" "$WORK/q8-cut.zst.dcm"
printf '| fastText CLI (%s) | %s | %s | %s |\n' "$FT_ARGS" "$(mb "$WORK/ft.bin")" "$(ft_score "$WORK/ft.bin")" "$(load_ms fasttext predict "$WORK/ft.bin" -)"
printf '| fastText quantize -qnorm -retrain -cutoff %s | %s | %s | %s |\n' "$CUTOFF" "$(mb "$WORK/ft.ftz")" "$(ft_score "$WORK/ft.ftz")" "$(load_ms fasttext predict "$WORK/ft.ftz" -)"

echo
echo "== classify throughput, 3M uniform UT1 names, 2 threads, no name cache, median of 3 (wall; CPU from perf stat)"
N=3000000
python3 bench/make-names.py ../shared/corpora/ut1/ut1-2025-08-17.tsv.zst "$N" > "$WORK/names.txt"
rate() {
  for i in 1 2 3; do
    perf stat -x, -e task-clock -o "$WORK/perf" /usr/bin/time -f %e -o "$WORK/t" "$D" classify "$1" -i "$WORK/names.txt" --quiet --cache-entries 0 > /dev/null
    python3 -c "print(round($N / $(cat "$WORK/t")), round($(grep task-clock "$WORK/perf" | cut -d, -f1) / 1000, 1))"
  done | sort -n | sed -n 2p
}
for m in float q8 q8-cut; do set -- $(rate "$WORK/$m.dcm"); echo "$m: $1 names/s, $2 CPU s"; done

echo
echo "== memory of serve: one process, then two on the same model (MB, after 200k names each)"
serve_mem() {
  local model=$1 pids=() total_pss=0
  for i in 1 2; do
    local port=$((17900 + i))
    "$D" serve "$model" --listen "127.0.0.1:$port" --workers 2 --lru-entries 0 2>/dev/null & pids+=($!)
    for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
    head -200000 "$WORK/names.txt" | python3 -c "
import socket, sys, threading
s = socket.create_connection(('127.0.0.1', $port)); data = sys.stdin.buffer.read()
def send(): s.sendall(data); s.shutdown(socket.SHUT_WR)
threading.Thread(target=send).start()
n = 0
while True:
    b = s.recv(1 << 20)
    if not b: break
    n += b.count(b'\n')
print(n, file=sys.stderr)" 2>/dev/null
    local pss=0 rss=0
    for p in "${pids[@]}"; do
      pss=$((pss + $(awk '/^Pss:/ {print $2}' /proc/$p/smaps_rollup)))
      rss=$((rss + $(awk '/^Rss:/ {print $2}' /proc/$p/smaps_rollup)))
    done
    echo "$(basename "$model") x$i: PSS $((pss / 1024)) MB, RSS $((rss / 1024)) MB"
  done
  kill "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true
}
serve_mem "$WORK/q8-cut.dcm"
serve_mem "$WORK/float.dcm"
