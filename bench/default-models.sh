#!/usr/bin/env bash
# Issue 15 figures for the default models (run `make model` first): each model on its held-out test split,
# www.X against X, the well-known names, and classify throughput of the two models against one earlier
# single default model in the same run. Usage: [OLD=old/domcat OLD_MODEL=old.dcm] bench/default-models.sh
set -euo pipefail
cd "$(dirname "$0")/.."
D=${DOMCAT:-.build/release/domcat}
WORK=${WORK:-/tmp/domcat-bench-default}; mkdir -p "$WORK"
for set in category service; do
  echo "== $set on out/$set-split/test.tsv"
  "$D" eval "out/$set.dcm" "out/$set-split/test.tsv" | grep -E "^examples|^none |^ads |^tracking |^badware |calibration:"
done

echo "== www.X against X on the category test split"
cut -f1 out/category-split/test.tsv | grep -v '^www\.' > "$WORK/x.txt"
sed 's/^/www./' "$WORK/x.txt" > "$WORK/www.txt"
"$D" classify out/category.dcm -i "$WORK/x.txt" --quiet | cut -f2 > "$WORK/x.labels"
"$D" classify out/category.dcm -i "$WORK/www.txt" --quiet | cut -f2 > "$WORK/www.labels"
paste "$WORK/x.labels" "$WORK/www.labels" | awk '{n++; s += ($1 == $2)} END {printf "same category: %d of %d (%.4f)\n", s, n, s / n}'

echo "== well-known names"
python3 bench/well-known-names.py --domcat "$D" | sed -n 1,4p

echo "== classify throughput, 3M uniform UT1 names, 2 threads, median of 3"
N=3000000
[ -f "$WORK/names.txt" ] || python3 bench/make-names.py corpora/ut1/ut1-2025-08-17.tsv.zst "$N" > "$WORK/names.txt"
rate() { for i in 1 2 3; do /usr/bin/time -f %e -o "$WORK/t" "$@" -i "$WORK/names.txt" --quiet > /dev/null; python3 -c "print(round($N / $(cat "$WORK/t")))"; done | sort -n | sed -n 2p; }
two=$(rate "$D" classify out/category.dcm out/service.dcm)
echo "category + service: $two names/s"
if [ -n "${OLD:-}" ]; then
  one=$(rate "$OLD" classify "$OLD_MODEL")
  echo "earlier single default model ($OLD): $one names/s; ratio $(python3 -c "print(round($two / $one, 2))")×"
fi
