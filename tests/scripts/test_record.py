"""Tests of scripts/record.py, the real-CPython recorder and host calibrator.

Run from the repository root:  python3 -m unittest discover -s tests/scripts -p 'test_*.py'

They must pass on a loaded 2-core machine in well under a minute, so they check structure,
names, indices and loose bounds, never tight timings. Tests that compare with the simulator use
$GILSIM_BUILD/gilsim (GILSIM_BUILD defaults to build/, as in scripts/setup.sh). When GILSIM_BUILD is
set, as ctest sets it to the suite's build directory, a missing binary fails those tests; otherwise
they are skipped, saying so.
"""

import functools
import importlib.util
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import unittest.mock

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RECORD = os.path.join(REPO, "scripts", "record.py")
GILSIM_BUILD = os.path.abspath(os.environ.get("GILSIM_BUILD") or os.path.join(REPO, "build"))
GILSIM = os.path.join(GILSIM_BUILD, "gilsim")
GILSIM_REQUIRED = bool(os.environ.get("GILSIM_BUILD"))  # ctest sets it (tests/CMakeLists.txt): a missing binary is an error

sys.dont_write_bytecode = True  # no scripts/__pycache__ from importing the recorder
_spec = importlib.util.spec_from_file_location("gilsim_record", RECORD)
record = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(record)

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


class SplitMixTest(TempDirTest):
    def test_splitmix64_gives_the_reference_sequence(self):
        rng = record.SplitMix64(0)
        self.assertEqual([rng.next() for _ in range(3)],
                         [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F])

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
        exported = json.loads(subprocess.run([GILSIM, "export", path], check=True, stdout=subprocess.PIPE,
                                             cwd=REPO).stdout)["variants"][0]
        io_spans = {}
        for e in load(trace_path)["traceEvents"]:
            if e.get("ph") == "X" and e.get("cat") == "state" and e.get("name") == "io":
                io_spans.setdefault(e["tid"] - 1, []).append(e)
        program = exported["processes"][0]["threads"][0]["program"]
        self.assertEqual(sorted(io_spans), [0, 1, 2, 3])
        for thread, spans in io_spans.items():
            spans.sort(key=lambda e: e["ts"])
            simulated = [round(e["dur"] * 1000) for e in spans]
            drawn = [round(x * 1e9) for x in record.draw_latencies(program, exported["runtime"]["seed"], thread)]
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
        exported = json.loads(subprocess.run([GILSIM, "export", self.path], check=True, stdout=subprocess.PIPE,
                                             cwd=REPO).stdout)["variants"][0]
        layout = record.instances(exported)
        for t in (t for p in layout if p.name.startswith("w[") for t in p.threads):
            simulated = [e["dur"] for e in sim["traceEvents"]
                         if e.get("cat") == "state" and e["name"] == "io" and e["tid"] == t.index + 1]
            drawn = record.draw_latencies(t.program, exported["runtime"]["seed"], t.index)
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


def simulate(test, path, *args):
    """The simulator's trace of the scenario at path."""
    sim_path = os.path.join(test.dir, "sim.json")
    subprocess.run([GILSIM, "run", path, "--trace", sim_path, *args], check=True, stdout=subprocess.DEVNULL,
                   cwd=REPO)
    return load(sim_path)


def export(path, *args):
    return json.loads(subprocess.run([GILSIM, "export", path, *args], check=True, stdout=subprocess.PIPE,
                                     cwd=REPO).stdout)["variants"][0]


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
        layout = record.instances(export(self.path))
        seed = 3
        names = {t.name: t for p in layout for t in p.threads}
        for name, mean in (("worker", 1e-3), ("loop-executor[0]", None), ("loop-executor[1]", None)):
            t = names[name]
            simulated = [e["dur"] for e in sorted(sim["traceEvents"], key=lambda e: e.get("ts", 0))
                         if e.get("cat") == "state" and e["name"] == "io" and e["tid"] == t.index + 1
                         and not e["args"]["step"].startswith(("consume ", "get ", "put ", "feed "))]  # pipe copies
            uniforms = record.draw_uniforms(seed, t.index, len(simulated))
            if mean:  # exponential(1 ms)
                drawn = [-mean * math.log(1 - u) for u in uniforms]
            else:  # uniform(1 ms, 3 ms)
                drawn = [1e-3 + 2e-3 * u for u in uniforms]
            self.assertTrue(simulated, name)
            for s, d in zip(simulated, drawn):
                self.assertLessEqual(abs(round(s * 1000) - round(d * 1e9)), 1, name)
        # the recorder's io spans inside consume wait at least their draws
        recorded = [e["dur"] for e in self.thread("worker") if e["name"] == "io"]
        drawn = [-1e-3 * math.log(1 - u) for u in record.draw_uniforms(seed, names["worker"].index, 4)]
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
        if not any(p.get("parent") for p in export(path)["processes"]):  # an export without the mark
            self.assertEqual(done.returncode, 2, done.stderr)
            self.assertIn("gilsim export does not mark it", done.stderr)
            return
        self.assertEqual(done.returncode, 0, done.stderr)
        spans = step_spans(load(os.path.join(out, "pool.processes-1-fork.rep0.trace.json")))
        self.assertEqual(sorted(step_key(e) for e in spans), sorted(step_key(e) for e in step_spans(simulate(self, path))))


