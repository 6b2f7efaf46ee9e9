#!/usr/bin/env bash
# Every figure of bench/RESULTS.md in one go (`make bench`), in the order the scripts depend on each
# other: linear-vs-fasttext trains the UT1 models the throughput, DNS-log and serve scripts read.
# Takes an hour or more on 2 cores. The gbdt peers need a venv with lightgbm and scikit-learn (PyPI); it is
# made here when missing. Output: the scripts' tables, one after another, on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-/tmp/domcat-bench}
PY=${PY:-/tmp/gbdt-kind-venv/bin/python}

bench/linear-vs-fasttext.sh
bench/classify-throughput.sh
bench/dnsmasq-log.sh
bench/endless-rss.sh
if [ ! -x "$PY" ]; then
  dpkg -s python3-venv >/dev/null 2>&1 || apt-get install -y -q python3-venv >/dev/null
  python3 -m venv "$(dirname "$(dirname "$PY")")"
  "$(dirname "$PY")/pip" install -q lightgbm scikit-learn
fi
PY=$PY bench/gbdt-vs-peers.sh
bench/serve.sh "$WORK/ut1/linear.dcm"
