#!/usr/bin/env python3
"""Native code in threads: each of N threads hashes (hashlib.sha256) or compresses (zlib, level
6) its own large buffer in one call, which releases the GIL; or, as a control that keeps the GIL,
feeds a sha256 in many 64-byte update() calls (hashlib releases the GIL only from 2048 bytes on).

Each thread's buffer is sized to take --work seconds alone, from the call's speed measured
before the run.
"""
import argparse
import hashlib
import os
import random
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vtrace  # noqa: E402

SMALL = 64  # bytes per update() in the control


def sha256(buffer):
    hashlib.sha256(buffer).digest()


def compress(buffer):
    zlib.compress(buffer, 6)


def small_updates(buffer):
    """The control: many update() calls, each holding the GIL; returns the loop's RunClock."""
    h, view, clock = hashlib.sha256(), memoryview(buffer), vtrace.RunClock()
    for offset in range(0, len(buffer), SMALL * 100):
        for start in range(offset, min(offset + SMALL * 100, len(buffer)), SMALL):
            h.update(view[start:start + SMALL])
        clock.tick()
    return clock


def rate(call, buffer, samples=5):
    """Bytes per second of call(buffer) alone: the median of a few timings."""
    times = []
    for _ in range(samples):
        t = vtrace.now()
        call(buffer)
        times.append(vtrace.now() - t)
    return len(buffer) * 1e9 / sorted(times)[len(times) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kind", choices=("sha256", "zlib", "small"), default="sha256")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--work", type=float, default=0.3, help="seconds per thread, alone")
    parser.add_argument("--trace", help="write the trace here (default: print a summary)")
    args = parser.parse_args()
    trace = vtrace.Trace("native", args)
    data = random.Random(1).randbytes(4 << 20)
    if args.kind == "small":
        speed = rate(small_updates, data[:1 << 20])
    else:
        speed = rate(sha256 if args.kind == "sha256" else compress, data)
    size = int(args.work * speed)
    buffer = (data * (size // len(data) + 1))[:size]
    trace.work.update(bytes_per_s=speed, bytes=size, work_s=size / speed)

    def hash_thread():
        if args.kind == "small":
            trace.add_loop("updates", small_updates(buffer))
        else:
            with trace.span(args.kind):
                (sha256 if args.kind == "sha256" else compress)(buffer)

    trace.start()
    with trace.span("run"):
        for t in [trace.thread(hash_thread, f"worker[{i}]") for i in range(args.threads)]:
            t.join()
    trace.finish()
    trace.write()


if __name__ == "__main__":
    main()
