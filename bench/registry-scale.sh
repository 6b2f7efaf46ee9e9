#!/usr/bin/env bash
# Issue 17 figure: registry commands with 1,000 versions in the index. Trains N small distinct models (seeds),
# adds them, then times each command (wall, median of 5). Usage: [N=1000] bench/registry-scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
D=$(realpath "${DOMCAT:-.build/release/domcat}")
N=${N:-1000}
WORK=${WORK:-/tmp/domcat-registry-scale}
rm -rf "$WORK"; mkdir -p "$WORK/models"
export DOMCAT_REGISTRY="$WORK/registry"
for i in $(seq 1 20); do printf 'ads%d.adserv.com\tads\ntrack%d.pixel.net\ttracking\n' "$i" "$i"; done > "$WORK/corpus.tsv"
for i in $(seq 1 "$N"); do
  "$D" train "$WORK/corpus.tsv" --out "$WORK/models/m$i.dcm" --bucket-bits 8 --dim 2 --epochs 1 --threads 1 --seed "$i" 2>/dev/null
  "$D" registry add "$WORK/models/m$i.dcm" --bump patch >/dev/null
done
"$D" registry promote 1.0.0 2>/dev/null
"$D" train "$WORK/corpus.tsv" --out "$WORK/extra.dcm" --bucket-bits 8 --dim 2 --epochs 1 --threads 1 --seed 999999 2>/dev/null
ms() {  # median wall milliseconds of 5 runs of a command
  for r in 1 2 3 4 5; do
    s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 ))
  done | sort -n | sed -n 3p
}
echo "versions: $("$D" registry list | wc -l)"
echo "list: $(ms "$D" registry list) ms"
echo "list --json: $(ms "$D" registry list --json) ms"
echo "show 1.0.500: $(ms "$D" registry show 1.0.500) ms"
echo "show --json (production): $(ms "$D" registry show --json) ms"
echo "promote + rollback: $(ms sh -c "'$D' registry promote 1.0.700 && '$D' registry rollback") ms (both)"
echo "runs: $(ms "$D" registry runs) ms"
s=$(date +%s%N); "$D" registry add "$WORK/extra.dcm" >/dev/null; e=$(date +%s%N); echo "add (the $((N + 1))th): $(( (e - s) / 1000000 )) ms"
echo "domcat --version (process start): $(ms "$D" --version) ms"
