#!/usr/bin/env bash
# Issue 2 figures: the `linear` kind vs the fastText CLI on the same split and the same tokens,
# measured in one run. Usage: bench/linear-vs-fasttext.sh [v2fly|ut1 ...]   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."
DOMCAT=${DOMCAT:-.build/release/domcat}
SHARED=${SHARED:-corpora}
WORK=${WORK:-/tmp/domcat-bench}
FT_ARGS="-minn 2 -maxn 5 -dim 50 -epoch 25 -lr 0.5 -thread 2 -verbose 0"
command -v /usr/bin/time >/dev/null || apt-get install -y -q time >/dev/null
command -v fasttext >/dev/null || apt-get install -y -q fasttext >/dev/null
mkdir -p "$WORK"

# Wall seconds and peak RSS (MB) of a command, printed as "seconds rss_mb".
measure() { /usr/bin/time -f '%e %M' -o "$WORK/time.txt" "$@"; awk '{printf "%s %.0f\n", $1, $2/1024}' "$WORK/time.txt"; }

run_corpus() {
  local name=$1 file=$2 dir="$WORK/$1"
  mkdir -p "$dir"
  "$DOMCAT" split "$file" --out "$dir" 2>/dev/null
  for part in train valid test; do "$DOMCAT" tokens "$dir/$part.tsv" > "$dir/$part.ft"; done

  read -r dc_train_s dc_train_mb < <(measure "$DOMCAT" train "$dir/train.tsv" --out "$dir/linear.dcm" 2>/dev/null)
  dc_test=$("$DOMCAT" eval "$dir/linear.dcm" "$dir/test.tsv" --json | python3 -c 'import json,sys; r=json.load(sys.stdin); print("%.4f %.4f" % (r["accuracy"], r["macroF1"]))')
  dc_valid=$("$DOMCAT" eval "$dir/linear.dcm" "$dir/valid.tsv" --json | python3 -c 'import json,sys; r=json.load(sys.stdin); print("%.4f %.4f" % (r["accuracy"], r["macroF1"]))')

  read -r ft_train_s ft_train_mb < <(measure fasttext supervised -input "$dir/train.ft" -output "$dir/ft" $FT_ARGS)
  for part in test valid; do
    cut -d' ' -f2- "$dir/$part.ft" > "$dir/$part.ft.text"
    fasttext predict "$dir/ft.bin" "$dir/$part.ft.text" > "$dir/$part.ft.pred"
  done
  ft_test=$(python3 bench/score.py "$dir/test.ft" "$dir/test.ft.pred" | python3 -c 'import json,sys; r=json.load(sys.stdin); print("%.4f %.4f" % (r["accuracy"], r["macroF1"]))')
  ft_valid=$(python3 bench/score.py "$dir/valid.ft" "$dir/valid.ft.pred" | python3 -c 'import json,sys; r=json.load(sys.stdin); print("%.4f %.4f" % (r["accuracy"], r["macroF1"]))')

  printf '| %s | domcat linear | %s | %s | %s | %s |\n' "$name" "$dc_test" "$dc_valid" "$dc_train_s" "$dc_train_mb"
  printf '| %s | fasttext CLI (%s) | %s | %s | %s | %s |\n' "$name" "$FT_ARGS" "$ft_test" "$ft_valid" "$ft_train_s" "$ft_train_mb"
  printf '| %s | ratio domcat/fastText | | | %.2f× time | %.2f× RSS |\n' "$name" "$(echo "$dc_train_s / $ft_train_s" | bc -l)" "$(echo "$dc_train_mb / $ft_train_mb" | bc -l)"
}

echo "| corpus | model | test acc, macro-F1 | valid acc, macro-F1 | train s | train peak RSS MB |"
echo "|---|---|---|---|---|---|"
for c in "${@:-v2fly ut1}"; do
  for name in $c; do
    case $name in
      v2fly) run_corpus v2fly "$SHARED/v2fly/v2fly-2025-08-20.tsv.zst" ;;
      ut1) run_corpus ut1 "$SHARED/ut1/ut1-2025-08-17.tsv.zst" ;;
    esac
  done
done
