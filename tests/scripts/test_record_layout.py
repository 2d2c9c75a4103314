"""Tests of scripts/record.py's layout, read from `gilsim export --layout`: the simulator's random
draws, instance naming and numbering, a pool's parent process and executor and feeder threads
(scripts/recorder/layout.py, sim/loader/LayoutJson.cpp).

Run from the repository root:  python3 -m unittest discover -s tests/scripts -p 'test_*.py'
(record_support.py says how they find the simulator).
"""

import os
import shutil
import subprocess
import tempfile
import unittest

from record_support import (
    REPO, GILSIM, TS_DUR, needs_gilsim, run_record, load, step_spans, step_key, TempDirTest, simulate, export,
    io_latencies)

from recorder.layout import instances


class DrawTest(TempDirTest):
    @needs_gilsim
    def test_recorder_latency_draws_equal_the_simulators_io_spans(self):
        # Two processes x two threads (four streams); fixed io in between must not draw.
        path = self.scenario("draws.yaml", """
name: draws
runtime: {seed: 7}
workload:
  processes:
    - name: p
      count: 2
      threads:
        - name: t
          count: 2
          program:
            - repeat:
                count: 4
                steps:
                  - io: {distribution: uniform, min: 1ms, max: 3ms}
                  - io: 500us
                  - repeat: {count: 2, steps: [{io: {distribution: exponential, mean: 2ms}}]}
                  - cpu: 10us
""")
        trace_path = os.path.join(self.dir, "sim.json")
        subprocess.run([GILSIM, "run", path, "--trace", trace_path], check=True, stdout=subprocess.DEVNULL, cwd=REPO)
        layout = instances(export(path, "--layout"))
        io_spans = {}
        for e in load(trace_path)["traceEvents"]:
            if e.get("ph") == "X" and e.get("cat") == "state" and e.get("name") == "io":
                io_spans.setdefault(e["tid"] - 1, []).append(e)
        threads = {t.index: t for p in layout for t in p.threads}
        self.assertEqual(sorted(io_spans), [0, 1, 2, 3])
        for thread, spans in io_spans.items():
            spans.sort(key=lambda e: e["ts"])
            simulated = [round(e["dur"] * 1000) for e in spans]
            # 4 x (uniform, 2 exponential) random calls: exactly as many draws as they take
            self.assertEqual(threads[thread].random_draws, 12)
            self.assertEqual(len(threads[thread].uniforms), 12)
            drawn = [round(x * 1e9) for x in io_latencies(threads[thread].program, threads[thread].uniforms)]
            self.assertEqual(len(drawn), 16)
            for k, (s, d) in enumerate(zip(simulated, drawn)):
                self.assertLessEqual(abs(s - d), 1, f"thread {thread} io call {k}: simulated {s} ns, drawn {d} ns")


NESTED = """
name: nested
runtime: {switch_interval: 5ms}
workload:
  processes:
    - name: p
      count: 2
      threads:
        - name: t
          count: 2
          program:
            - cpu: 100us
            - repeat:
                count: 2
                steps:
                  - repeat: {count: 3, steps: [{cpu: 50us}]}
                  - sleep: 200us
                  - io: 300us
                  - native: 100us
    - name: solo
      threads:
        - program: [{io: 1ms}]
"""


