#!/usr/bin/env python3
"""Writes the validation suite's tests in CTest's syntax, from the case files themselves.

    scripts/validation_ctest.py GILSIM SOURCE_DIR OUT.cmake

ctest includes OUT.cmake each time it runs (tests/CMakeLists.txt, TEST_INCLUDE_FILES), so a new
run, metric or control in a case.yaml is a new test without reconfiguring. One test per case run
(validation.CASE.RUN: every metric of the run, each named in its output) and one per negative
control (validation_control.CASE.CONTROL). A case file gilsim cannot read becomes a test that
fails with gilsim's message, never a silently smaller suite. A run without any measured trace
yet (a case written before its recording campaign), or whose every repetition the program found
noisy (results never average a noisy repetition in), is a test that ctest reports as skipped
(Not Run), naming the command that records it, and so is a control that names such a run.
"""
import glob
import gzip
import json
import os
import subprocess
import sys


def quoted(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace(";", "\\;") + '"'


SKIPPED = 77  # the test's SKIP_RETURN_CODE


def add_test(lines, name, command, source, skip=False):
    lines.append(f"add_test({quoted(name)} {' '.join(quoted(c) for c in command)})")
    lines.append(f"set_tests_properties({quoted(name)} PROPERTIES WORKING_DIRECTORY {quoted(source)} TIMEOUT 600"
                 + (f" SKIP_RETURN_CODE {SKIPPED})" if skip else ")"))


def not_recorded(case, run, why):
    """A command that says why the run has no quiet trace and exits with the skip code."""
    message = f"validation.{case}.{run}: {why}: scripts/validation record {case}/{run}"
    # No ';' in the command: CMake's lists would split it.
    return [sys.executable, "-c", f"raise SystemExit(print({message!r}) or {SKIPPED})"]


def quiet(path):
    """Whether the program found the repetition quiet (otherData.noise.noisy is false)."""
    with (gzip.open(path, "rt", encoding="utf-8") if path.endswith(".gz") else open(path, encoding="utf-8")) as f:
        return not json.load(f).get("otherData", {}).get("noise", {}).get("noisy", False)


def unrecorded(source, traces, run):
    """Why the run cannot be compared yet (no trace, or only noisy ones), or None."""
    folder = os.path.join(source, traces)
    paths = [p for suffix in ("", ".gz")
             for p in glob.glob(os.path.join(glob.escape(folder), glob.escape(run) + ".rep*.trace.json" + suffix))]
    if not paths:
        return "not recorded yet"
    if not any(quiet(p) for p in paths):
        return f"its {len(paths)} recorded repetitions are all noisy: record it again on a quiet host"
    return None


def main():
    gilsim, source, out = sys.argv[1:4]
    suite = os.path.join(source, "scenarios", "validation")
    lines = []
    for case in sorted(os.listdir(suite)):
        path = os.path.join("scenarios", "validation", case, "case.yaml")
        if not os.path.isfile(os.path.join(source, path)):
            continue
        listed = subprocess.run([gilsim, "validate", "--case", path, "--list"], cwd=source,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if listed.returncode != 0:
            add_test(lines, f"validation.{case}.case_file", [gilsim, "validate", "--case", path, "--list"], source)
            continue
        document = json.loads(listed.stdout)
        missing = {}
        for run in document["runs"]:
            if why := unrecorded(source, document["traces"], run["name"]):
                missing[run["name"]] = why
        for run in document["runs"]:
            name = f"validation.{case}.{run['name']}"
            if run["name"] in missing and run["metrics"]:
                add_test(lines, name, not_recorded(case, run["name"], missing[run["name"]]), source, skip=True)
            elif run["metrics"]:
                add_test(lines, name, [gilsim, "validate", "--case", path, "--run", run["name"]], source)
        for control in document["controls"]:
            name = f"validation_control.{case}.{control['name']}"
            blocked = sorted({named.split("/")[0] for named in control["must_fail"]} & set(missing))
            if blocked:
                add_test(lines, name, not_recorded(case, blocked[0], missing[blocked[0]]), source, skip=True)
            else:
                add_test(lines, name, [gilsim, "validate", "--case", path, "--control", control["name"]], source)
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
