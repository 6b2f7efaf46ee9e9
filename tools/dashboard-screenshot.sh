#!/usr/bin/env bash
# `make screenshots`: docs/dashboard.png — the live page of `classify --dashboard` with the default models,
# fed 40 seconds of a dnsmasq-style log (names from the default sets' test splits, eight clients, a steady
# rate with a burst), photographed by headless chromium while it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
D=${DOMCAT:-.build/release/domcat}
PORT=${PORT:-18765}
mkdir -p docs
python3 - <<'PY' | "$D" classify out/category.dcm out/service.dcm --dashboard "127.0.0.1:$PORT" > /dev/null &
import random, sys, time
random.seed(7)
names = [l.split("\t")[0] for f in ("out/category-split/test.tsv", "out/service-split/test.tsv") for l in open(f)]
popular = random.sample(names, 60)
clients = ["192.168.1.%d" % i for i in range(10, 18)]
for second in range(40):
    rate = 400 if not 20 <= second < 26 else 1500
    for _ in range(rate):
        name = random.choice(popular) if random.random() < 0.6 else random.choice(names)
        print("Dec  3 12:00:00 dnsmasq[1]: query[A] %s from %s" % (name, random.choice(clients)))
    sys.stdout.flush()
    time.sleep(1)
time.sleep(30)
PY
FEED=$!
trap 'kill $FEED 2>/dev/null || true; pkill -f "dashboard 127.0.0.1:$PORT" 2>/dev/null || true' EXIT
sleep 36  # while the feed still runs
chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars --virtual-time-budget=4000 \
  --user-data-dir="$(mktemp -d)" --window-size=1280,1700 --screenshot=docs/dashboard.png "http://127.0.0.1:$PORT/" 2>/dev/null
echo "docs/dashboard.png: $(du -h docs/dashboard.png | cut -f1)"
