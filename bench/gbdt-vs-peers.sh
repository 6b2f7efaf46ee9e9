#!/usr/bin/env bash
# Issue 3 (and issue 4's first figure): the `gbdt` kind beside LightGBM and a depth-15 tree on the same
# features, beside `linear` and the `fasttext` kind, on the project's split of UT1 and v2fly; one run.
# Usage: bench/gbdt-vs-peers.sh [v2fly|ut1 ...]   (default: both). Needs a venv with lightgbm + scikit-learn:
#   python3 -m venv /tmp/gbdt-kind-venv && /tmp/gbdt-kind-venv/bin/pip install lightgbm scikit-learn
set -euo pipefail
cd "$(dirname "$0")/.."
DOMCAT=${DOMCAT:-$PWD/.build/release/domcat}
PY=${PY:-/tmp/gbdt-kind-venv/bin/python}
SHARED=${SHARED:-corpora}
WORK=${WORK:-/tmp/domcat-bench-gbdt}
export OMP_WAIT_POLICY=PASSIVE   # LightGBM's OpenMP threads must not spin on a shared machine
mkdir -p "$WORK"
measure() { /usr/bin/time -f '%e %M' -o "$WORK/time.txt" "$@" 2> "$WORK/last.log" > /dev/null; awk '{printf "%s %.0f\n", $1, $2/1024}' "$WORK/time.txt"; }
score() { "$DOMCAT" eval "$1" "$2" --json | python3 -c 'import json,sys; r=json.load(sys.stdin); print("%.4f %.4f" % (r["accuracy"], r["macroF1"]))'; }
row() { printf '| %s | %s | %s | %s | %s | %s |\n' "$@"; }