class NamingTest(unittest.TestCase):
    """One recording (fork) of replicated processes and threads with nested repeats, shared."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="test_record_")
        cls.path = os.path.join(cls.dir, "nested.yaml")
        with open(cls.path, "w", encoding="utf-8") as f:
            f.write(NESTED)
        cls.out = os.path.join(cls.dir, "out")
        done = run_record("run", cls.path, "--repeat", "1", "--out", cls.out)
        if done.returncode != 0:
            shutil.rmtree(cls.dir, ignore_errors=True)
            raise AssertionError(done.stderr)
        cls.trace = load(os.path.join(cls.out, "nested.rep0.trace.json"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_instances_are_named_and_numbered_as_the_format_says(self):
        spans = step_spans(self.trace)
        tracks = sorted({(e["pid"], e["tid"], e["args"]["process"], e["args"]["thread"]) for e in spans})
        self.assertEqual(tracks, [(1, 2000001, "p[0]", "t[0]"), (1, 2000002, "p[0]", "t[1]"),
                                  (2, 2000003, "p[1]", "t[0]"), (2, 2000004, "p[1]", "t[1]"),
                                  (3, 2000005, "solo", "t0")])
        names = {(e["pid"], e["name"]): e["args"]["name"] for e in self.trace["traceEvents"]
                 if e["ph"] == "M" and e["name"] == "process_name"}
        self.assertEqual(names, {(1, "process_name"): "p[0]", (2, "process_name"): "p[1]",
                                 (3, "process_name"): "solo"})

    def test_every_process_records_start_and_all_its_steps(self):
        spans = step_spans(self.trace)
        self.assertEqual({e["pid"] for e in spans}, {1, 2, 3})
        per_thread = {}
        for e in spans:
            per_thread.setdefault(e["tid"], []).append(e)
        # start + cpu + 2 x (3 cpu + sleep + io + native) = 14; solo: start + io.
        self.assertEqual({tid: len(v) for tid, v in per_thread.items()},
                         {2000001: 14, 2000002: 14, 2000003: 14, 2000004: 14, 2000005: 2})
        for tid, events in per_thread.items():
            start = events[0]
            self.assertEqual((start["name"], start["args"]["step"], start["args"]["step_index"],
                              start["args"]["iteration"]), ("start", "start", -1, 0))
            times = [(e["ts"], e["ts"] + e["dur"]) for e in events]
            for (_, end), (begin, _) in zip(times, times[1:]):
                self.assertLessEqual(end, begin + 1e-3, f"spans of track {tid} overlap")

    def test_step_index_is_preorder_and_iteration_counts_executions(self):
        events = [e for e in step_spans(self.trace) if e["tid"] == 2000004]
        got = [(e["name"], e["args"]["step"], e["args"]["step_index"], e["args"]["iteration"]) for e in events]
        expected = [("start", "start", -1, 0), ("cpu", "cpu 100us", 0, 0)]
        for i in range(2):  # repeat x2 is index 1, the inner repeat x3 index 2
            expected += [("cpu", "cpu 50us", 3, 3 * i + j) for j in range(3)]
            expected += [("sleep", "sleep 200us", 4, i), ("io", "io 300us", 5, i), ("native", "native 100us", 6, i)]
        self.assertEqual(got, expected)

    @needs_gilsim
    def test_step_keys_are_exactly_the_simulators(self):
        sim_path = os.path.join(self.dir, "sim.json")
        subprocess.run([GILSIM, "run", self.path, "--trace", sim_path], check=True, stdout=subprocess.DEVNULL,
                       cwd=REPO)
        simulated = sorted(step_key(e) for e in step_spans(load(sim_path)))
        measured = sorted(step_key(e) for e in step_spans(self.trace))
        self.assertEqual(measured, simulated)

    def test_times_are_microseconds_with_three_decimals(self):
        with open(os.path.join(self.out, "nested.rep0.trace.json"), encoding="utf-8") as f:
            lines = [line for line in f if '"cat":"step"' in line]
        self.assertTrue(lines)
        for line in lines:
            self.assertRegex(line, TS_DUR)


class PoolTest(TempDirTest):
    """A processes strategy: the parent process's MainThread starts the pool's workers while its
    task and result handlers run (the simulator's Strategies.cpp)."""

    SCENARIO = """
name: pool
batch: {tasks: 4, program: [{cpu: 1ms}], input: 4KiB, output: 1KiB}
strategies: [{processes: {workers: 1, start_method: fork}}]
"""

    @needs_gilsim
    def test_the_parent_process_is_laid_out_as_the_simulator_does(self):
        path = self.scenario("pool.yaml", self.SCENARIO)
        out = os.path.join(self.dir, "out")
        done = run_record("run", path, "--repeat", "1", "--out", out)
        self.assertEqual(done.returncode, 0, done.stderr)
        spans = step_spans(load(os.path.join(out, "pool.processes-1-fork.rep0.trace.json")))
        self.assertEqual(sorted(step_key(e) for e in spans), sorted(step_key(e) for e in step_spans(simulate(self, path))))


class LayoutTest(TempDirTest):
    @needs_gilsim
    def test_executor_and_feeder_threads_and_a_started_process_take_the_simulators_indices(self):
        path = self.scenario("layout.yaml", """
name: layout
machine: {cores: 2}
workload:
  channels: [{name: q, kind: mp_queue}]
  processes:
    - name: app
      threads:
        - name: a
          program: [{asyncio: {tasks: 2, program: [{run_in_executor: [{cpu: 1ms}]}]}}]
        - name: b
          program: [{put: {channel: q}}]
        - name: r
          program: [{repeat: {count: 2, steps: [{get: q}]}}]
    - name: w
      count: 2
      start_method: fork
      threads:
        - name: c
          program: [{put: {channel: q}}]
""")
        layout = instances(export(path, "--layout"))
        got = [(p.name, t.index, t.name, t.role) for p in layout for t in p.threads]
        self.assertEqual(got, [("main", 0, "MainThread", "main"),  # a synthesized parent starts w[0] and w[1]
                               ("app", 1, "a", "program"),
                               # ThreadPoolExecutor's default: min(32, cpus + 4) with the scenario's cpus
                               ("app", 2, "a-executor[0]", "executor"), ("app", 3, "a-executor[1]", "executor"),
                               ("app", 4, "a-executor[2]", "executor"), ("app", 5, "a-executor[3]", "executor"),
                               ("app", 6, "a-executor[4]", "executor"), ("app", 7, "a-executor[5]", "executor"),
                               ("app", 8, "b", "program"), ("app", 9, "r", "program"),
                               ("app", 10, "QueueFeederThread q", "feeder"),
                               ("w[0]", 11, "c", "program"), ("w[0]", 12, "QueueFeederThread q", "feeder"),
                               ("w[1]", 13, "c", "program"), ("w[1]", 14, "QueueFeederThread q", "feeder")])
        self.assertEqual([t.index for t in layout[1].threads[0].executors], [2, 3, 4, 5, 6, 7])
        self.assertEqual(layout[0].threads[0].table,
                         [("process_start", "Process.start() w[0] (fork)"),
                          ("process_start", "Process.start() w[1] (fork)"), ("join", "join() w[0]"),
                          ("join", "join() w[1]")])
        self.assertEqual([(p.synthesized, p.parent, p.start_method) for p in layout],
                         [(True, False, None), (False, False, None), (False, False, "fork"), (False, False, "fork")])


if __name__ == "__main__":
    unittest.main()
