#!/usr/bin/env python3
"""Reads an answers stream written by `classify --from … --to` (redis-cli --csv XRANGE on stdin: id, "src", SOURCE,
   "a", ANSWERS per entry, one answer line per name) and prints: entries, distinct source ids, names answered,
   the answering span (first to last answer id, ms), and each name's lag behind its source entry (answer id time −
   source id time, ms; ids have millisecond resolution) p50/p99/max.
   redis-cli --csv XRANGE KEY - + | bench/stream-figures.py"""
import re
import sys

# Quoted strings with backslash escapes; a name's answer line ends at an escaped newline (\n).
flat = re.findall(r'"((?:[^"\\]|\\.)*)"', sys.stdin.read())
assert len(flat) % 5 == 0, "id src SOURCE a ANSWERS per entry"
out_ms, lags, sources, names = [], [], set(), 0
for i in range(0, len(flat), 5):
    out = int(flat[i].split("-")[0])
    src = flat[i + 2]
    count = flat[i + 4].count("\\n") + 1
    sources.add(src)
    names += count
    out_ms.append(out)
    lags += [out - int(src.split("-")[0])] * count
lags.sort()
n = len(lags)
pick = lambda q: lags[min(n - 1, int(q * n))] if n else 0
span = (max(out_ms) - min(out_ms)) if out_ms else 0
print(f"entries={len(out_ms)} distinct_sources={len(sources)} names={names} span_ms={span} "
      f"names_per_s={names / max(span, 1) * 1000:.0f} lag_p50_ms={pick(0.5)} lag_p99_ms={pick(0.99)} lag_max_ms={lags[-1] if n else 0}")
