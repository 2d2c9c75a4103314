#!/usr/bin/env python3
"""CPU-bound work split over N workers: threads (one GIL) or processes (one GIL each), with each
multiprocessing start method. More workers than CPUs included.

--work seconds of countdown in total (as timed alone before the run) are split evenly.
"""
import argparse
import multiprocessing
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vtrace  # noqa: E402


def process_worker(trace, name, n):
    trace.child(name)
    trace.cpu(n)
    trace.save_part()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mode", choices=("threads", "fork", "spawn", "forkserver"), default="threads")
    parser.add_argument("--work", type=float, default=0.4, help="seconds of countdown in all, run alone")
    parser.add_argument("--trace", help="write the trace here (default: print a summary)")
    args = parser.parse_args()
    trace = vtrace.Trace("cpu_split", args)
    unit_ns = trace.cpu_unit_ns  # measured alone when the trace began
    n = round(args.work * 1e9 / unit_ns / args.workers)
    trace.work.update(cpu_unit_ns=round(unit_ns, 3), per_worker_s=n * unit_ns / 1e9)

    trace.start()
    with trace.span("run"):
        if args.mode == "threads":
            workers = [trace.thread(trace.cpu, f"worker[{i}]", n) for i in range(args.workers)]
        else:
            context = multiprocessing.get_context(args.mode)
            workers = [context.Process(target=process_worker, args=(trace, f"worker[{i}]", n))
                       for i in range(args.workers)]
            for p in workers:
                p.start()
        for w in workers:
            w.join()
    trace.finish()
    trace.write()


if __name__ == "__main__":
    main()
