#!/usr/bin/env python3
"""Measures what a program's main module costs a spawn or forkserver child, and prints it as the
scenario key `runtime.main_module` (README "Processes and IPC"):

    scripts/measure_main_module.py PROGRAM.py [--runs N] [--python PATH]

With spawn, every child re-imports the parent's main module before running its target
(Lib/multiprocessing/spawn.py: prepare() -> _fixup_main_from_path() -> runpy.run_path(main_path,
run_name="__mp_main__")): its imports and its top-level code. With forkserver the server imports
it once (its preload: forkserver.py main() -> spawn.import_main_path), and a child forked from
the server does not run it again (_fixup_main_from_path returns when __main__.__file__ is already
the parent's main path); a fork child has its parent's. A machine profile's process start is
measured from a main module that imports only multiprocessing (scripts/calibrate_start.py); this
measures the rest:

- import: run_path of PROGRAM in a fresh interpreter that has imported multiprocessing.spawn (as
  a spawn child has when it fixes up its main module): the spawn child's extra cost, and the
  forkserver's once.

It is the median over --runs fresh interpreters (default 5), less the same figure for
scripts/calibrate_start.py (measured alike, in the same run): the profile's process start
already contains that main module's cost, and runpy's own first use (pkgutil). A figure below
the baseline's prints as 0. PROGRAM's top level must be
guarded by `if __name__ == "__main__":`, as multiprocessing requires. Standard library only;
needs a quiet machine.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

from calibrate_calls import fmt_duration

# The main module the profile's process start was measured with.
BASELINE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "calibrate_start.py")

PROBE = r"""
import multiprocessing.spawn, runpy, sys, time, json
path = sys.argv[1]
sys.path.insert(0, __import__("os").path.dirname(path))
t0 = time.perf_counter()
runpy.run_path(path, run_name="__mp_main__")
print(json.dumps(time.perf_counter() - t0))
"""


def measure(program, runs, python):
    """Import seconds: the median over `runs` fresh interpreters."""
    imports = []
    for _ in range(runs):
        done = subprocess.run([python, "-c", PROBE, program], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"error: importing {program} as __mp_main__ failed:\n{done.stderr.strip()}")
        imports.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return statistics.median(imports)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("program", help="the program's main module (a .py file)")
    parser.add_argument("--runs", type=int, default=5, help="fresh interpreters to take the median of (1-100)")
    parser.add_argument("--python", default=sys.executable, help="the interpreter (default: this one)")
    args = parser.parse_args()
    if not 1 <= args.runs <= 100:
        parser.error(f"--runs {args.runs}: expected 1 to 100")
    if not os.path.isfile(args.program):
        parser.error(f"{args.program}: no such file")
    program = os.path.abspath(args.program)
    imported = measure(program, args.runs, args.python)
    baseline = measure(BASELINE, args.runs, args.python)
    print(f"# scripts/measure_main_module.py {args.program}: median of {args.runs} fresh interpreters,"
          f" {fmt_duration(imported)}, less calibrate_start.py's {fmt_duration(baseline)}")
    print(f"runtime.main_module: {{import: {fmt_duration(max(0.0, imported - baseline))}}}")


if __name__ == "__main__":
    main()
