#!/usr/bin/env python3
"""GIL run lengths of N CPU-bound threads, measured by reading the clock in a loop.

Each thread spins on time.perf_counter_ns() and records a segment boundary whenever two
consecutive reads are more than GAP_NS apart (it was not running Python meanwhile).
Segments of all threads are merged by start time; consecutive segments of the same thread are
one GIL run (a gap with no other thread's segment inside is CPU preemption while holding the
GIL, not a hand-over). Prints the run-length distribution in ms.

usage: gil_runs.py [--threads N] [--interval MS] [--seconds S] [--gap-us G]
Pin it with `taskset -c 0 /usr/bin/python3 gil_runs.py ...`.
"""
import argparse
import os
import sys
import threading
import time


def spin(t_end, gap, out):
    now = time.perf_counter_ns
    prev = now()
    start = prev
    segs = []
    while prev < t_end:
        t = now()
        if t - prev > gap:
            segs.append((start, prev))
            start = t
        prev = t
    segs.append((start, prev))
    out.extend(segs)


def quantiles(xs, qs):
    xs = sorted(xs)
    return [xs[min(len(xs) - 1, int(q * len(xs)))] for q in qs]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--interval", type=float, default=5.0, help="switch interval, ms")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--gap-us", type=float, default=50.0)
    ap.add_argument("--hist", action="store_true", help="print a histogram in 0.5 ms bins")
    a = ap.parse_args()
    sys.setswitchinterval(a.interval / 1e3)
    gap = int(a.gap_us * 1e3)
    t_end = time.perf_counter_ns() + int(a.seconds * 1e9)
    outs = [[] for _ in range(a.threads)]
    ths = [threading.Thread(target=spin, args=(t_end, gap, outs[i])) for i in range(a.threads)]
    for t in ths:
        t.start()
    for t in ths:
        t.join()
    segs = sorted((s, e, i) for i, o in enumerate(outs) for (s, e) in o)
    runs = []  # (owner, start, end)
    for s, e, i in segs:
        if runs and runs[-1][0] == i:
            runs[-1][2] = e
        else:
            runs.append([i, s, e])
    # drop the first and last run (start-up and shut-down)
    runs = runs[1:-1]
    lens = [(e - s) / 1e6 for _, s, e in runs]
    gaps = [(runs[k + 1][1] - runs[k][2]) / 1e6 for k in range(len(runs) - 1)]
    inner = sum(1 for o in outs for k in range(len(o) - 1)) - len(runs)
    aff = sorted(os.sched_getaffinity(0))
    print(f"cpus={aff} threads={a.threads} interval={a.interval}ms seconds={a.seconds} "
          f"runs={len(lens)} handovers/s={len(lens) / a.seconds:.1f} same-thread gaps={inner}")
    if lens:
        q = quantiles(lens, [0.05, 0.25, 0.5, 0.75, 0.95])
        print("run ms: mean %.3f p5 %.3f p25 %.3f median %.3f p75 %.3f p95 %.3f max %.3f" %
              (sum(lens) / len(lens), *q, max(lens)))
        g = quantiles(gaps, [0.5, 0.95])
        print("hand-over gap us: median %.1f p95 %.1f" % (g[0] * 1e3, g[1] * 1e3))
    if a.hist and lens:
        bins = {}
        for x in lens:
            b = int(x / 0.5)
            bins[b] = bins.get(b, 0) + 1
        for b in sorted(bins):
            print(f"  [{b * 0.5:5.1f},{b * 0.5 + 0.5:5.1f}) ms: {bins[b]:5d} {'#' * min(60, bins[b] * 60 // len(lens))}")


if __name__ == "__main__":
    main()
