"""Tests of scripts/record.py's asyncio steps, run_in_executor and native code with internal
threads (scripts/recorder/asyncio_step.py).

Run from the repository root:  python3 -m unittest discover -s tests/scripts -p 'test_*.py'
(record_support.py says how they find the simulator).
"""

import math
import unittest

from record_support import needs_gilsim, step_spans, step_key, RecordedScenarioTest, simulate, export

from recorder.layout import instances


MIXED = """
name: mixed
runtime: {seed: 3}
workload:
  channels: [{name: jobs, kind: pipe}, {name: done, kind: mp_queue}, {name: local, kind: queue}]
  processes:
    - name: front
      threads:
        - name: loop
          program:
            - asyncio:
                tasks: 6
                executor_threads: 2
                program:
                  - cpu: 200us
                  - io: 2ms
                  - run_in_executor: [{cpu: 200us}, {io: {distribution: uniform, min: 1ms, max: 3ms}},
                                      {native: {time: 1ms, threads: 2}}]
                  - sleep: 1ms
            - repeat: {count: 4, steps: [{put: {channel: jobs, bytes: 8KiB, objects: 5}}]}
            - native: {time: 3ms, threads: 3}
        - name: collector
          program: [{repeat: {count: 4, steps: [{get: done}]}}]
    - name: back
      threads:
        - name: worker
          program:
            - repeat:
                count: 2
                steps:
                  - consume:
                      channel: jobs
                      steps:
                        - io: {distribution: exponential, mean: 1ms}
                        - put: {channel: local, bytes: 100B}
                        - put: {channel: done, bytes: 1KiB}
        - name: sink
          program: [{consume: {channel: local, steps: [{cpu: 100us}]}}]
"""


class AsyncioAndNativeThreadsTest(RecordedScenarioTest):
    """asyncio with run_in_executor, native code with internal threads, io drawn inside consume
    bodies, a consume that finds its channel closed, one consumer per channel (deterministic keys)."""

    SCENARIO, NAME = MIXED, "mixed"

    def thread(self, name):
        return [e for e in self.spans if e["args"]["thread"] == name]

    @needs_gilsim
    def test_step_keys_and_tracks_are_exactly_the_simulators(self):
        simulated = [e for e in step_spans(simulate(self, self.path))
                     if not e["args"]["thread"].startswith("QueueFeederThread")]  # multiprocessing's own
        self.assertEqual(sorted(step_key(e) for e in self.spans), sorted(step_key(e) for e in simulated))

    def test_asyncio_is_one_span_and_its_executor_threads_start_lazily(self):
        loop = self.thread("loop")
        self.assertEqual([(e["name"], e["args"]["step"]) for e in loop],
                         [("start", "start"), ("asyncio", "asyncio x6")] + [("put", "put jobs")] * 4
                         + [("native", "native 3ms x3")])
        asyncio_step = loop[1]
        # 6 tasks: cpu, awaited io, an offloaded blocking function on 2 threads, awaited sleep
        self.assertGreater(asyncio_step["dur"], 3000)
        for name in ("loop-executor[0]", "loop-executor[1]"):
            start, worker = self.thread(name)
            self.assertEqual((start["name"], worker["name"], worker["args"]["step"], worker["args"]["step_index"]),
                             ("start", "executor_worker", "executor worker", 0))
            # ThreadPoolExecutor starts its threads on submits, inside the asyncio step
            self.assertGreaterEqual(start["ts"], asyncio_step["ts"])
            self.assertLessEqual(start["ts"], asyncio_step["ts"] + asyncio_step["dur"])
            # ... and they leave when the loop thread ends, as the simulator's
            self.assertGreaterEqual(worker["ts"] + worker["dur"], loop[-1]["ts"] + loop[-1]["dur"] - 1)

    def test_a_consume_ends_each_time_its_channel_is_closed(self):
        consumes = [e["args"]["iteration"] for e in self.thread("worker") if e["name"] == "consume"]
        self.assertEqual(consumes, list(range(6)))  # 4 messages + closing, then closed at once
        self.assertEqual(sum(1 for e in self.thread("sink") if e["name"] == "consume"), 5)
        self.assertEqual(sum(1 for e in self.thread("collector") if e["name"] == "get"), 4)

    @needs_gilsim
    def test_latencies_drawn_per_message_and_per_executor_thread_are_the_simulators(self):
        sim = simulate(self, self.path)
        layout = instances(export(self.path, "--layout"))
        names = {t.name: t for p in layout for t in p.threads}
        for name, mean in (("worker", 1e-3), ("loop-executor[0]", None), ("loop-executor[1]", None)):
            t = names[name]
            simulated = [e["dur"] for e in sorted(sim["traceEvents"], key=lambda e: e.get("ts", 0))
                         if e.get("cat") == "state" and e["name"] == "io" and e["tid"] == t.index + 1
                         and not e["args"]["step"].startswith(("consume ", "get ", "put ", "feed "))]  # pipe copies
            # the exported draws: at least as many as the run takes, the first ones in its order
            self.assertGreaterEqual(len(t.uniforms), len(simulated), name)
            uniforms = t.uniforms[:len(simulated)]
            if mean:  # exponential(1 ms)
                drawn = [-mean * math.log(1 - u) for u in uniforms]
            else:  # uniform(1 ms, 3 ms)
                drawn = [1e-3 + 2e-3 * u for u in uniforms]
            self.assertTrue(simulated, name)
            for s, d in zip(simulated, drawn):
                self.assertLessEqual(abs(round(s * 1000) - round(d * 1e9)), 1, name)
        # the recorder's io spans inside consume wait at least their draws
        recorded = [e["dur"] for e in self.thread("worker") if e["name"] == "io"]
        drawn = [-1e-3 * math.log(1 - u) for u in names["worker"].uniforms[:4]]
        for r, d in zip(recorded, drawn):
            self.assertGreaterEqual(r, d * 1e6 - 1)


