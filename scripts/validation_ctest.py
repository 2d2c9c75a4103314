#!/usr/bin/env python3
"""Writes the validation suite's tests in CTest's syntax, from the case files themselves.

    scripts/validation_ctest.py GILSIM SOURCE_DIR OUT.cmake

ctest includes OUT.cmake each time it runs (tests/CMakeLists.txt, TEST_INCLUDE_FILES), so a new
run, metric or control in a case.yaml is a new test without reconfiguring. One test per case run
(validation.CASE.RUN: every metric of the run, each named in its output) and one per negative
control (validation_control.CASE.CONTROL). A case file gilsim cannot read becomes a test that
fails with gilsim's message, never a silently smaller suite.
"""
import json
import os
import subprocess
import sys


def quoted(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace(";", "\\;") + '"'


def add_test(lines, name, command, source):
    lines.append(f"add_test({quoted(name)} {' '.join(quoted(c) for c in command)})")
    lines.append(f"set_tests_properties({quoted(name)} PROPERTIES WORKING_DIRECTORY {quoted(source)} TIMEOUT 600)")


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
        for run in document["runs"]:
            if run["metrics"]:
                add_test(lines, f"validation.{case}.{run['name']}", [gilsim, "validate", "--case", path, "--run", run["name"]], source)
        for control in document["controls"]:
            add_test(lines, f"validation_control.{case}.{control['name']}",
                     [gilsim, "validate", "--case", path, "--control", control["name"]], source)
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
