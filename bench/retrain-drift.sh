#!/usr/bin/env bash
# Issue 17 figures: `domcat retrain` over new batches arriving in order. UT1 is cut (by FNV-1a of the name) into
# a base half and four batches of an eighth; production is trained on the base, then each batch lands in the
# incoming folder and one `retrain --once` cycle runs — continuing production, and, in a second registry,
# from scratch. Prints per cycle: production's and the candidate's test accuracy / macro-F1 (the test part of
# every file so far), the decision, and the cycle's time. Usage: bench/retrain-drift.sh [CORPUS]
set -euo pipefail
cd "$(dirname "$0")/.."
D=$(realpath "${DOMCAT:-.build/release/domcat}")
CORPUS=${1:-corpora/ut1/ut1-2025-08-17.tsv.zst}
WORK=${WORK:-/tmp/domcat-drift}
TRAIN="--bucket-bits 20 --dim 16 --epochs 15"
rm -rf "$WORK"; mkdir -p "$WORK/batches"
zstdcat -f "$CORPUS" | python3 -c '
import sys
def fnv(s):
    h = 0xcbf29ce484222325
    for b in s.encode(): h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return h
out = {k: open(f"'"$WORK"'/batches/{k}.tsv", "w") for k in ["0-base", "1", "2", "3", "4"]}
for line in sys.stdin:
    r = fnv(line.split("\t")[0]) % 8
    out["0-base" if r < 4 else str(r - 3)].write(line)
'
"$D" split "$WORK/batches/0-base.tsv" --out "$WORK/base-split" 2>/dev/null
"$D" train "$WORK/base-split/train.tsv" --valid "$WORK/base-split/valid.tsv" $TRAIN --out "$WORK/production.dcm" 2>/dev/null
for mode in continue scratch; do
  export DOMCAT_REGISTRY="$WORK/registry-$mode"
  mkdir -p "$WORK/incoming-$mode"; cp "$WORK/batches/0-base.tsv" "$WORK/incoming-$mode/"
  "$D" registry add "$WORK/production.dcm" --trained-on "$WORK/batches/0-base.tsv" >/dev/null 2>&1
  "$D" registry promote 1.0.0 2>/dev/null
  for batch in 1 2 3 4; do
    cp "$WORK/batches/$batch.tsv" "$WORK/incoming-$mode/"
    flags=""; [ "$mode" = scratch ] && flags="--from-scratch"
    "$D" retrain --once --incoming "$WORK/incoming-$mode" $flags 2>/dev/null || true
  done
  echo "== $mode"
  "$D" registry runs --json | python3 -c '
import json, sys
for r in reversed(json.load(sys.stdin)):
    c = r.get("comparison")
    figs = "production %.4f / %.4f  candidate %.4f / %.4f" % (c["a"]["accuracy"], c["a"]["macroF1"], c["b"]["accuracy"], c["b"]["macroF1"]) if c else "-"
    print("cycle %d: %d new of %d | %s | %s %s | %.1f s" % (r["id"], r["newExamples"], r["baseExamples"], figs, r["decision"], r.get("candidate") or "", r.get("seconds") or 0))
'
done
