"""Tests of the request events of scenarios/validation/lib/vtrace.py (Trace.request), which the
validation suite's latency metrics read (README "Case files", docs/trace-format.md "Requests").

Run from the repository root:  python3 -m unittest discover -s tests/scripts -p 'test_*.py'

No calibration and no timing: the traces are built by hand, without Trace.__init__ (which times
the host), so the expected events follow from the figures given.
"""

import json
import os
import sys
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True  # no __pycache__ in scenarios/validation/lib
sys.path.insert(0, os.path.join(REPO, "scenarios", "validation", "lib"))
import vtrace  # noqa: E402

T0 = 7_000_000_000  # the run's start, in perf_counter_ns


def bare_trace():
    """A Trace as a program holds it after start(), without the host measurements of __init__."""
    trace = object.__new__(vtrace.Trace)
    trace.case, trace.args, trace.process, trace.path = "server_latency", None, "main", None
    trace.spans, trace.runs, trace.requests, trace.work, trace.threads = [], [], [], {}, {}
    trace.t0, trace.noise = T0, None
    return trace


class RequestEvents(unittest.TestCase):
    def test_a_request_is_an_event_of_its_own_category_on_its_measuring_thread(self):
        trace = bare_trace()
        # The server's 2 ms handle span from 5 ms; the client's request sent at 5 ms, replied at
        # 15.5 ms: ts 5000.000 us, dur 10500.000 us.
        trace.add("handle", T0 + 5_000_000, T0 + 7_000_000, thread="MainThread")
        trace.request("http", T0 + 5_000_000, T0 + 15_500_000, thread="load", process="client")
        events = json.loads(trace._events() + "]}")["traceEvents"]
        requests = [e for e in events if e.get("cat") == "request"]
        self.assertEqual(len(requests), 1)
        r = requests[0]
        self.assertEqual((r["ph"], r["name"], r["ts"], r["dur"]), ("X", "http", 5000.0, 10500.0))
        self.assertEqual(r["args"], {"process": "client", "thread": "load"})
        # Processes are numbered main first: client is pid 2; its one track "load" is tid 2 (main's
        # MainThread is 1), and spans and requests sit on the span track STEP_TID + 2.
        self.assertEqual((r["pid"], r["tid"]), (2, vtrace.STEP_TID + 2))
        names = {(e["pid"], e["tid"]): e["args"]["name"] for e in events if e.get("name") == "thread_name"}
        self.assertEqual(names[(2, vtrace.STEP_TID + 2)], "load spans")
        # The server's span stays a span: latency metrics never read it.
        spans = [e for e in events if e.get("cat") == "span"]
        self.assertEqual([(s["name"], s["ts"], s["dur"]) for s in spans], [("handle", 5000.0, 2000.0)])

    def test_children_get_no_requests_of_the_parent(self):
        trace = bare_trace()
        trace.request("http", T0, T0 + 1_000_000, thread="load", process="client")
        self.assertEqual(trace.__getstate__()["requests"], [])
        self.assertEqual(len(trace.requests), 1)


class NearestRank(unittest.TestCase):
    def test_percentiles_are_nearest_rank_as_in_gilsim(self):
        # 1..100: p99 is the ceil(0.99 x 100) = 99th value; 0.99 * 100 is 99.00000000000001 in
        # binary, so a plain ceil would take the 100th.
        self.assertEqual(vtrace.nearest_rank(list(range(1, 101)), 0.99), 99)
        # 1, 2, 3, 4: the median is the ceil(0.5 x 4) = 2nd value, 2 (statistics.median says 2.5).
        self.assertEqual(vtrace.nearest_rank([1, 2, 3, 4], 0.5), 2)
        self.assertEqual(vtrace.nearest_rank([5], 0.99), 5)


if __name__ == "__main__":
    unittest.main()
