#!/usr/bin/env python3
"""k threads incrementing a shared counter --increments times in all:
  plain  counter += 1                      (no lock: updates can be lost, it does not matter here)
  lock   with lock: counter += 1
  call   with lock: counter = bump(counter)  (a Python call inside the locked region)
Each thread reads the clock every 100 increments, so that its GIL runs are seen. The cost of one
iteration alone (and, for the locked bodies, of an empty `with lock: pass` iteration) is measured
before the run, for the scenario.
"""
import argparse
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vtrace  # noqa: E402

counter = 0
lock = threading.Lock()


def bump(x):
    return x + 1


# One loop per body, as a blog post writes them: a shared loop calling the body would add the very
# Python call whose cost the `call` body measures.
def plain(chunks, clock):
    global counter
    for _ in range(chunks):
        for _ in range(100):
            counter += 1
        clock.tick()


def locked(chunks, clock):
    global counter
    for _ in range(chunks):
        for _ in range(100):
            with lock:
                counter += 1
        clock.tick()


def called(chunks, clock):
    global counter
    for _ in range(chunks):
        for _ in range(100):
            with lock:
                counter = bump(counter)
        clock.tick()


def empty(chunks, clock):
    for _ in range(chunks):
        for _ in range(100):
            with lock:
                pass
        clock.tick()


BODIES = {"plain": plain, "lock": locked, "call": called}


def per_iteration_s(body, samples=5, chunks=2000):
    """One iteration of body alone (its clock reads included): the median of a few timings."""
    times = []
    for _ in range(samples):
        t = vtrace.now()
        body(chunks, vtrace.RunClock())
        times.append(vtrace.now() - t)
    return sorted(times)[samples // 2] / 1e9 / (chunks * 100)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--body", choices=tuple(BODIES), default="lock")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--increments", type=int, default=300_000, help="in all, a multiple of 100 x threads")
    parser.add_argument("--trace", help="write the trace here (default: print a summary)")
    args = parser.parse_args()
    trace = vtrace.Trace("locks", args)
    body = BODIES[args.body]
    iteration, outside = per_iteration_s(body), per_iteration_s(empty)
    chunks = args.increments // 100 // args.threads
    trace.work.update(iterations=chunks * 100, iteration_s=iteration, thread_s=chunks * 100 * iteration,
                      outside_s=outside, inside_s=max(0.0, iteration - outside))

    def worker():
        clock = vtrace.RunClock()
        body(chunks, clock)
        trace.add_loop("increments", clock)

    trace.start()
    with trace.span("run"):
        for t in [trace.thread(worker, f"worker[{i}]") for i in range(args.threads)]:
            t.join()
    trace.finish()
    trace.write()


if __name__ == "__main__":
    main()
