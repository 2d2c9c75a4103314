#!/usr/bin/env python3
"""Run a gilsim scenario for real in CPython and record its timeline; calibrate this host.

    scripts/record.py run SCENARIO [--set k=v]... [--switch-interval D] [--variant NAME]...
                          [--repeat N] [--io sleep|echo] [--start-method fork|spawn|forkserver]
                          [--timeout S] --out DIR
    scripts/record.py calibrate --out FILE.yaml [--quick]
    scripts/record.py measure lock_release
    scripts/record.py measure semaphore

`run` executes every variant of the scenario, `--repeat` times, in the CPython that runs this
script, and writes DIR/<name>[.<variant>].rep<k>.trace.json in the trace format of
docs/trace-format.md, so `gilsim validate` can compare the simulated and the measured timelines.
`calibrate` measures this host into a machine profile (scenarios/profiles/*.yaml).
`measure` runs one of calibrate's measurements alone and prints its profile lines, to add a new
key to an existing profile without re-calibrating the host.

The scenario is read only through `scripts/gilsim export`, so the recorder executes exactly what
the simulator simulates (variants merged, overrides applied). Standard library only.

This file is only the entry point of the recorder, the package scripts/recorder/ (whose docstring
says how the steps run, how processes are laid out and how times are taken). It stays small:
spawn children run it again as their main module (multiprocessing's __mp_main__), and the
forkserver imports it once, so it imports at top level only what children run.
"""
import os
import sys

_SCRIPTS = os.path.dirname(os.path.abspath(__file__))
if _SCRIPTS not in sys.path:
    sys.path.insert(0, _SCRIPTS)
from recorder import children  # noqa: E402,F401  (child_main: what a child runs)

if __name__ == "__main__":
    from recorder.cli import main
    sys.exit(main(sys.argv[1:]))
