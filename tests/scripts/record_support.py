"""What the tests of scripts/record.py, the real-CPython recorder and host calibrator, share
(tests/scripts/test_record_*.py): paths, the simulator binary, running the recorder, reading
traces, and test cases that record a scenario.

Run from the repository root:  python3 -m unittest discover -s tests/scripts -p 'test_*.py'

They must pass on a loaded 2-core machine in well under a minute, so they check structure,
names, indices and loose bounds, never tight timings. Tests that compare with the simulator use
$GILSIM_BUILD/gilsim (GILSIM_BUILD defaults to build/, as in scripts/setup.sh). When GILSIM_BUILD is
set, as ctest sets it to the suite's build directory, a missing binary fails those tests; otherwise
they are skipped, saying so.

Importing this module puts scripts/ on sys.path, so that the tests can import the recorder's
modules (scripts/recorder/) and calibrate_calls.
"""

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RECORD = os.path.join(REPO, "scripts", "record.py")
GILSIM_BUILD = os.path.abspath(os.environ.get("GILSIM_BUILD") or os.path.join(REPO, "build"))
GILSIM = os.path.join(GILSIM_BUILD, "gilsim")
GILSIM_REQUIRED = bool(os.environ.get("GILSIM_BUILD"))  # ctest sets it (tests/CMakeLists.txt): a missing binary is an error

sys.dont_write_bytecode = True  # no scripts/__pycache__ from importing the recorder
sys.path.insert(0, os.path.join(REPO, "scripts"))

TS_DUR = re.compile(r'"ts":-?\d+\.\d{3},"dur":\d+\.\d{3},')
GILSIM_MISSING = f"{GILSIM} is not built (GILSIM_BUILD={os.environ.get('GILSIM_BUILD', 'unset')})"


def gilsim_available(test):
    """True if the simulator binary exists; if it does not, fails `test` when it is required."""
    if os.access(GILSIM, os.X_OK):
        return True
    if GILSIM_REQUIRED:
        test.fail(GILSIM_MISSING)
    return False


def needs_gilsim(method):
    """Runs `method` only if the simulator binary exists: skipped without it, failed if it is required."""
    @functools.wraps(method)
    def run(self, *args, **kwargs):
        if not gilsim_available(self):
            self.skipTest(GILSIM_MISSING)
        return method(self, *args, **kwargs)
    return run


def run_record(*args, timeout=120):
    return subprocess.run([sys.executable, RECORD, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=timeout, cwd=REPO)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def step_spans(trace):
    return [e for e in trace["traceEvents"] if e.get("ph") == "X" and e.get("cat") == "step"]


def step_key(event):
    a = event["args"]
    return (event["pid"], event["tid"], event["name"], a["process"], a["thread"], a["step"], a["step_index"],
            a["iteration"])


class TempDirTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="test_record_")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)

    def scenario(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def record_ok(self, *args):
        done = run_record(*args)
        self.assertEqual(done.returncode, 0, done.stderr)
        return done


class RecordedScenarioTest(unittest.TestCase):
    """Records SCENARIO (a YAML text) once, as NAME.yaml, for the tests of the class."""

    SCENARIO = NAME = None
    ARGS = ()  # more options for record.py run

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="test_record_")
        cls.path = os.path.join(cls.dir, cls.NAME + ".yaml")
        with open(cls.path, "w", encoding="utf-8") as f:
            f.write(cls.SCENARIO)
        out = os.path.join(cls.dir, "out")
        done = run_record("run", cls.path, "--repeat", "1", *cls.ARGS, "--out", out)
        if done.returncode != 0:
            shutil.rmtree(cls.dir, ignore_errors=True)
            raise AssertionError(done.stderr)
        cls.trace = load(os.path.join(out, cls.NAME + ".rep0.trace.json"))
        cls.spans = step_spans(cls.trace)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)


def simulate(test, path, *args):
    """The simulator's trace of the scenario at path."""
    sim_path = os.path.join(test.dir, "sim.json")
    subprocess.run([GILSIM, "run", path, "--trace", sim_path, *args], check=True, stdout=subprocess.DEVNULL,
                   cwd=REPO)
    return load(sim_path)


def export(path, *args):
    return json.loads(subprocess.run([GILSIM, "export", path, *args], check=True, stdout=subprocess.PIPE,
                                     cwd=REPO).stdout)["variants"][0]


def io_latencies(program, uniforms):
    """The seconds of every io call of a program of repeats and leaf steps, in execution order, as
    the recorder computes them: fixed ones as given, random ones from the thread's exported
    uniforms, each taking the next (scripts/recorder/runner.py make_io_arg)."""
    from recorder.program import compile_latency
    from recorder.runner import make_io_arg
    draw = make_io_arg(iter(uniforms).__next__, False)
    out = []

    def walk(steps):
        for step in steps:
            if step["kind"] == "io":
                latency = step["latency"]
                out.append(latency["latency_s"] if latency["distribution"] == "fixed" else draw(compile_latency(latency)))
            elif step["kind"] == "repeat":
                for _ in range(step["count"]):
                    walk(step["steps"])

    walk(program)
    return out
