#!/usr/bin/env bash
# Issue 16 figures: domcat `linear` (default options) against the char TF-IDF + LinearSVC baseline and the
# fastText CLI, on the project's split of both corpora, in one run: test and valid accuracy / macro-F1 and
# training seconds of each. Usage: bench/generalisation.sh [v2fly|ut1 ...]   (default: both)
# DOMCAT=… picks the binary (default .build/release/domcat); DOMCAT_ARGS=… adds train options.
set -euo pipefail
cd "$(dirname "$0")/.."
DOMCAT=${DOMCAT:-.build/release/domcat}
DOMCAT_ARGS=${DOMCAT_ARGS:-}
WORK=${WORK:-/tmp/domcat-generalisation}
VENV=${VENV:-/work/venv}
FT_ARGS="-minn 2 -maxn 5 -dim 50 -epoch 25 -lr 0.5 -thread 2 -verbose 0"
command -v fasttext >/dev/null || apt-get install -y -q fasttext >/dev/null
[ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import sklearn' 2>/dev/null || {
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q scikit-learn; }
mkdir -p "$WORK"

now() { date +%s.%N; }
pair() { python3 -c 'import json,sys; r=json.load(sys.stdin); print("%.4f / %.4f" % (r["accuracy"], r["macroF1"]))'; }

run_corpus() {
  local name=$1 file=$2 dir="$WORK/$1"
  mkdir -p "$dir"; rm -f "$dir"/*.tsv "$dir"/*.dcm
  "$DOMCAT" split "$file" --out "$dir" 2>/dev/null

  local s e
  # --valid calibrates the SVMs' margins into probabilities (without it a held-out tenth does, and the model
  # is trained twice).
  s=$(now); "$DOMCAT" train "$dir/train.tsv" --valid "$dir/valid.tsv" --out "$dir/linear.dcm" $DOMCAT_ARGS 2>/dev/null; e=$(now)
  local dc_s; dc_s=$(echo "$e - $s" | bc)
  local dc_test dc_valid
  dc_test=$("$DOMCAT" eval "$dir/linear.dcm" "$dir/test.tsv" --json | pair)
  dc_valid=$("$DOMCAT" eval "$dir/linear.dcm" "$dir/valid.tsv" --json | pair)

  local svm svm_test svm_valid svm_s
  svm=$("$VENV/bin/python" bench/svm_peer.py "$dir")
  svm_test=$(echo "$svm" | python3 -c 'import json,sys; r=json.load(sys.stdin)["test"]; print("%.4f / %.4f" % (r["accuracy"], r["macroF1"]))')
  svm_valid=$(echo "$svm" | python3 -c 'import json,sys; r=json.load(sys.stdin)["valid"]; print("%.4f / %.4f" % (r["accuracy"], r["macroF1"]))')
  svm_s=$(echo "$svm" | python3 -c 'import json,sys; print(json.load(sys.stdin)["train_seconds"])')

  for part in train valid test; do "$DOMCAT" tokens "$dir/$part.tsv" > "$dir/$part.ft"; done
  s=$(now); fasttext supervised -input "$dir/train.ft" -output "$dir/ft" $FT_ARGS; e=$(now)
  local ft_s; ft_s=$(echo "$e - $s" | bc)
  for part in test valid; do
    cut -d' ' -f2- "$dir/$part.ft" > "$dir/$part.ft.text"
    fasttext predict "$dir/ft.bin" "$dir/$part.ft.text" > "$dir/$part.ft.pred"
  done
  local ft_test ft_valid
  ft_test=$(python3 bench/score.py "$dir/test.ft" "$dir/test.ft.pred" | pair)
  ft_valid=$(python3 bench/score.py "$dir/valid.ft" "$dir/valid.ft.pred" | pair)

  printf '| %s | domcat linear (defaults%s) | %s | %s | %.1f |\n' "$name" "${DOMCAT_ARGS:+ $DOMCAT_ARGS}" "$dc_test" "$dc_valid" "$dc_s"
  printf '| %s | char TF-IDF 2–5 + LinearSVC | %s | %s | %.1f |\n' "$name" "$svm_test" "$svm_valid" "$svm_s"
  printf '| %s | fastText CLI (%s) | %s | %s | %.1f |\n' "$name" "$FT_ARGS" "$ft_test" "$ft_valid" "$ft_s"
  printf '| %s | domcat train time / fastText | | | %.2f× |\n' "$name" "$(echo "$dc_s / $ft_s" | bc -l)"
}

echo "| corpus | model | test acc / macro-F1 | valid acc / macro-F1 | train s |"
echo "|---|---|---|---|---|"
for name in ${@:-v2fly ut1}; do
  case $name in
    v2fly) run_corpus v2fly corpora/v2fly/v2fly-2025-08-20.tsv.zst ;;
    ut1) run_corpus ut1 corpora/ut1/ut1-2025-08-17.tsv.zst ;;
  esac
done
