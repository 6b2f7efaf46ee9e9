#!/usr/bin/env bash
# Issue 16, items 2 and 3: continuing without forgetting (`train --init-model` on a new batch alone, with
# the model's rehearsal sample and without it) and `split --stratified`, on the shipped corpora; one run.
# Usage: bench/continuation.sh [ut1 gbdt ut1-gbdt split ...]   (default: ut1 gbdt split)
#   ut1       linear: the model before trained on the UT1 train split minus a new batch of 1,200 names of
#             four labels (bank, dating, jobsearch, vpn; 300 each), then continued on the batch alone;
#             against retraining from scratch on old + new.
#   gbdt      gbdt, 2 batches: the first 5,000 lines of the sorted v2fly train split, then the rest with
#             --init-model; against one gbdt model of the whole train split.
#   ut1-gbdt  the ut1 protocol with --kind gbdt.
#   split     per-label shares of the hash split and of split --stratified.
set -euo pipefail
cd "$(dirname "$0")/.."
DOMCAT=${DOMCAT:-$PWD/.build/release/domcat}
WORK=${WORK:-/tmp/domcat-bench-continuation}
UT1=$(realpath corpora/ut1/ut1-2025-08-17.tsv.zst)
V2FLY=$(realpath corpora/v2fly/v2fly-2025-08-20.tsv.zst)
mkdir -p "$WORK"
# Wall seconds of a command; its stderr is kept in $WORK/last.log.
measure() { /usr/bin/time -f '%e' -o "$WORK/time.txt" "$@" 2> "$WORK/last.log" > /dev/null; cat "$WORK/time.txt"; }
score() { "$DOMCAT" eval "$1" "$2" --json | python3 -c 'import json,sys; r=json.load(sys.stdin); print("%.4f %.4f" % (r["accuracy"], r["macroF1"]))'; }
acc() { score "$1" "$2" | cut -d' ' -f1; }
row() { printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$@"; }

split_corpus() {  # name file → $WORK/name/{train,valid,test}.tsv
  mkdir -p "$WORK/$1"; [ -s "$WORK/$1/train.tsv" ] || "$DOMCAT" split "$2" --out "$WORK/$1" 2>/dev/null
}

ut1() {
  local kind=${1:-linear} dir="$WORK/ut1"
  split_corpus ut1 "$UT1"; cd "$dir"
  # The new batch: 300 training names of each of four labels (a fixed shuffle); the model before: the rest.
  if [ ! -s new.tsv ]; then
    for l in bank dating jobsearch vpn; do awk -F"\t" -v l=$l '$2==l' train.tsv | { shuf --random-source=<(yes) || true; } | head -300; done > new.tsv
    grep -vxFf new.tsv train.tsv > old.tsv; cat old.tsv new.tsv > oldnew.tsv
    awk -F'\t' '$2=="bank"||$2=="dating"||$2=="jobsearch"||$2=="vpn"' test.tsv > test4.tsv
  fi
  echo; echo "### UT1, $kind: a new batch of four labels given alone"; echo
  echo "old: $(wc -l < old.tsv) training names; new batch: $(wc -l < new.tsv) ($(cut -f2 new.tsv | sort | uniq -c | awk '{printf "%s %s ", $2, $1}')); test: $(wc -l < test.tsv) names, $(wc -l < test4.tsv) of them of the four labels."
  echo
  echo "| model | test accuracy | test macro-F1 | four labels' test accuracy | new batch accuracy | train s (wall) | notes |"; echo "|---|---|---|---|---|---|---|"
  local k="--kind $kind" s a f
  s=$(measure "$DOMCAT" train $k old.tsv --valid valid.tsv --out $kind-before.dcm); read -r a f < <(score $kind-before.dcm test.tsv)
  row "before (old names)" "$a" "$f" "$(acc $kind-before.dcm test4.tsv)" "$(acc $kind-before.dcm new.tsv)" "$s" "$(du -m $kind-before.dcm | cut -f1) MB"
  local before=$a
  s=$(measure "$DOMCAT" train new.tsv --init-model $kind-before.dcm --valid valid.tsv --out $kind-rehearsed.dcm); read -r a f < <(score $kind-rehearsed.dcm test.tsv)
  row "**--init-model, new batch alone (rehearsal, default)**" "$a" "$f" "$(acc $kind-rehearsed.dcm test4.tsv)" "$(acc $kind-rehearsed.dcm new.tsv)" "$s" "$(python3 -c "print('%+.2f points vs before' % (100*($a-$before)))"); $(grep -o 'rehearsal: [0-9]* names' "$WORK/last.log" | head -1)"
  s=$(measure "$DOMCAT" train new.tsv --init-model $kind-before.dcm --valid valid.tsv --out $kind-alone.dcm --no-rehearsal); read -r a f < <(score $kind-alone.dcm test.tsv)
  row "--init-model, new batch alone, --no-rehearsal (as before issue 16)" "$a" "$f" "$(acc $kind-alone.dcm test4.tsv)" "$(acc $kind-alone.dcm new.tsv)" "$s" "$(python3 -c "print('%+.2f points vs before' % (100*($a-$before)))")"
  s=$(measure "$DOMCAT" train $k oldnew.tsv --valid valid.tsv --out $kind-scratch.dcm); read -r a f < <(score $kind-scratch.dcm test.tsv)
  row "from scratch on old + new" "$a" "$f" "$(acc $kind-scratch.dcm test4.tsv)" "$(acc $kind-scratch.dcm new.tsv)" "$s" ""
  cd "$OLDPWD"
}

gbdt() {
  local dir="$WORK/v2fly"
  split_corpus v2fly "$V2FLY"; cd "$dir"
  sort train.tsv > sorted.tsv; head -5000 sorted.tsv > batch1.tsv; tail -n +5001 sorted.tsv > batch2.tsv
  echo; echo "### v2fly, gbdt: two batches (the first 5,000 lines of the sorted train split, then the rest)"; echo
  echo "| model | test accuracy | test macro-F1 | train s (wall) | notes |"; echo "|---|---|---|---|---|"
  local s a f one
  s=$(measure "$DOMCAT" train --kind gbdt train.tsv --valid valid.tsv --out oneshot.dcm); read -r a f < <(score oneshot.dcm test.tsv); one=$a
  printf '| %s | %s | %s | %s | %s |\n' "one gbdt model of the whole train split" "$a" "$f" "$s" ""
  s=$(measure "$DOMCAT" train --kind gbdt batch1.tsv --valid valid.tsv --out batch1.dcm); read -r a f < <(score batch1.dcm test.tsv)
  printf '| %s | %s | %s | %s | %s |\n' "batch 1 alone" "$a" "$f" "$s" "$(cut -f2 batch1.tsv | sort -u | wc -l) of 123 labels"
  s=$(measure "$DOMCAT" train batch2.tsv --init-model batch1.dcm --valid valid.tsv --out batch2.dcm); read -r a f < <(score batch2.dcm test.tsv)
  printf '| %s | %s | %s | %s | %s |\n' "**batch 2 with --init-model (rehearsal, default)**" "$a" "$f" "$s" "$(python3 -c "print('%+.2f points vs one model' % (100*($a-$one)))"); the sample holds all 5,000 earlier names: pipeline rebuilt on them + batch 2"
  s=$(measure "$DOMCAT" train batch2.tsv --init-model batch1.dcm --valid valid.tsv --out batch2-alone.dcm --no-rehearsal); read -r a f < <(score batch2-alone.dcm test.tsv)
  printf '| %s | %s | %s | %s | %s |\n' "batch 2 with --init-model, --no-rehearsal (as before issue 16)" "$a" "$f" "$s" "$(python3 -c "print('%+.2f points vs one model' % (100*($a-$one)))"); trees added on batch 1's projection"
  "$DOMCAT" train --kind gbdt batch1.tsv --valid valid.tsv --out batch1-half.dcm --rehearsal-size 2500 2>/dev/null
  s=$(measure "$DOMCAT" train batch2.tsv --init-model batch1-half.dcm --valid valid.tsv --out batch2-half.dcm); read -r a f < <(score batch2-half.dcm test.tsv)
  printf '| %s | %s | %s | %s | %s |\n' "batch 1 with --rehearsal-size 2500, batch 2 with --init-model" "$a" "$f" "$s" "$(python3 -c "print('%+.2f points vs one model' % (100*($a-$one)))"); a partial sample: embedding model continued, projection and trees fitted anew on batch 2 + 2,500 rehearsed names"
  cd "$OLDPWD"
}

split_shares() {
  echo; echo "### split --stratified"; echo
  echo "| corpus | rule | train / valid / test | Σ over labels and parts of abs(share − target) | worst label (share train / valid / test) | labels ≥ 10 names without a test name | s |"
  echo "|---|---|---|---|---|---|---|"
  for c in ut1 v2fly; do
    local file=$UT1; [ $c = v2fly ] && file=$V2FLY
    for rule in hash stratified; do
      local out="$WORK/split-$c-$rule" flag=""; [ $rule = stratified ] && flag=--stratified
      rm -rf "$out"; local s; s=$(measure "$DOMCAT" split "$file" --out "$out" $flag)
      python3 - "$out" "$c" "$rule" "$s" <<'PY'
import collections, sys
out, corpus, rule, secs = sys.argv[1:]
parts = ["train", "valid", "test"]; target = [0.8, 0.1, 0.1]
c = {p: collections.Counter(l.rstrip("\n").split("\t")[1] for l in open(f"{out}/{p}.tsv")) for p in parts}
labels = set().union(*c.values()); total = 0.0; worst = (0, ""); empty = 0
for l in labels:
    n = sum(c[p][l] for p in parts); sh = [c[p][l] / n for p in parts]
    dev = sum(abs(a - b) for a, b in zip(sh, target)); total += dev
    if dev > worst[0]: worst = (dev, "%s, %d names (%.3f / %.3f / %.3f)" % (l, n, *sh))
    if n >= 10 and c["test"][l] == 0: empty += 1
print("| %s | %s | %s | %.3f | %s | %d | %s |" % (corpus, rule, " / ".join(str(sum(c[p].values())) for p in parts), total, worst[1], empty, secs))
PY
    done
  done
}

for what in ${@:-ut1 gbdt split}; do
  case $what in
    ut1) ut1 linear ;;
    ut1-gbdt) ut1 gbdt ;;
    gbdt) gbdt ;;
    split) split_shares ;;
  esac
done
