#!/usr/bin/env python3
"""Reads `gilsim validate --json` on stdin and checks only its GIL comparisons (hand-overs per
process, median GIL run lengths): prints them, and exits 1 naming the variants outside their
tolerances or without GIL runs. Used by `scripts/validation gil`."""
import json
import sys


def main():
    reports = json.load(sys.stdin)["reports"]
    for r in reports:
        where = f"{r['scenario']} {r['variant']}"
        for h in r["gil"]["handovers"]:
            print(f"{where}: hand-overs {h['process']} {h['simulated']} vs {h['measured']} ({h['error']:+.1%})")
        for g in r["gil"]["run_lengths"]:
            print(f"{where}: run length {g['group']} median {g['simulated']['median_s'] * 1e3:.3f} ms "
                  f"vs {g['measured']['median_s'] * 1e3:.3f} ms ({g['error']:+.1%})")
    bad = [r["variant"] for r in reports if not (r["gil"]["available"] and r["gil"]["ok"])]
    if bad:
        sys.exit("GIL comparison outside its tolerances (or unavailable): " + ", ".join(bad))


if __name__ == "__main__":
    main()