class LayoutTest(unittest.TestCase):
    def test_executor_and_feeder_threads_and_a_marked_parent_take_the_simulators_indices(self):
        def thread(name, program):
            return {"name": name, "count": 1, "interpreter": "main", "program": program}
        loop = [{"label": "asyncio x2", "kind": "asyncio", "tasks": 2, "executor_threads": 0, "program": [
            {"label": "run_in_executor", "kind": "run_in_executor", "steps": [
                {"label": "cpu 1ms", "kind": "cpu", "seconds": 0.001}]}]}]
        put = [{"label": "put q", "kind": "put", "channel": "q", "bytes": 0, "objects": 0}]
        variant = {"machine": {"cores": 2, "smt": 1}, "channels": [{"name": "q", "kind": "mp_queue"}], "processes": [
            {"name": "main", "count": 1, "start_method": None, "parent": True,
             "threads": [thread("a", loop), thread("b", put)]},
            {"name": "w", "count": 2, "start_method": "fork", "threads": [thread("c", put)]}]}
        layout = record.instances(variant)
        got = [(p.name, t.index, t.name, t.role) for p in layout for t in p.threads]
        self.assertEqual(got, [("main", 0, "MainThread", "main"), ("main", 1, "a", "scenario"),
                               # ThreadPoolExecutor's default: min(32, cpus + 4) with the scenario's cpus
                               ("main", 2, "a-executor[0]", "executor"), ("main", 3, "a-executor[1]", "executor"),
                               ("main", 4, "a-executor[2]", "executor"), ("main", 5, "a-executor[3]", "executor"),
                               ("main", 6, "a-executor[4]", "executor"), ("main", 7, "a-executor[5]", "executor"),
                               ("main", 8, "b", "scenario"), ("main", 9, "QueueFeederThread q", "feeder"),
                               ("w[0]", 10, "c", "scenario"), ("w[0]", 11, "QueueFeederThread q", "feeder"),
                               ("w[1]", 12, "c", "scenario"), ("w[1]", 13, "QueueFeederThread q", "feeder")])
        self.assertEqual(layout[0].threads[0].table,
                         [("process_start", "Process.start() w[0] (fork)"),
                          ("process_start", "Process.start() w[1] (fork)"), ("join", "join() w[0]"),
                          ("join", "join() w[1]")])
        # Without the mark, a pool's parent is refused rather than laid out wrongly.
        del variant["processes"][0]["parent"]
        variant["processes"][0]["threads"] = [thread("task-handler", put), thread("result-handler", put)]
        self.assertTrue(record.looks_like_unmarked_pool(variant["processes"]))


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
        self.assertEqual(other["gil_runs"], {"steps": "cpu", "min_pause_ns": record.GIL_PAUSE_NS,
                                             "chunk_iterations": record.CPU_CHUNK})
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
        with self.assertRaisesRegex(record.ScenarioRefused, r"program\[0\]: step kind 'barrier' is not supported"):
            record.validate_export({"variants": [variant]})
        variant["processes"][0]["threads"][0]["program"] = [
            {"label": "cpu 1s", "kind": "cpu", "seconds": 1, "payload": 10}]
        with self.assertRaisesRegex(record.ScenarioRefused, "cannot execute 'payload'"):
            record.validate_export({"variants": [variant]})

    def test_an_unusable_output_directory_fails_with_exit_1(self):
        path = self.scenario("ok.yaml", "name: ok\nworkload: {processes: [{threads: [{program: [{sleep: 1ms}]}]}]}\n")
        blocker = os.path.join(self.dir, "file")
        open(blocker, "w").close()
        done = run_record("run", path, "--repeat", "1", "--out", os.path.join(blocker, "sub"))
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertIn("record.py: error: ", done.stderr)


