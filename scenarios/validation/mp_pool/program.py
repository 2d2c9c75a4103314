#!/usr/bin/env python3
"""multiprocessing.Pool, three ways (fork):
  lifecycle  Pool(N) created, map() of 8 tasks of --task-ms of countdown, close(), join()
  apply      --calls synchronous Pool(1).apply() round trips of a tiny function
  map        Pool(2).map() of a tiny function over --calls items, chunksize 1 or Pool's default
             (--chunksize 0), the pool created, closed and joined inside the run
"""
import argparse
import multiprocessing
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vtrace  # noqa: E402

ITERATIONS = [0]


def task(_):
    vtrace.countdown(ITERATIONS[0])


def square(x):
    return x * x


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", choices=("lifecycle", "apply", "map"), default="lifecycle")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--task-ms", type=float, default=25.0, help="lifecycle: countdown per task, run alone")
    parser.add_argument("--calls", type=int, default=2000, help="apply and map: calls of the tiny function")
    parser.add_argument("--chunksize", type=int, default=1, help="map: 0 for Pool.map's default")
    parser.add_argument("--trace", help="write the trace here (default: print a summary)")
    args = parser.parse_args()
    trace = vtrace.Trace("mp_pool", args)
    context = multiprocessing.get_context("fork")
    unit_ns = trace.cpu_unit_ns  # measured alone when the trace began
    ITERATIONS[0] = round(args.task_ms * 1e6 / unit_ns)
    trace.work.update(cpu_unit_ns=round(unit_ns, 3), task_s=ITERATIONS[0] * unit_ns / 1e9)
    if args.mode != "lifecycle":  # the tiny function alone, for the scenario
        t = vtrace.now()
        for i in range(100_000):
            square(i)
        trace.work["call_s"] = (vtrace.now() - t) / 1e9 / 100_000

    trace.start()
    with trace.span("run"):
        if args.mode == "lifecycle":
            with trace.span("create"):
                pool = context.Pool(args.workers)
            with trace.span("map"):
                pool.map(task, range(8))
            with trace.span("close"):
                pool.close()
                pool.join()
        elif args.mode == "apply":
            with context.Pool(1) as pool:
                for i in range(args.calls):
                    with trace.span("apply"):
                        pool.apply(square, (i,))
                pool.close()
                pool.join()
        else:
            pool = context.Pool(args.workers)
            with trace.span("map"):
                pool.map(square, range(args.calls), chunksize=args.chunksize or None)
            pool.close()
            pool.join()
    trace.finish()
    trace.write()


if __name__ == "__main__":
    main()
