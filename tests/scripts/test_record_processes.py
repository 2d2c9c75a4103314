"""Tests of scripts/record.py's processes, locks and channels: started processes, contended
locks, channels that close, and runs that fail (scripts/recorder/children.py, channels.py).

Run from the repository root:  python3 -m unittest discover -s tests/scripts -p 'test_*.py'
(record_support.py says how they find the simulator).
"""

import os
import subprocess
import unittest

from record_support import (
    REPO, GILSIM, needs_gilsim, run_record, load, step_spans, step_key, TempDirTest, RecordedScenarioTest, export,
    io_latencies)

from recorder.layout import instances


STARTED = """
name: started
runtime: {seed: 5}
workload:
  processes:
    - name: app
      threads:
        - name: holder
          program: [{lock: db}, {sleep: 20ms}, {unlock: db}]
        - name: waiter
          program: [{sleep: 2ms}, {lock: db}, {cpu: 1ms}, {unlock: db}]
    - name: w
      count: 2
      start_method: fork
      threads: [{name: main, program: [{io: {distribution: uniform, min: 1ms, max: 3ms}}, {cpu: 1ms}]}]
"""


class StartMethodAndLockTest(RecordedScenarioTest):
    """Processes with a start_method are started by a synthesized parent, as in the simulator."""

    SCENARIO, NAME = STARTED, "started"

    def by_thread(self, process, thread):
        return [e for e in self.spans if (e["args"]["process"], e["args"]["thread"]) == (process, thread)]

    def test_main_thread_starts_then_joins_the_started_processes(self):
        main = self.by_thread("main", "MainThread")
        self.assertEqual([(e["pid"], e["tid"], e["name"], e["args"]["step"], e["args"]["step_index"]) for e in main],
                         [(1, 2000001, "start", "start", -1),
                          (1, 2000001, "process_start", "Process.start() w[0] (fork)", 0),
                          (1, 2000001, "process_start", "Process.start() w[1] (fork)", 1),
                          (1, 2000001, "join", "join() w[0]", 2), (1, 2000001, "join", "join() w[1]", 3)])
        for k in (0, 1):
            child_start = self.by_thread(f"w[{k}]", "main")[0]
            self.assertEqual(child_start["name"], "start")
            self.assertEqual(child_start["ts"], main[1 + k]["ts"])  # from the parent's Process.start()
            last = self.by_thread(f"w[{k}]", "main")[-1]
            self.assertLessEqual(last["ts"] + last["dur"], main[3 + k]["ts"] + main[3 + k]["dur"] + 1e-3)

    def test_a_contended_lock_step_waits_for_the_holder(self):
        holder = {e["args"]["step"]: e for e in self.by_thread("app", "holder")}
        waiter = {e["args"]["step"]: e for e in self.by_thread("app", "waiter")}
        lock_wait_end = waiter["lock db"]["ts"] + waiter["lock db"]["dur"]
        self.assertGreaterEqual(lock_wait_end, holder["unlock db"]["ts"])
        self.assertGreater(waiter["lock db"]["dur"], 5000)  # the holder keeps it ~18 ms longer

    @needs_gilsim
    def test_keys_and_random_streams_are_the_simulators(self):
        sim_path = os.path.join(self.dir, "sim.json")
        subprocess.run([GILSIM, "run", self.path, "--trace", sim_path], check=True, stdout=subprocess.DEVNULL,
                       cwd=REPO)
        sim = load(sim_path)
        self.assertEqual(sorted(step_key(e) for e in self.spans), sorted(step_key(e) for e in step_spans(sim)))
        # The synthesized MainThread is thread 0, so the workers' streams are 3 and 4.
        layout = instances(export(self.path, "--layout"))
        for t in (t for p in layout if p.name.startswith("w[") for t in p.threads):
            simulated = [e["dur"] for e in sim["traceEvents"]
                         if e.get("cat") == "state" and e["name"] == "io" and e["tid"] == t.index + 1]
            drawn = io_latencies(t.program, t.uniforms)
            self.assertEqual(len(simulated), 1)
            self.assertLessEqual(abs(round(simulated[0] * 1000) - round(drawn[0] * 1e9)), 1)


