#!/usr/bin/env python3
"""Turns the `gilsim validate --json` documents on stdin into the README's validation table."""
import json
import sys


def documents(text):
    decoder = json.JSONDecoder()
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return
        doc, pos = decoder.raw_decode(text, pos)
        yield doc


def main():
    print("| scenario | variant | measured makespan | simulated | makespan error | "
          "step completion error (median / p95) | within targets |")
    print("|---|---|---|---|---|---|---|")
    for doc in documents(sys.stdin.read()):
        for r in doc["reports"]:
            m, s = r["makespan"], r["step_completion"]
            ok = "yes" if r["passed"] else "**no**"
            print(f"| {r['scenario']} | {r['variant'] or '-'} | {m['measured_mean_s'] * 1000:.1f} ms | "
                  f"{m['simulated_s'] * 1000:.1f} ms | {m['error'] * 100:+.1f}% | "
                  f"{s['median'] * 100:.1f}% / {s['p95'] * 100:.1f}% | {ok} |")


if __name__ == "__main__":
    main()
