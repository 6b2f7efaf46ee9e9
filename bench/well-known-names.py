#!/usr/bin/env python3
"""Scores the default models on Tests/Fixtures/well-known-names.tsv (real names, hand-labelled; `a|b` means
either is right, service `-` means not scored), against issue 15's gates:
  - category right for at least 90% of the names;
  - of the names labelled ads, tracking or badware with p >= 0.9, at least 95% truly are (that label or one of
    the three, as the fixture says).
Usage: bench/well-known-names.py [--domcat BIN] [--models category.dcm service.dcm] [--check]
--check exits 1 when a gate is missed. Prints the figures and the misses."""
import argparse
import subprocess
import sys

BLOCK = {"ads", "tracking", "badware"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--domcat", default=".build/release/domcat")
    ap.add_argument("--models", nargs=2, default=["out/category.dcm", "out/service.dcm"])
    ap.add_argument("--fixture", default="Tests/Fixtures/well-known-names.tsv")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()

    rows = [line.rstrip("\n").split("\t") for line in open(args.fixture, encoding="utf-8")
            if line.strip() and not line.startswith("#")]
    names = "".join(r[0] + "\n" for r in rows)
    out = subprocess.run([args.domcat, "classify", *args.models, "--quiet", "--classify-all-names"], input=names,
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(out) == len(rows), (len(out), len(rows))

    right = blocked = blocked_right = service_scored = service_right = 0
    misses = []
    for (name, category, service), line in zip(rows, out):
        cols = line.split("\t")
        got, p, got_service = cols[1], float(cols[2]), cols[3]
        want = set(category.split("|"))
        if got in want:
            right += 1
        else:
            misses.append(f"{name}: {got} {p:.2f} (want {category})")
        if got in BLOCK and p >= 0.9:
            blocked += 1
            blocked_right += got in want or bool(want & BLOCK)
        if service != "-":
            service_scored += 1
            service_right += got_service == service

    accuracy = right / len(rows)
    precision = blocked_right / blocked if blocked else 1.0
    print(f"names {len(rows)}")
    print(f"category right {right} ({accuracy:.3f}); target >= 0.90")
    print(f"ads/tracking/badware with p >= 0.9: {blocked}, truly so {blocked_right} ({precision:.3f}); target >= 0.95")
    print(f"service right {service_right} of {service_scored} scored ({service_right / max(service_scored, 1):.3f})")
    print("misses (category):")
    for m in misses:
        print("  " + m)
    if args.check and (accuracy < 0.90 or precision < 0.95):
        sys.exit(1)


if __name__ == "__main__":
    main()