CHANNELS = """
name: channels
workload:
  channels: [{name: jobs, kind: pipe}, {name: local, kind: queue}, {name: mpq, kind: mp_queue}]
  processes:
    - name: producer
      threads:
        - name: main
          program:
            - repeat: {count: 5, steps: [{cpu: 1ms}, {put: {channel: jobs, bytes: 4KiB, objects: 10}},
                                         {put: {channel: mpq, bytes: 1KiB}}]}
    - name: consumer
      count: 2
      threads:
        - name: main
          program:
            - consume: {channel: jobs, steps: [{put: {channel: local, bytes: 100B}}]}
        - name: helper
          program:
            - consume: {channel: local, steps: [{cpu: 1ms}]}
    - name: sink
      threads:
        - name: main
          program: [{consume: {channel: mpq, steps: [{cpu: 100us}]}}]
"""


class ChannelTest(RecordedScenarioTest):
    """put/get/consume on queue.Queue, pipes and multiprocessing.Queue, as the simulator runs them."""

    SCENARIO, NAME = CHANNELS, "channels"

    def test_every_message_is_consumed_once_and_each_consume_ends_when_its_channel_closes(self):
        def count(kind, channel_thread):
            return sum(1 for e in self.spans if e["name"] == kind and e["args"]["thread"] == channel_thread)
        # 5 messages on the pipe, shared by two consumers: 5 handled plus one closing receive each.
        jobs = [e for e in self.spans if e["name"] == "consume" and e["args"]["thread"] == "main"
                and e["args"]["process"].startswith("consumer")]
        self.assertEqual(len(jobs), 5 + 2)
        self.assertEqual(count("put", "main"), 5 + 5 + 5)  # producer: 10; consumers forward 5 to local
        self.assertEqual(sum(1 for e in self.spans if e["name"] == "consume" and e["args"]["process"] == "sink"), 6)

    @needs_gilsim
    def test_step_keys_are_the_simulators(self):
        sim_path = os.path.join(self.dir, "sim.json")
        subprocess.run([GILSIM, "run", self.path, "--trace", sim_path], check=True, stdout=subprocess.DEVNULL,
                       cwd=REPO)
        # How the 5 pipe messages split between the two consumers may differ; the totals may not.
        # multiprocessing.Queue's feeder thread is real but internal: only the simulator records it.
        def keys(spans):
            return sorted((e["args"]["process"].split("[")[0], e["args"]["thread"], e["args"]["step_index"])
                          for e in spans if not e["args"]["thread"].startswith("QueueFeederThread"))
        self.assertEqual(keys(self.spans), keys(step_spans(load(sim_path))))


class RunFailureTest(TempDirTest):
    def assert_fails(self, path, message, *args):
        out = os.path.join(self.dir, "out")
        done = run_record("run", path, "--repeat", "1", *args, "--out", out)
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn(message, done.stderr)
        self.assertFalse(os.path.exists(out), "nothing may be written")

    def test_a_get_on_a_closed_channel_fails_the_run_as_a_deadlock(self):
        path = self.scenario("dead.yaml", """
name: dead
workload:
  channels: [{name: q, kind: pipe}]
  processes:
    - {name: a, threads: [{program: [{put: {channel: q, bytes: 1KiB}}]}]}
    - {name: b, threads: [{name: r, program: [{get: q}, {get: q}]}]}
""")
        self.assert_fails(path, "b/r: get on channel 'q': every thread that puts to it has finished and it is empty")

    def test_a_get_on_a_closed_asyncio_queue_fails_the_run_as_a_deadlock(self):
        path = self.scenario("adead.yaml", """
name: adead
workload:
  processes:
    - threads:
        - name: loop
          program:
            - asyncio:
                queues: [{name: jobs}]
                coroutines:
                  - {name: producer, program: [{put: {channel: jobs}}]}
                  - {name: consumer, count: 2, program: [{get: jobs}]}
""")
        self.assert_fails(path, "get on asyncio queue 'jobs': every coroutine that puts to it has returned")

    def test_a_run_that_never_ends_fails_after_the_timeout(self):
        # The writer's second 1 MiB message fills the pipe, and nobody reads it.
        path = self.scenario("stuck.yaml", """
name: stuck
workload:
  channels: [{name: q, kind: pipe}]
  processes:
    - threads:
        - {name: w, program: [{repeat: {count: 3, steps: [{put: {channel: q, bytes: 1MiB}}]}}]}
        - {name: r, program: [{get: q}]}
""")
        self.assert_fails(path, "did not finish within 1.5 s (--timeout); still running: p0/w", "--timeout", "1.5")


if __name__ == "__main__":
    unittest.main()
