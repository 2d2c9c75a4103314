#!/usr/bin/env python3
"""Pins known gaps in a case file: scripts/validation pin CASE METRIC RUN-PATTERN "MISSING" | --refresh CASE

    pin CASE METRIC RUN-PATTERN MISSING   every run of METRIC matching RUN-PATTERN that is outside
                                          its target gets a band, with MISSING (the mechanism gilsim
                                          lacks) as its reason
    pin --refresh CASE                    every existing band is recomputed from the current traces
                                          (after re-recording), its reason kept

A band is the signed error (simulated / measured - 1) plus and minus the larger of the metric's
tolerance and the repetitions' relative spread ((max - min) / mean), rounded outwards to 0.1%:
what the error may move by before the test says the model or the measurements changed. The
case's metric block gets a rewritten `gaps:` section (block style: `  - name: METRIC` at two
spaces); everything else in the file is left as it is. It never touches a tolerance, a model
parameter or a comparison within its target. Standard library only.
"""
import fnmatch
import json
import math
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GILSIM = os.path.join(os.environ.get("GILSIM_BUILD", os.path.join(ROOT, "build")), "gilsim")


def comparisons(case_file):
    run = subprocess.run([GILSIM, "validate", "--case", case_file, "--json"], stdout=subprocess.PIPE, text=True)
    if run.returncode not in (0, 1):
        sys.exit(f"validation pin: error: gilsim validate --case {case_file} failed ({run.returncode})")
    for r in json.loads(run.stdout)["runs"]:
        for c in r["comparisons"]:
            yield r["run"], c


def band(c):
    values = c["measured_values"]
    spread = (max(values) - min(values)) / abs(c["measured"]) if c["measured"] else 0.0
    half = max(c["tolerance"], spread)
    low = math.floor((c["error_fraction"] - half) * 1000) / 10
    high = math.ceil((c["error_fraction"] + half) * 1000) / 10
    return f"[{low:.1f}%, {high:.1f}%]"


def gaps_text(by_missing):
    lines = ["    gaps:"]
    for missing, bands in by_missing.items():
        lines.append("      - missing: >-")
        words, line = missing.split(), "          "
        for w in words:
            if len(line) + len(w) > 100:
                lines.append(line.rstrip())
                line = "          "
            line += w + " "
        lines.append(line.rstrip())
        lines.append("        bands:")
        lines += [f"          {run}: {b}" for run, b in bands]
    return lines


def rewrite_gaps(case_file, metric, by_missing):
    with open(case_file, encoding="utf-8") as f:
        lines = f.read().split("\n")
    start = lines.index(f"  - name: {metric}")
    end = start + 1
    while end < len(lines) and not lines[end].startswith("  - ") and (lines[end].startswith("    ") or not lines[end].strip()):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    block = lines[start:end]
    if "    gaps:" in block:
        block = block[:block.index("    gaps:")]
    block += gaps_text(by_missing) if by_missing else []
    lines[start:end] = block
    with open(case_file, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def main(argv):
    refresh = argv[:1] == ["--refresh"]
    if refresh and len(argv) == 2:
        case, metric_pattern, run_pattern, missing = argv[1], "*", "", None
    elif not refresh and len(argv) == 4:
        case, metric_pattern, run_pattern, missing = argv
    else:
        sys.exit(__doc__)
    case_file = os.path.join(ROOT, "scenarios", "validation", case, "case.yaml")
    gaps = {}  # metric -> {missing -> [(run, band)]}
    for run, c in comparisons(case_file):
        keep = c["band"] is not None
        new = (not refresh and fnmatch.fnmatchcase(c["metric"], metric_pattern) and fnmatch.fnmatchcase(run, run_pattern)
               and not c["within"] and not c["error"])
        if not keep and not new:
            gaps.setdefault(c["metric"], {})
            continue
        if c["error"]:
            sys.exit(f"validation pin: error: {case}/{run}/{c['metric']} has no value: {c['error']}")
        reason = missing if new else c["band"]["missing"]
        if keep and not refresh and not new:
            old = c["band"]
            gaps.setdefault(c["metric"], {}).setdefault(reason, []).append(
                (run, f"[{old['low'] * 100:.1f}%, {old['high'] * 100:.1f}%]"))
            continue
        gaps.setdefault(c["metric"], {}).setdefault(reason, []).append((run, band(c)))
    for metric, by_missing in gaps.items():
        if by_missing or refresh:
            rewrite_gaps(case_file, metric, by_missing)
    print(f"validation pin: {case_file}: {sum(len(b) for m in gaps.values() for b in m.values())} bands", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