run_corpus() {
  local name=$1 file=$2 dir="$WORK/$1"
  mkdir -p "$dir"; cd "$dir"
  "$DOMCAT" split "$file" --out . 2>/dev/null
  echo; echo "### $name"; echo
  echo "| model | test accuracy | test macro-F1 | train s (wall) | model MB | notes |"; echo "|---|---|---|---|---|---|"
  read -r s _ < <(measure "$DOMCAT" train train.tsv --out linear.dcm --valid valid.tsv); read -r a f < <(score linear.dcm test.tsv)
  row "linear" "$a" "$f" "$s" "$(du -m linear.dcm | cut -f1)" ""; local lin_a=$a lin_f=$f
  read -r s _ < <(measure "$DOMCAT" train --kind gbdt train.tsv --out gbdt.dcm --valid valid.tsv --export-train-features train.features.tsv); read -r a f < <(score gbdt.dcm test.tsv)
  local boost; boost=$(grep -o 'boosting: [0-9.]* s' "$WORK/last.log" | tail -1)
  local feat; feat=$(grep -o 'features: .*' "$WORK/last.log" | tail -1)
  local gb_a=$a
  row "gbdt (linear embeddings, LDA)" "$a" "$f" "$s" "$(du -m gbdt.dcm | cut -f1)" "$boost; $feat; ratio to linear $(python3 -c "print('%.3f× acc, %.3f× F1' % ($a/$lin_a, $f/$lin_f))")"
  # LightGBM trains on the exact rows the gbdt trees saw (out of fold), and scores the same valid/test rows.
  for part in valid test; do "$DOMCAT" features gbdt.dcm $part.tsv > $part.features.tsv 2>/dev/null; done
  "$PY" "$OLDPWD/bench/gbdt_peers.py" train.features.tsv valid.features.tsv test.features.tsv > peers.jsonl 2>/dev/null
  python3 - <<'PY'
import json
for line in open("peers.jsonl"):
    r = json.loads(line)
    print("| %s on the same features | %.4f | %.4f | %.2f (fit only) | | %s |" % (r["model"], r["accuracy"], r["macroF1"], r["train_seconds"], "rounds %s" % r.get("rounds", "")))
PY
  read -r s _ < <(measure "$DOMCAT" train --kind gbdt train.tsv --out gbdt-pca.dcm --valid valid.tsv --projection pca); read -r a f < <(score gbdt-pca.dcm test.tsv)
  row "gbdt, PCA instead of LDA" "$a" "$f" "$s" "$(du -m gbdt-pca.dcm | cut -f1)" ""
  # Incremental: 5 batches of 1/5 of the (shuffled) train split, each continuing the last model.
  shuf --random-source=<(yes) train.tsv > train.shuffled.tsv
  local n; n=$(wc -l < train.tsv)
  read -r s _ < <(measure "$DOMCAT" train --kind gbdt train.shuffled.tsv --out gbdt-batches.dcm --valid valid.tsv --batch-size $(( (n + 4) / 5 ))); read -r a f < <(score gbdt-batches.dcm test.tsv)
  row "gbdt, 5 batches of 1/5 (--batch-size)" "$a" "$f" "$s" "$(du -m gbdt-batches.dcm | cut -f1)" "linear embedding model continued per batch, projection fixed at batch 1; $(python3 -c "print('%+.2f points acc vs one model' % (100*($a-$gb_a)))")"
  read -r s _ < <(measure "$DOMCAT" train --kind gbdt train.shuffled.tsv --out gbdt-frozen.dcm --valid valid.tsv --batch-size $(( (n + 4) / 5 )) --freeze-embeddings); read -r a f < <(score gbdt-frozen.dcm test.tsv)
  row "gbdt, 5 batches, --freeze-embeddings" "$a" "$f" "$s" "$(du -m gbdt-frozen.dcm | cut -f1)" "featurizer of batch 1 kept, only trees added (the earlier behaviour)"
  read -r s _ < <(measure "$DOMCAT" train --kind gbdt train.tsv --out gbdt-idf.dcm --valid valid.tsv --pooling inverse-frequency); read -r a f < <(score gbdt-idf.dcm test.tsv)
  row "gbdt, inverse-frequency pooling" "$a" "$f" "$s" "$(du -m gbdt-idf.dcm | cut -f1)" "valid $(score gbdt-idf.dcm valid.tsv) (default features pooling: valid $(score gbdt.dcm valid.tsv))"
  for k in 1 2; do
    read -r s _ < <(measure "$DOMCAT" train --kind gbdt train.tsv --out gbdt-hashed$k.dcm --valid valid.tsv --embeddings hashed --hashes-per-token $k); read -r a f < <(score gbdt-hashed$k.dcm test.tsv)
    row "gbdt, hashed random embeddings 2^20×64, k=$k" "$a" "$f" "$s" "$(du -m gbdt-hashed$k.dcm | cut -f1)" "valid $(score gbdt-hashed$k.dcm valid.tsv)"
  done
  read -r s _ < <(measure "$DOMCAT" train --kind gbdt train.tsv --out gbdt-ft.dcm --valid valid.tsv --embeddings fasttext); read -r a f < <(score gbdt-ft.dcm test.tsv)
  row "gbdt, fastText skipgram embeddings" "$a" "$f" "$s" "$(du -m gbdt-ft.dcm | cut -f1)" ""
  read -r s _ < <(measure "$DOMCAT" train --kind fasttext train.tsv --out fasttext.dcm --valid valid.tsv); read -r a f < <(score fasttext.dcm test.tsv)
  row "fasttext kind" "$a" "$f" "$s" "$(du -m fasttext.dcm | cut -f1)" ""
  # Classify throughput, same input, same run: the test names repeated to 200,000 lines.
  cut -f1 test.tsv > names1.txt; : > names.txt; while [ "$(wc -l < names.txt)" -lt 200000 ]; do cat names1.txt >> names.txt; done; head -200000 names.txt > names200k.txt
  echo; echo "classify throughput, 200,000 names, 2 threads, no cache:"
  for m in linear gbdt gbdt-ft fasttext; do
    read -r s r < <(measure "$DOMCAT" classify $m.dcm -i names200k.txt --cache-entries 0)
    printf -- '- %s: %s s, %.0f names/s, peak RSS %s MB\n' "$m" "$s" "$(echo "200000 / $s" | bc -l)" "$r"
  done
  cd "$OLDPWD"
}

for name in ${@:-v2fly ut1}; do
  case $name in
    v2fly) run_corpus v2fly "$(realpath $SHARED/v2fly/v2fly-2025-08-20.tsv.zst)" ;;
    ut1) run_corpus ut1 "$(realpath $SHARED/ut1/ut1-2025-08-17.tsv.zst)" ;;
  esac
done
