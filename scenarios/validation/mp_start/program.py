#!/usr/bin/env python3
"""Process start and join: N processes of an empty function, started one after another with a
start method, then joined. --warm starts (and joins) one process before the run, so that a
forkserver is already up, as it is for every start but a program's first.
"""
import argparse
import multiprocessing
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vtrace  # noqa: E402


def nothing():
    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--method", choices=("fork", "spawn", "forkserver"), default="fork")
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--warm", action="store_true", help="start and join one process first")
    parser.add_argument("--trace", help="write the trace here (default: print a summary)")
    args = parser.parse_args()
    trace = vtrace.Trace("mp_start", args)
    context = multiprocessing.get_context(args.method)
    if args.warm:
        p = context.Process(target=nothing)
        p.start()
        p.join()

    trace.start()
    with trace.span("run"):
        processes = [context.Process(target=nothing) for _ in range(args.processes)]
        for p in processes:
            with trace.span("start"):
                p.start()
        for p in processes:
            with trace.span("join"):
                p.join()
    trace.finish()
    trace.write()


if __name__ == "__main__":
    main()
