#!/usr/bin/env python3
"""Writes the lines of FILE to stdout at RATE lines/s (in 10 ms steps), for a fixed publish rate.
   bench/paced-lines.py FILE RATE"""
import sys
import time

path, rate = sys.argv[1], float(sys.argv[2])
lines = open(path, "rb").read().splitlines(keepends=True)
step = 0.01
per_step = max(1, int(rate * step))
start = time.monotonic()
out = sys.stdout.buffer
for k in range(0, len(lines), per_step):
    due = start + (k / rate)
    now = time.monotonic()
    if due > now:
        time.sleep(due - now)
    out.write(b"".join(lines[k:k + per_step]))
    out.flush()
