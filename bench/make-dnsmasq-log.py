#!/usr/bin/env python3
"""Writes a dnsmasq `log-queries` log of N lines in the format of Tests/StreamingTests/Fixtures/dnsmasq.log
(query / forwarded / reply / cached lines, as dnsmasq 2.90 writes them), names drawn Zipf(s) from a corpus.
   bench/make-dnsmasq-log.py CORPUS N [--zipf 1.0] > dnsmasq.log"""
import argparse
import bisect
import itertools
import random
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("n", type=int)
    ap.add_argument("--zipf", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    text = subprocess.run(["zstd", "-dc", args.corpus], check=True, capture_output=True).stdout.decode()
    names = [line.split("\t", 1)[0] for line in text.splitlines() if line]
    rng.shuffle(names)
    cumulative = list(itertools.accumulate(1.0 / (r ** args.zipf) for r in range(1, len(names) + 1)))
    total = cumulative[-1]
    qtypes = ["A"] * 6 + ["AAAA"] * 3 + ["HTTPS", "TXT"]
    out, written, serial = [], 0, 0
    second = 0
    while written < args.n:
        name = names[bisect.bisect_left(cumulative, rng.random() * total)]
        serial += 1
        second = (second + (serial % 7 == 0)) % 60
        stamp = "Nov 23 15:%02d:%02d dnsmasq[23379]:" % (serial // 40000 % 60, second)
        client = "192.0.2.%d" % (serial % 200 + 1)
        qtype = qtypes[serial % len(qtypes)]
        out.append("%s query[%s] %s from %s" % (stamp, qtype, name, client))
        if serial % 3 == 0:
            out.append("%s cached %s is 198.51.100.%d" % (stamp, name, serial % 250))
        else:
            out.append("%s forwarded %s to 127.0.0.1" % (stamp, name))
            out.append("%s reply %s is 198.51.100.%d" % (stamp, name, serial % 250))
        written = written + (2 if serial % 3 == 0 else 3)
        if len(out) > 100_000:
            sys.stdout.write("\n".join(out) + "\n")
            out = []
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
