#!/usr/bin/env python3
"""Writes N names drawn from a corpus (domain<TAB>label, .zst or plain): uniform or Zipf(s) over its names.
   bench/make-names.py CORPUS N [--zipf S] [--seed 1] > names.txt"""
import argparse
import random
import subprocess
import sys


def read_names(path):
    if path.endswith(".zst"):
        text = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout.decode()
    else:
        text = open(path, encoding="utf-8").read()
    return [line.split("\t", 1)[0] for line in text.splitlines() if line]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("n", type=int)
    ap.add_argument("--zipf", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    names = read_names(args.corpus)
    rng.shuffle(names)
    if args.zipf > 0:
        weights = [1.0 / (rank ** args.zipf) for rank in range(1, len(names) + 1)]
        draw = lambda k: rng.choices(names, weights=weights, k=k)
    else:
        draw = lambda k: [names[rng.randrange(len(names))] for _ in range(k)]
    out = sys.stdout
    left = args.n
    while left > 0:
        k = min(left, 100_000)
        out.write("\n".join(draw(k)) + "\n")
        left -= k


if __name__ == "__main__":
    main()