class FakeClock:
    """Stands in for time.monotonic_ns: returns the scripted stamps, one per call."""

    def __init__(self, stamps):
        self.stamps = list(stamps)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.stamps.pop(0)


class GilRunDetectionTest(unittest.TestCase):
    """cpu_kernel reads the clock every CPU_CHUNK iterations; a longer gap is a pause."""

    def kernel_runs(self, chunks, stamps):
        clock = FakeClock(stamps)
        runs = []
        with unittest.mock.patch.object(record.time, "monotonic_ns", clock):
            record.cpu_kernel(chunks * record.CPU_CHUNK, runs)
        self.assertEqual(clock.calls, chunks + 1)  # once before the first chunk, once after each
        return runs

    def test_an_uninterrupted_kernel_is_one_run_from_its_first_to_its_last_clock_read(self):
        self.assertEqual(self.kernel_runs(3, [1000, 5000, 9000, 13000]), [(1000, 13000)])

    def test_a_gap_longer_than_the_pause_threshold_ends_a_run(self):
        gap = record.GIL_PAUSE_NS + 1
        self.assertEqual(self.kernel_runs(4, [0, 4000, 4000 + gap, 8000 + gap, 8000 + 2 * gap]),
                         [(0, 4000), (4000 + gap, 8000 + gap), (8000 + 2 * gap, 8000 + 2 * gap)])

    def test_a_gap_of_exactly_the_threshold_is_not_a_pause(self):
        gap = record.GIL_PAUSE_NS
        self.assertEqual(self.kernel_runs(2, [0, gap, 2 * gap]), [(0, 2 * gap)])

    def test_a_partial_last_chunk_is_run_and_timed(self):
        clock = FakeClock([0, 4000, 5000])
        runs = []
        with unittest.mock.patch.object(record.time, "monotonic_ns", clock):
            record.cpu_kernel(record.CPU_CHUNK + 1, runs)
        self.assertEqual((clock.calls, runs), (3, [(0, 5000)]))

    def test_the_kernel_computes_the_same_value_whatever_the_chunking(self):
        x = 1
        for _ in range(1000):
            x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        self.assertEqual(record.cpu_kernel(1000), x)

    def test_two_threads_sharing_the_gil_take_turns(self):
        # A real run: at a 1 ms switch interval, each thread's runs are interrupted by the other's,
        # and with one GIL their runs do not overlap (beyond one chunk at each end).
        previous = sys.getswitchinterval()
        sys.setswitchinterval(0.001)
        out = [None, None]
        n = round(0.03e9 / record.measure_cpu_unit_ns(samples=3))  # 30 ms of work each
        try:
            threads = [threading.Thread(target=record._kernel_runs, args=(n, out, k)) for k in (0, 1)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        finally:
            sys.setswitchinterval(previous)
        self.assertGreater(min(len(out[0]), len(out[1])), 3)
        overlap = sum(max(0, min(e0, e1) - max(s0, s1)) for s0, e0 in out[0] for s1, e1 in out[1])
        total = sum(e - s for k in (0, 1) for s, e in out[k])
        self.assertLess(overlap, 0.05 * total)

    def test_trace_runs_are_python_spans_of_the_cpu_step_they_lie_in(self):
        program = [{"label": "repeat x2", "kind": "repeat", "count": 2, "steps": [
            {"label": "cpu 1ms", "kind": "cpu", "seconds": 0.001},
            {"label": "sleep 1ms", "kind": "sleep", "seconds": 0.001}]}]
        thread = record.ThreadInstance(3, 1, "p", "t", program)
        spans = record.numbered_spans([(1, 100, 1100), (2, 1100, 2100), (1, 2100, 3100), (2, 3100, 4100)])
        self.assertEqual(spans[2], (1, 1, 2100, 3100))  # the cpu step's second execution
        lines = record.gil_run_events(thread, spans, [(110, 500), (700, 1090), (2110, 3090)], t0=100)
        events = [json.loads(line) for line in lines]
        self.assertEqual([(e["pid"], e["tid"], e["name"], e["cat"], e["ts"], e["dur"], e["args"]) for e in events],
                         [(2, 4, "python", "state", 0.01, 0.39, {"step_index": 1, "iteration": 0}),
                          (2, 4, "python", "state", 0.6, 0.39, {"step_index": 1, "iteration": 0}),
                          (2, 4, "python", "state", 2.01, 0.98, {"step_index": 1, "iteration": 1})])


class NativeTest(unittest.TestCase):
    def test_the_native_call_releases_the_gil(self):
        # While one thread is inside the single pbkdf2 call, another runs Python bytecode: that is
        # only possible if the call released the GIL (robust on a loaded machine, unlike timings).
        iterations = record._sized(record.native_call, 10_000, 200e6)
        progress = [0]
        inside = threading.Event()
        done = threading.Event()

        def python_loop():
            inside.wait()
            while not done.is_set():
                progress[0] += 1

        spinner = threading.Thread(target=python_loop)
        spinner.start()
        counts = []

        def native():
            inside.set()
            time.sleep(0.01)  # let the spinner take the GIL and start counting
            before = progress[0]
            record.native_call(iterations)
            counts.append(progress[0] - before)
            done.set()

        worker = threading.Thread(target=native)
        worker.start()
        worker.join()
        spinner.join()
        self.assertGreater(counts[0], 1000)


class CalibrateTest(TempDirTest):
    def test_calibrate_quick_writes_a_profile_with_every_key(self):
        out = os.path.join(self.dir, "profiles", "host.yaml")
        self.record_ok("calibrate", "--out", out, "--quick")
        with open(out, encoding="utf-8") as f:
            text = f.read()
        self.assertTrue(text.startswith("# Machine profile measured by scripts/record.py calibrate"))
        values, section = {}, None
        for line in text.splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, _, value = line.strip().partition(":")
            if line.startswith("  "):
                values[f"{section}.{key}"] = value.strip()
            else:
                section = key
                values[key] = value.strip()
        expected = ["profile", "host", "host.cpu_model", "host.logical_cpus", "host.physical_cores",
                    "host.threads_per_core", "host.python_version", "host.python_executable",
                    "host.python_cflags", "host.python_config_sha1", "host.kernel", "machine", "machine.cores",
                    "machine.smt", "machine.smt_yield", "machine.speed", "gil", "gil.timer_slack",
                    "gil.drop_latency", "gil.wakeup_latency", "calibration", "calibration.cpu_unit_ns",
                    "calibration.native_iterations_per_s", "calibration.gil_handover_period_overhead",
                    "calibration.timed_wait_lateness", "calibration.thread_start", "calibration.process_start",
                    "calibration.process_start_call", "calibration.process_join", "calibration.pickle_bytes_per_s",
                    "calibration.unpickle_bytes_per_s", "calibration.pipe_bytes_per_s",
                    "calibration.queue_bytes_per_s", "calibration.pickle_overhead_bytes",
                    "calibration.pipe_buffer_bytes", "calibration.pipe_write_bytes_per_s",
                    "calibration.pipe_read_bytes_per_s", "calibration.pipe_wakeup",
                    "calibration.asyncio_task_step", "calibration.asyncio_lock_op",
                    "calibration.asyncio_queue_op", "calibration.process_pool_submit",
                    "calibration.lock_release_wake", "calibration.lock_release_syscall",
                    "calibration.semaphore_acquire", "calibration.semaphore_release",
                    "calibration.semaphore_wait", "calibration.asyncio_semaphore_op",
                    # scripts/calibrate_calls.py
                    "calibration.pickle_call", "calibration.unpickle_call",
                    "calibration.pickle_cached_bytes_per_s", "calibration.unpickle_cached_bytes_per_s",
                    "calibration.pickle_large_bytes_per_s", "calibration.unpickle_large_bytes_per_s",
                    "calibration.pickle_cache_bytes", "calibration.pipe_write_syscall",
                    "calibration.pipe_read_syscall", "calibration.pipe_send_call", "calibration.pipe_recv_call",
                    "calibration.mp_queue_put", "calibration.mp_queue_get", "calibration.pool_task_handler",
                    "calibration.pool_result_handler", "calibration.pool_worker_task"]
        self.assertEqual(list(values), expected)
        self.assertEqual(values["profile"], "host")
        duration = r"\d+(\.\d+)?(ns|us|ms|s)"
        for key in ("gil.timer_slack", "gil.drop_latency", "gil.wakeup_latency",
                    "calibration.gil_handover_period_overhead", "calibration.timed_wait_lateness",
                    "calibration.thread_start", "calibration.asyncio_task_step", "calibration.asyncio_lock_op",
                    "calibration.asyncio_queue_op", "calibration.process_pool_submit",
                    "calibration.lock_release_wake", "calibration.lock_release_syscall",
                    "calibration.semaphore_acquire", "calibration.semaphore_release",
                    "calibration.semaphore_wait", "calibration.asyncio_semaphore_op",
                    "calibration.pickle_call", "calibration.unpickle_call", "calibration.pipe_write_syscall",
                    "calibration.pipe_read_syscall", "calibration.pipe_send_call", "calibration.pipe_recv_call",
                    "calibration.mp_queue_put", "calibration.mp_queue_get", "calibration.pool_task_handler",
                    "calibration.pool_result_handler", "calibration.pool_worker_task"):
            self.assertRegex(values[key], f"^{duration}$")
        for key in ("pickle_cached", "unpickle_cached", "pickle_large", "unpickle_large"):
            self.assertGreater(float(values[f"calibration.{key}_bytes_per_s"]), 1e6)
        self.assertGreaterEqual(int(values["calibration.pickle_cache_bytes"]), 65536)
        self.assertRegex(values["calibration.process_start"],
                         f"^{{fork: {duration}, spawn: {duration}, forkserver_first: {duration}, "
                         f"forkserver: {duration}}}$")
        self.assertRegex(values["calibration.process_join"],
                         f"^{{fork: {duration}, spawn: {duration}, forkserver: {duration}}}$")
        for key in ("pickle", "unpickle", "pipe", "queue", "pipe_write", "pipe_read"):
            self.assertGreater(float(values[f"calibration.{key}_bytes_per_s"]), 1e6)
        self.assertRegex(values["calibration.pipe_wakeup"],
                         f"^{{100us: {duration}, 1ms: {duration}, 10ms: {duration}}}$")
        self.assertGreaterEqual(int(values["calibration.pipe_buffer_bytes"]), 4096)  # at least a page (pipe(7))
        self.assertGreater(int(values["calibration.pickle_overhead_bytes"]), 0)
        self.assertGreater(float(values["calibration.cpu_unit_ns"]), 0)
        self.assertEqual(values["machine.speed"], "1.0")
        if gilsim_available(self):  # the simulator accepts it as a machine profile
            scenario = self.scenario("uses.yaml", f"name: uses\nmachine: {out}\n"
                                                  "workload: {processes: [{threads: [{program: [{cpu: 1ms}]}]}]}\n")
            done = subprocess.run([GILSIM, "export", scenario], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True, cwd=REPO)
            self.assertEqual(done.returncode, 0, done.stderr)
            machine = json.loads(done.stdout)["variants"][0]["machine"]
            self.assertEqual(machine["cores"], int(values["machine.cores"]))



class PickleRateTest(unittest.TestCase):
    """calibrate_calls.measure_pickle divides a payload's bytes by its time less an empty pickle's."""

    def fake_times(self, sized):
        """pickle_time stand-in: b'' takes 1 us to dump and load; other payloads `sized(size)`."""
        def pickle_time(obj, calls, samples):
            return (1e-6, 1e-6) if len(obj) == 0 else sized(len(obj))
        return unittest.mock.patch.object(record.calibrate_calls, "pickle_time", pickle_time)

    def test_rate_is_bytes_over_the_time_beyond_the_empty_call(self):
        # Every payload takes 1 us + size / 2e9 to dump, 1 us + size / 4e9 to load: the rates are
        # 2e9 and 4e9 whatever the size (65536 / (1us + 32.768us - 1us) = 2e9).
        with self.fake_times(lambda size: (1e-6 + size / 2e9, 1e-6 + size / 4e9)):
            p = record.calibrate_calls.measure_pickle(quick=True)
        self.assertAlmostEqual(p["cached"][0] / 2e9, 1.0, places=9)
        self.assertAlmostEqual(p["cached"][1] / 4e9, 1.0, places=9)

    def test_a_payload_no_slower_than_the_empty_call_is_refused_not_written_as_1e16(self):
        # A preempted empty-call sample (here 1 us) against a 64 KiB pickle measured at 0.9 us:
        # the difference is negative. It used to write 65536 / 1e-12 = 6.6e16 bytes/s.
        with self.fake_times(lambda size: (0.9e-6, 0.9e-6)), self.assertRaises(SystemExit) as refused:
            record.calibrate_calls.measure_pickle(quick=True)
        self.assertIn("no slower than pickling b''", str(refused.exception))


if __name__ == "__main__":
    unittest.main()
