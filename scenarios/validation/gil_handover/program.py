#!/usr/bin/env python3
"""GIL hand-over: CPU-bound threads sharing one GIL (Beazley, "Understanding the Python GIL", 2010).

Each thread counts down its share of the work; the switch interval decides how often the GIL
changes hands. With --pin the whole program is confined to CPU 0, as `taskset -c 0` would.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vtrace  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--interval", type=float, default=5.0, help="sys.setswitchinterval, in ms")
    parser.add_argument("--work", type=float, default=0.5, help="seconds of countdown per thread, run alone")
    parser.add_argument("--pin", action="store_true", help="confine the program to CPU 0")
    parser.add_argument("--trace", help="write the trace here (default: print a summary)")
    args = parser.parse_args()
    if args.pin:
        os.sched_setaffinity(0, {0})
    trace = vtrace.Trace("gil_handover", args)
    unit_ns = trace.cpu_unit_ns  # measured alone when the trace began
    n = round(args.work * 1e9 / unit_ns)
    trace.work.update(cpu_unit_ns=round(unit_ns, 3), work_s=n * unit_ns / 1e9)
    sys.setswitchinterval(args.interval / 1000)

    trace.start()
    threads = [trace.thread(trace.cpu, f"worker[{i}]", n) for i in range(args.threads)]
    for t in threads:
        t.join()
    trace.finish()
    trace.write()


if __name__ == "__main__":
    main()
