#!/usr/bin/env bash
# The small synthetic `linear` model the serve benchmarks use when no model is named: 40,000 names, 4 labels.
# Usage: bench/small-model.sh DOMCAT OUT.dcm   (trains only when OUT.dcm is missing)
set -euo pipefail
DOMCAT=$1; MODEL=$2
[ -f "$MODEL" ] && exit 0
CORPUS=${MODEL%.dcm}-corpus.tsv
python3 - "$CORPUS" <<'PY'
import random, sys
random.seed(5)
words = {"ads": ["ads", "adserver", "doubleclick", "pagead", "banner", "track", "pixel", "metrics"],
         "news": ["news", "daily", "times", "herald", "post", "press", "journal"],
         "shop": ["shop", "store", "buy", "cart", "deal", "market", "outlet"],
         "cdn": ["cdn", "static", "edge", "assets", "img", "media"]}
with open(sys.argv[1], "w") as f:
    for i in range(40000):
        label = random.choice(list(words))
        f.write(f"{random.choice(words[label])}{random.randint(0, 9999)}.{random.choice(['example', 'site', 'web', 'net'])}{random.randint(0, 500)}.com\t{label}\n")
PY
"$DOMCAT" train "$CORPUS" --out "$MODEL" --bucket-bits 18 --dim 32 --epochs 5 2>/dev/null
