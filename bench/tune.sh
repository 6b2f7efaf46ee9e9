#!/usr/bin/env bash
# Issue 20 figures: `domcat tune` against fastText's autotune (same wall-time budget, on the tokens of
# `domcat tokens`) and against `domcat train` with its defaults, on the project's split of both corpora,
# in one run: validation and test accuracy / macro-F1, wall and CPU time of each.
# Usage: bench/tune.sh [v2fly|ut1 ...]   (default: both)   BUDGET=300 (seconds)  SEED=1  SKIP_FASTTEXT="ut1"
# DOMCAT=… picks the binary (default .build/release/domcat).
set -euo pipefail
cd "$(dirname "$0")/.."
DOMCAT=${DOMCAT:-.build/release/domcat}
BUDGET=${BUDGET:-300}
SEED=${SEED:-1}
WORK=${WORK:-/tmp/domcat-tune}
command -v fasttext >/dev/null || apt-get install -y -q fasttext >/dev/null
mkdir -p "$WORK"

pair() { python3 -c 'import json,sys; r=json.load(sys.stdin); print("%.4f / %.4f" % (r["accuracy"], r["macroF1"]))'; }
# Runs a command under /usr/bin/time; prints "wall_s cpu_s" into $1.times.
timed() { local tag=$1; shift; /usr/bin/time -f "%e %U %S" -o "$tag.times" "$@"; }
wall() { awk '{print $1}' "$1.times"; }
cpu() { awk '{printf "%.1f", $2 + $3}' "$1.times"; }

run_corpus() {
  local name=$1 file=$2 dir="$WORK/$1"
  mkdir -p "$dir"; rm -f "$dir"/*.tsv "$dir"/*.dcm "$dir"/*.jsonl "$dir"/*.bin "$dir"/*.vec
  "$DOMCAT" split "$file" --out "$dir" 2>/dev/null

  # domcat's defaults (what `train` does without options), calibrated on valid as tune's model is.
  timed "$dir/defaults" "$DOMCAT" train "$dir/train.tsv" --valid "$dir/valid.tsv" --out "$dir/defaults.dcm" 2>/dev/null
  local d_test d_valid
  d_test=$("$DOMCAT" eval "$dir/defaults.dcm" "$dir/test.tsv" --json | pair)
  d_valid=$("$DOMCAT" eval "$dir/defaults.dcm" "$dir/valid.tsv" --json | pair)

  # domcat tune: the search within the budget, then the final training (reported apart).
  timed "$dir/tune" "$DOMCAT" tune "$dir/train.tsv" --valid "$dir/valid.tsv" --budget "${BUDGET}s" --seed "$SEED" \
    --out "$dir/tuned.dcm" > "$dir/tune.table" 2> "$dir/tune.err"
  local t_test t_valid search final trials
  t_test=$("$DOMCAT" eval "$dir/tuned.dcm" "$dir/test.tsv" --json | pair)
  t_valid=$("$DOMCAT" eval "$dir/tuned.dcm" "$dir/valid.tsv" --json | pair)
  search=$(sed -n 's/.*search: \([0-9.]*\) s of.*/\1/p' "$dir/tune.err")
  final=$(sed -n 's/.*final training on all [0-9]* examples: \([0-9.]*\) s.*/\1/p' "$dir/tune.err")
  trials=$(sed -n 's/.*budget, \([0-9]* trials ([^)]*)\).*/\1/p' "$dir/tune.err")

  printf '| %s | domcat train (defaults) | %s | %s | %s | %s |\n' "$name" "$d_test" "$d_valid" "$(wall "$dir/defaults")" "$(cpu "$dir/defaults")"
  printf '| %s | domcat tune (%s s; search %s s + final training %s s; %s) | %s | %s | %s | %s |\n' "$name" "$BUDGET" "$search" "$final" \
    "$trials" "$t_test" "$t_valid" "$(wall "$dir/tune")" "$(cpu "$dir/tune")"
  echo "best: $(grep '^\*' "$dir/tune.table" | cut -f10)" >&2
  # SKIP_FASTTEXT="ut1": UT1's autotune spent > 46 min in its final training once (issue 20's first figures).
  case " ${SKIP_FASTTEXT:-} " in *" $name "*) return ;; esac

  # fastText's autotune on the same tokens, the same budget and 2 threads.
  for part in train valid test; do "$DOMCAT" tokens "$dir/$part.tsv" > "$dir/$part.ft"; done
  timed "$dir/ftauto" fasttext supervised -input "$dir/train.ft" -output "$dir/ftauto" -autotune-validation "$dir/valid.ft" \
    -autotune-duration "$BUDGET" -thread 2 -verbose 0
  for part in test valid; do
    cut -d' ' -f2- "$dir/$part.ft" > "$dir/$part.ft.text"
    fasttext predict "$dir/ftauto.bin" "$dir/$part.ft.text" > "$dir/$part.ftauto.pred"
  done
  local f_test f_valid
  f_test=$(python3 bench/score.py "$dir/test.ft" "$dir/test.ftauto.pred" | pair)
  f_valid=$(python3 bench/score.py "$dir/valid.ft" "$dir/valid.ftauto.pred" | pair)

  printf '| %s | fastText autotune (%s s, -thread 2) | %s | %s | %s | %s |\n' "$name" "$BUDGET" "$f_test" "$f_valid" "$(wall "$dir/ftauto")" "$(cpu "$dir/ftauto")"
}

echo "| corpus | model | test acc / macro-F1 | valid acc / macro-F1 | wall s | CPU s |"
echo "|---|---|---|---|---|---|"
for name in ${@:-v2fly ut1}; do
  case $name in
    v2fly) run_corpus v2fly corpora/v2fly/v2fly-2025-08-20.tsv.zst ;;
    ut1) run_corpus ut1 corpora/ut1/ut1-2025-08-17.tsv.zst ;;
  esac
done
