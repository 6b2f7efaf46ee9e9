#!/usr/bin/env bash
# Issue 2 figure: `domcat classify` throughput on 10M names from a file vs `fasttext predict` on the same
# names (pre-tokenised for fastText, which favours it), same run, same machine. Peak RSS beside each.
# Usage: bench/classify-throughput.sh [N]   (needs the models from bench/linear-vs-fasttext.sh ut1)
set -euo pipefail
cd "$(dirname "$0")/.."
DOMCAT=${DOMCAT:-.build/release/domcat}
SHARED=${SHARED:-corpora}
WORK=${WORK:-/tmp/domcat-bench}
N=${1:-10000000}
MODEL=$WORK/ut1/linear.dcm
FTMODEL=$WORK/ut1/ft.bin
[ -f "$MODEL" ] && [ -f "$FTMODEL" ] || { echo "run bench/linear-vs-fasttext.sh ut1 first" >&2; exit 1; }
names=$WORK/names-$N.txt
[ -f "$names" ] || python3 bench/make-names.py "$SHARED/ut1/ut1-2025-08-17.tsv.zst" "$N" > "$names"
[ -f "$names.ft" ] || { sed 's/$/\tx/' "$names" > "$names.tsv"; "$DOMCAT" tokens --unlabelled "$names.tsv" > "$names.ft"; rm "$names.tsv"; }

zipf=$WORK/names-zipf-$N.txt
[ -f "$zipf" ] || python3 bench/make-names.py "$SHARED/ut1/ut1-2025-08-17.tsv.zst" "$N" --zipf 1.0 > "$zipf"

measure() { /usr/bin/time -f '%e %M' -o "$WORK/time.txt" "$@" > /dev/null; awk '{printf "%s %.0f\n", $1, $2/1024}' "$WORK/time.txt"; }

echo "| command | seconds | names/s | peak RSS MB |"
echo "|---|---|---|---|"
row() { printf '| `%s` | %s | %.0f | %s |\n' "$1" "$2" "$(echo "$N / $2" | bc -l)" "$3"; }
read -r s1 m1 < <(measure "$DOMCAT" classify "$MODEL" -i "$names" --quiet); row "domcat classify ut1-linear.dcm -i names (2 threads)" "$s1" "$m1"
read -r s2 m2 < <(measure "$DOMCAT" classify "$MODEL" -i "$names" --threads 1 --quiet); row "domcat classify … --threads 1" "$s2" "$m2"
read -r s3 m3 < <(measure "$DOMCAT" classify "$MODEL" -i "$names" --cache-entries 0 --quiet); row "domcat classify … --cache-entries 0" "$s3" "$m3"
read -r sz mz < <(measure "$DOMCAT" classify "$MODEL" -i "$zipf" --quiet); row "domcat classify ut1-linear.dcm -i names-zipf (Zipf 1.0 draws, 2 threads)" "$sz" "$mz"
read -r s4 m4 < <(measure fasttext predict "$FTMODEL" "$names.ft"); row "fasttext predict ut1.bin names.ft (pre-tokenised)" "$s4" "$m4"
read -r s5 m5 < <(measure "$DOMCAT" classify --fasttext-bin "$FTMODEL" --tokenize -i "$names" --quiet); row "domcat classify --fasttext-bin ut1.bin --tokenize -i names" "$s5" "$m5"
printf '\nratio domcat/fastText throughput: %.2f× (2 threads), %.2f× (1 thread), %.2f× (no cache); same fastText model served by domcat: %.2f×\n' \
  "$(echo "$s4 / $s1" | bc -l)" "$(echo "$s4 / $s2" | bc -l)" "$(echo "$s4 / $s3" | bc -l)" "$(echo "$s4 / $s5" | bc -l)"