class AsyncioEchoTest(RecordedScenarioTest):
    """--io echo: the coroutines' io is a stream to the echo server, on a connection per task."""

    SCENARIO, NAME, ARGS = """
name: aecho
workload:
  processes:
    - threads:
        - name: loop
          program:
            - asyncio: {tasks: 3, program: [{io: 5ms}, {cpu: 100us}, {run_in_executor: [{io: 2ms}]}]}
""", "aecho", ("--io", "echo")

    def test_the_waits_overlap_and_take_at_least_their_latency(self):
        step = next(e for e in self.spans if e["name"] == "asyncio")
        self.assertGreaterEqual(step["dur"], 7000)
        self.assertLess(step["dur"], 3 * 7000 + 500_000)  # the three 5 ms waits overlap
        self.assertEqual(self.trace["otherData"]["recorder"]["io_mode"], "echo")


class AsyncioQueueAndLockTest(RecordedScenarioTest):
    """asyncio.Queue and asyncio.Lock: a producer and two consumers on one loop, the consumers'
    I/O serialised by a lock; the queue closes when the producer returns."""

    SCENARIO, NAME = """
name: aqueue
workload:
  processes:
    - threads:
        - name: loop
          program:
            - asyncio:
                queues: [{name: jobs, maxsize: 2}]
                executor_threads: 1
                coroutines:
                  - name: producer
                    program: [{repeat: {count: 6, steps: [{cpu: 200us}, {put: {channel: jobs}}]}}]
                  - name: consumer
                    count: 2
                    program:
                      - consume:
                          channel: jobs
                          steps: [{lock: db}, {sleep: 5ms}, {unlock: db}, {run_in_executor: [{cpu: 100us}]}]
""", "aqueue"

    def test_the_loop_is_one_span_and_the_lock_serialises_the_waits(self):
        loop = [e for e in self.spans if e["args"]["thread"] == "loop"]
        self.assertEqual([e["name"] for e in loop], ["start", "asyncio"])
        # 6 items, each consumed under the lock: 6 sleeps of 5 ms one after another
        self.assertGreaterEqual(loop[1]["dur"], 6 * 5000)
        self.assertLess(loop[1]["dur"], 6 * 5000 + 500_000)

    @needs_gilsim
    def test_step_keys_are_exactly_the_simulators(self):
        simulated = step_spans(simulate(self, self.path))
        self.assertEqual(sorted(step_key(e) for e in self.spans), sorted(step_key(e) for e in simulated))


if __name__ == "__main__":
    unittest.main()
