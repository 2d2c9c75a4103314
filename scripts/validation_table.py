#!/usr/bin/env python3
"""Turns `gilsim validate --case ... --json` documents on stdin into the README's validation
table: one row per comparison (case, run, metric, model validated, measured mean with its spread
over the repetitions, simulated, signed error, target, within), the count within target per
model and in all, and every pinned gap with the mechanism it is missing."""
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


def shown(value, unit):
    if unit == "1/s":
        return f"{value:.4g}/s"
    if unit == "fraction":
        return f"{value * 100:.1f}%"
    for factor, name in ((1, "s"), (1e-3, "ms"), (1e-6, "us")):
        if abs(value) >= factor:
            return f"{value / factor:.4g} {name}"
    return f"{value * 1e9:.4g} ns"


def main():
    rows, totals, per_model, gaps, errors = [], [0, 0], {}, {}, []
    for doc in documents(sys.stdin.read()):
        for run in doc["runs"]:
            if run["error"]:
                errors.append(f"{doc['case']}/{run['run']}: {run['error']}")
            for c in run["comparisons"]:
                if c["error"]:
                    errors.append(f"{doc['case']}/{run['run']}/{c['metric']}: {c['error']}")
                    continue
                values = c["measured_values"]
                spread = f"{shown(min(values), c['unit'])}..{shown(max(values), c['unit'])}"
                target = f"±{c['tolerance'] * 100:g}%" + (f" + {shown(c['resolution'], c['unit'])}" if c["resolution"] else "")
                within = "yes" if c["within"] else ("**no** (pinned)" if c["band"] else "**no**")
                rows.append(f"| {doc['case']} | {run['run']} | {c['metric']} | {c['validates']} | {shown(c['measured'], c['unit'])} "
                            f"({spread}, n={len(values)}) | {shown(c['simulated'], c['unit'])} | {c['error_fraction'] * 100:+.1f}% "
                            f"| {target} | {within} |")
                model = per_model.setdefault(c["validates"], [0, 0])
                for counts in (totals, model):
                    counts[0] += c["within"]
                    counts[1] += 1
                if c["band"] and not c["within"]:
                    gaps.setdefault(c["band"]["missing"], []).append(f"{doc['case']}/{run['run']}/{c['metric']}")
    print("| case | run | metric | validates | measured (spread, repetitions) | simulated | error | target | within |")
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"\n{totals[0]} of {totals[1]} comparisons are within target. By model: " +
          ", ".join(f"{m} {w}/{n}" for m, (w, n) in sorted(per_model.items())) + ".")
    if gaps:
        print("\nPinned gaps, by the mechanism that is missing:")
        for missing, where in sorted(gaps.items()):
            print(f"- {missing} ({len(where)} comparisons)")
    if errors:
        print("\nNot computed:")
        for e in errors:
            print(f"- {e}")


if __name__ == "__main__":
    main()
