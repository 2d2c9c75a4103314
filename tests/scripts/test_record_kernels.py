"""Tests of scripts/record.py's kernels: the cpu kernel's GIL runs and the GIL-releasing native
call (scripts/recorder/kernels.py).

Run from the repository root:  python3 -m unittest discover -s tests/scripts -p 'test_*.py'
(record_support.py says how they find the simulator).
"""

import json
import sys
import threading
import time
import unittest
import unittest.mock

import record_support  # noqa: F401  (puts scripts/ on sys.path)

from recorder.kernels import CPU_CHUNK, GIL_PAUSE_NS, _sized, cpu_kernel, measure_cpu_unit_ns, native_call
from recorder.layout import ThreadInstance
from recorder.measure_threads import _kernel_runs
from recorder.trace_writer import gil_run_events, numbered_spans


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
        with unittest.mock.patch.object(time, "monotonic_ns", clock):
            cpu_kernel(chunks * CPU_CHUNK, runs)
        self.assertEqual(clock.calls, chunks + 1)  # once before the first chunk, once after each
        return runs

    def test_an_uninterrupted_kernel_is_one_run_from_its_first_to_its_last_clock_read(self):
        self.assertEqual(self.kernel_runs(3, [1000, 5000, 9000, 13000]), [(1000, 13000)])

    def test_a_gap_longer_than_the_pause_threshold_ends_a_run(self):
        gap = GIL_PAUSE_NS + 1
        self.assertEqual(self.kernel_runs(4, [0, 4000, 4000 + gap, 8000 + gap, 8000 + 2 * gap]),
                         [(0, 4000), (4000 + gap, 8000 + gap), (8000 + 2 * gap, 8000 + 2 * gap)])

    def test_a_gap_of_exactly_the_threshold_is_not_a_pause(self):
        gap = GIL_PAUSE_NS
        self.assertEqual(self.kernel_runs(2, [0, gap, 2 * gap]), [(0, 2 * gap)])

    def test_a_partial_last_chunk_is_run_and_timed(self):
        clock = FakeClock([0, 4000, 5000])
        runs = []
        with unittest.mock.patch.object(time, "monotonic_ns", clock):
            cpu_kernel(CPU_CHUNK + 1, runs)
        self.assertEqual((clock.calls, runs), (3, [(0, 5000)]))

    def test_the_kernel_computes_the_same_value_whatever_the_chunking(self):
        x = 1
        for _ in range(1000):
            x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        self.assertEqual(cpu_kernel(1000), x)

    def test_two_threads_sharing_the_gil_take_turns(self):
        # A real run: at a 1 ms switch interval, each thread's runs are interrupted by the other's,
        # and with one GIL their runs do not overlap (beyond one chunk at each end).
        previous = sys.getswitchinterval()
        sys.setswitchinterval(0.001)
        out = [None, None]
        n = round(0.03e9 / measure_cpu_unit_ns(samples=3))  # 30 ms of work each
        try:
            threads = [threading.Thread(target=_kernel_runs, args=(n, out, k)) for k in (0, 1)]
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
        table = [("repeat", "repeat x2"), ("cpu", "cpu 1ms"), ("sleep", "sleep 1ms")]  # as export --layout gives it
        thread = ThreadInstance(3, 1, "p", "t", program, table)
        spans = numbered_spans([(1, 100, 1100), (2, 1100, 2100), (1, 2100, 3100), (2, 3100, 4100)])
        self.assertEqual(spans[2], (1, 1, 2100, 3100))  # the cpu step's second execution
        lines = gil_run_events(thread, spans, [(110, 500), (700, 1090), (2110, 3090)], t0=100)
        events = [json.loads(line) for line in lines]
        self.assertEqual([(e["pid"], e["tid"], e["name"], e["cat"], e["ts"], e["dur"], e["args"]) for e in events],
                         [(2, 4, "python", "state", 0.01, 0.39, {"step_index": 1, "iteration": 0}),
                          (2, 4, "python", "state", 0.6, 0.39, {"step_index": 1, "iteration": 0}),
                          (2, 4, "python", "state", 2.01, 0.98, {"step_index": 1, "iteration": 1})])


class NativeTest(unittest.TestCase):
    def test_the_native_call_releases_the_gil(self):
        # While one thread is inside the single pbkdf2 call, another runs Python bytecode: that is
        # only possible if the call released the GIL (robust on a loaded machine, unlike timings).
        iterations = _sized(native_call, 10_000, 200e6)
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
            native_call(iterations)
            counts.append(progress[0] - before)
            done.set()

        worker = threading.Thread(target=native)
        worker.start()
        worker.join()
        spinner.join()
        self.assertGreater(counts[0], 1000)


if __name__ == "__main__":
    unittest.main()
