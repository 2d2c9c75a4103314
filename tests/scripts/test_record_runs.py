"""Tests of scripts/record.py run: whole recordings, and the scenarios it refuses before running
(scripts/recorder/run.py, validate.py).

Run from the repository root:  python3 -m unittest discover -s tests/scripts -p 'test_*.py'
(record_support.py says how they find the simulator).
"""

import json
import os
import subprocess
import sys
import unittest

from record_support import REPO, GILSIM, gilsim_available, run_record, load, step_spans, TempDirTest

from recorder.common import ScenarioRefused
from recorder.kernels import CPU_CHUNK, GIL_PAUSE_NS
from recorder.validate import validate_export


class RecordingTest(TempDirTest):
    def test_two_cpu_threads_give_a_valid_trace_with_plausible_cpu_spans(self):
        path = self.scenario("two.yaml", """
name: two-cpu
runtime: {switch_interval: 5ms}
workload:
  processes:
    - name: app
      threads: [{name: w, count: 2, program: [{cpu: 20ms}]}]
""")
        out = os.path.join(self.dir, "out")
        self.record_ok("run", path, "--repeat", "1", "--out", out)
        self.assertEqual(os.listdir(out), ["two-cpu.rep0.trace.json"])
        trace = load(os.path.join(out, "two-cpu.rep0.trace.json"))
        self.assertEqual(trace["displayTimeUnit"], "ms")
        other = trace["otherData"]
        self.assertEqual(list(other), ["source", "scenario", "variant", "cores", "smt", "switch_interval_s", "host",
                                       "recorder", "gil_runs"])
        self.assertEqual(other["gil_runs"], {"steps": "cpu", "min_pause_ns": GIL_PAUSE_NS,
                                             "chunk_iterations": CPU_CHUNK})
        self.assertEqual((other["source"], other["scenario"], other["variant"], other["switch_interval_s"]),
                         ("measured", "two-cpu", "", 0.005))
        self.assertEqual(set(other["host"]), {"cpu_model", "logical_cpus", "physical_cores", "threads_per_core",
                                              "python_version", "python_implementation", "gil_enabled", "kernel",
                                              "start_method", "python_executable", "python_cflags",
                                              "python_config_sha1"})
        recorder = other["recorder"]
        self.assertEqual((recorder["io_mode"], recorder["repetition"], recorder["repetitions"]), ("sleep", 0, 1))
        self.assertGreater(recorder["cpu_unit_ns"], 0)
        self.assertGreater(recorder["native_iterations_per_s"], 0)
        self.assertIn("record.py run", recorder["command"])
        self.assertGreaterEqual(recorder["other_processes_cpu_share"], 0)
        spans = step_spans(trace)
        self.assertEqual(sorted((e["args"]["thread"], e["name"]) for e in spans),
                         [("w[0]", "cpu"), ("w[0]", "start"), ("w[1]", "cpu"), ("w[1]", "start")])
        self.assertEqual(min(e["ts"] for e in spans), 0.0)  # t0: the first Thread.start()
        cpu = [e["dur"] / 1e3 for e in spans if e["name"] == "cpu"]  # ms
        # 20 ms of work each (calibrated on a possibly busier or quieter moment): loose bounds.
        for duration in cpu:
            self.assertGreater(duration, 5)
        self.assertGreater(sum(cpu), 20)
        self.assertLess(sum(cpu), 5000)
        makespan = max(e["ts"] + e["dur"] for e in spans) / 1e3
        self.assertGreaterEqual(makespan, max(cpu))
        # GIL runs: python spans on each thread's state track, inside its cpu step, one GIL at a time.
        runs = [e for e in trace["traceEvents"] if e.get("cat") == "state"]
        self.assertEqual({(e["name"], e["tid"], e["args"]["step_index"], e["args"]["iteration"]) for e in runs},
                         {("python", 1, 0, 0), ("python", 2, 0, 0)})
        for e in runs:
            step = next(s for s in spans if s["tid"] == 2000000 + e["tid"] and s["name"] == "cpu")
            self.assertGreaterEqual(e["ts"], step["ts"])
            self.assertLessEqual(e["ts"] + e["dur"], step["ts"] + step["dur"])
        python = sum(e["dur"] for e in runs) / 1e3
        self.assertLessEqual(python, sum(cpu))
        self.assertLessEqual(python, makespan * 1.01)  # one GIL: the runs barely overlap
        if gilsim_available(self):  # validate reads them and compares the GIL
            done = subprocess.run([GILSIM, "validate", path, "--measured", os.path.join(out, "two-cpu.rep0.trace.json"),
                                   "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
            self.assertIn(done.returncode, (0, 1), done.stderr)
            gil = json.loads(done.stdout)["reports"][0]["gil"]
            self.assertTrue(gil["available"])
            self.assertEqual([h["process"] for h in gil["handovers"]], ["app"])

    def test_variants_and_repetitions_name_the_files(self):
        path = self.scenario("v.yaml", """
name: tiny
workload:
  processes: [{threads: [{program: [{sleep: 1ms}]}]}]
variants:
  - name: a
  - name: b
    runtime: {switch_interval: 1ms}
""")
        out = os.path.join(self.dir, "out")
        self.record_ok("run", path, "--repeat", "2", "--out", out)
        self.assertEqual(sorted(os.listdir(out)), ["tiny.a.rep0.trace.json", "tiny.a.rep1.trace.json",
                                                   "tiny.b.rep0.trace.json", "tiny.b.rep1.trace.json"])
        b = load(os.path.join(out, "tiny.b.rep1.trace.json"))["otherData"]
        self.assertEqual((b["variant"], b["switch_interval_s"], b["recorder"]["repetition"]), ("b", 0.001, 1))
        only = os.path.join(self.dir, "only")
        self.record_ok("run", path, "--repeat", "1", "--variant", "b", "--switch-interval", "2ms",
                       "--set", "workload.processes[0].threads[0].count=2", "--out", only)
        self.assertEqual(os.listdir(only), ["tiny.b.rep0.trace.json"])
        trace = load(os.path.join(only, "tiny.b.rep0.trace.json"))
        self.assertEqual(trace["otherData"]["switch_interval_s"], 0.002)
        self.assertEqual({e["args"]["thread"] for e in step_spans(trace)}, {"t0[0]", "t0[1]"})

    def test_processes_without_start_method_run_from_time_zero_in_spawned_children(self):
        path = self.scenario("procs.yaml", """
name: procs
workload:
  processes:
    - name: worker
      count: 2
      threads: [{name: main, program: [{cpu: 2ms}, {sleep: 1ms}]}]
""")
        out = os.path.join(self.dir, "out")
        self.record_ok("run", path, "--repeat", "1", "--start-method", "spawn", "--out", out)
        trace = load(os.path.join(out, "procs.rep0.trace.json"))
        self.assertEqual(trace["otherData"]["host"]["start_method"], "spawn")
        spans = step_spans(trace)
        self.assertEqual(sorted((e["pid"], e["args"]["process"], e["name"]) for e in spans),
                         [(1, "worker[0]", "cpu"), (1, "worker[0]", "sleep"), (1, "worker[0]", "start"),
                          (2, "worker[1]", "cpu"), (2, "worker[1]", "sleep"), (2, "worker[1]", "start")])
        # Started (spawn: ~50 ms each) before t0 and released together at t0, as the simulator
        # has them running from time 0: no start-up cost in the timeline.
        for e in spans:
            if e["name"] == "start":
                self.assertLess(e["ts"], 10_000)

    def test_echo_io_waits_at_least_the_latency(self):
        path = self.scenario("echo.yaml", """
name: echo
workload:
  processes: [{threads: [{name: c, count: 2, program: [{repeat: {count: 3, steps: [{io: 2ms}]}}]}]}]
""")
        out = os.path.join(self.dir, "out")
        self.record_ok("run", path, "--repeat", "1", "--io", "echo", "--out", out)
        trace = load(os.path.join(out, "echo.rep0.trace.json"))
        self.assertEqual(trace["otherData"]["recorder"]["io_mode"], "echo")
        io = [e["dur"] for e in step_spans(trace) if e["name"] == "io"]
        self.assertEqual(len(io), 6)
        for duration in io:
            self.assertGreaterEqual(duration, 2000)
            self.assertLess(duration, 2000 + 500_000)


class RefusalTest(TempDirTest):
    def assert_refused(self, path, message, status=2):
        out = os.path.join(self.dir, "out")
        done = run_record("run", path, "--repeat", "1", "--out", out)
        self.assertEqual(done.returncode, status, done.stderr)
        self.assertIn(f"record.py: error: {path}: ", done.stderr)
        self.assertIn(message, done.stderr)
        self.assertFalse(os.path.exists(out), "nothing may be written")

    def test_an_invalid_scenario_writes_nothing_and_exits_2(self):
        self.assert_refused(os.path.join(REPO, "scenarios", "invalid", "unknown_key.yaml"), "gilsim export failed")

    def test_interpreter_queues_and_unwritten_channels_are_refused_before_running(self):
        path = self.scenario("iq.yaml", """
name: iq
workload:
  channels: [{name: q, kind: interpreter_queue}]
  processes: [{threads: [{program: [{put: {channel: q, bytes: 1KiB}}]}, {program: [{get: q}]}]}]
""")
        self.assert_refused(path, "channel kind 'interpreter_queue' is not supported by the recorder (it runs: queue, "
                                  "pipe, mp_queue): queues between sub-interpreters need Python 3.13+")
        path = self.scenario("unwritten.yaml", """
name: unwritten
workload:
  channels: [{name: q, kind: queue}]
  processes: [{threads: [{program: [{cpu: 1ms}, {get: q}]}]}]
""")
        self.assert_refused(path, "channel 'q' is read but no thread puts to it")

    def test_random_io_latencies_in_coroutines_are_refused_before_running(self):
        path = self.scenario("arand.yaml", """
name: arand
workload:
  processes: [{threads: [{program: [{asyncio: {tasks: 2, program: [{io: {distribution: uniform, min: 1ms, max: 2ms}}]}}]}]}]
""")
        self.assert_refused(path, "an io step with a uniform latency in an asyncio coroutine is not supported")

    def test_process_pool_executors_and_blocking_channel_calls_in_coroutines_are_refused_before_running(self):
        seed = os.path.join(REPO, "scenarios", "seed")
        self.assert_refused(os.path.join(seed, "executor_chunksize.yaml"),
                            "concurrent.futures.ProcessPoolExecutor (the processes strategy with api: executor) is "
                            "not supported by the recorder yet")
        self.assert_refused(os.path.join(seed, "asyncio_offload.yaml"),
                            "run_in_executor on a ProcessPoolExecutor (executor kind processes, the "
                            "asyncio+processes strategy) is not supported by the recorder yet")
        self.assert_refused(os.path.join(REPO, "tests", "fixtures", "asyncio_blocking_get.yaml"),
                            "a get on channel 'jobs' in an asyncio coroutine (a blocking call on a thread or process "
                            "channel, which stalls the loop) is not supported by the recorder")

    def test_sub_interpreters_are_refused_before_running(self):
        path = self.scenario("sub.yaml", """
name: sub
workload:
  processes: [{threads: [{interpreter: a, program: [{cpu: 1ms}]}, {interpreter: b, program: [{cpu: 1ms}]}]}]
""")
        self.assert_refused(path, "sub-interpreters")

    @unittest.skipUnless(getattr(sys, "_is_gil_enabled", lambda: True)(), "this Python is free-threaded")
    def test_a_free_threaded_scenario_is_refused_on_a_python_with_a_gil(self):
        path = self.scenario("ft.yaml", """
name: ft
runtime: {build: free-threaded}
workload:
  processes: [{threads: [{program: [{cpu: 1ms}]}]}]
""")
        self.assert_refused(path, "runtime.build: the scenario wants the free-threaded build")

    def test_a_scenario_of_another_python_version_is_refused(self):
        other = "3.14" if sys.version_info[:2] != (3, 14) else "3.13"
        path = self.scenario("version.yaml", f"""
name: version
runtime: {{python: "{other}"}}
workload:
  processes: [{{threads: [{{program: [{{cpu: 1ms}}]}}]}}]
""")
        self.assert_refused(path, f"runtime.python: the scenario simulates CPython {other}")

    def test_a_cpu_step_without_eval_breaker_checks_is_refused(self):
        path = self.scenario("unchecked.yaml", """
name: unchecked
workload:
  processes: [{threads: [{program: [{cpu: {time: 1ms, eval_breaker: false}}]}]}]
""")
        self.assert_refused(path, "a cpu step without eval-breaker checks is not supported by the recorder")

    def test_more_steps_than_a_real_run_can_record_are_refused(self):
        path = self.scenario("huge.yaml", """
name: huge
workload:
  processes: [{threads: [{program: [{repeat: {count: 3000000, steps: [{cpu: 1ns}]}}]}]}]
""")
        self.assert_refused(path, "the recorder records at most")

    def test_an_unknown_step_kind_or_key_in_the_export_is_refused(self):
        variant = {"name": "x", "variant": "", "runtime": {"switch_interval_s": 0.005, "seed": 1},
                   "processes": [{"name": "p", "count": 1, "threads": [
                       {"name": "t", "count": 1, "program": [{"label": "barrier", "kind": "barrier"}]}]}]}
        with self.assertRaisesRegex(ScenarioRefused, r"program\[0\]: step kind 'barrier' is not supported"):
            validate_export({"variants": [variant]})
        variant["processes"][0]["threads"][0]["program"] = [
            {"label": "cpu 1s", "kind": "cpu", "seconds": 1, "payload": 10}]
        with self.assertRaisesRegex(ScenarioRefused, "cannot execute 'payload'"):
            validate_export({"variants": [variant]})

    def test_an_unusable_output_directory_fails_with_exit_1(self):
        path = self.scenario("ok.yaml", "name: ok\nworkload: {processes: [{threads: [{program: [{sleep: 1ms}]}]}]}\n")
        blocker = os.path.join(self.dir, "file")
        open(blocker, "w").close()
        done = run_record("run", path, "--repeat", "1", "--out", os.path.join(blocker, "sub"))
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn("record.py: error: ", done.stderr)


if __name__ == "__main__":
    unittest.main()
