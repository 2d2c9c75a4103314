#!/usr/bin/env python3
"""What a 1-byte socket send costs the sender when it wakes a partner blocked in recv, by how long
the partner has been blocked, against the same send with nobody waiting.

    /usr/bin/python3 docs/experiments/send_wake_cost.py [--probes N]

A forked child blocks in recv(1) on one end of a socketpair. The parent spins 30 us, 100 us or
1 ms (the partner's CPU stays idle that long), then times sock.send(b'x'). Then it times batches of
100 sends on a second pair nobody reads meanwhile. Prints medians and the 10th and 90th
percentiles in microseconds. Standard library only; run it on a quiet machine.
"""
import argparse
import multiprocessing
import socket
import statistics
import time


def echo_sink(sock, other):
    other.close()
    while sock.recv(1):
        pass


def percentiles(ns):
    ns = sorted(ns)
    return (f"median {statistics.median(ns) / 1e3:6.2f} us  p10 {ns[len(ns) // 10] / 1e3:6.2f}  "
            f"p90 {ns[9 * len(ns) // 10] / 1e3:6.2f}")


def send_to_blocked(blocked_s, probes):
    mine, theirs = socket.socketpair()
    child = multiprocessing.get_context("fork").Process(target=echo_sink, args=(theirs, mine))
    child.start()
    theirs.close()
    durations = []
    try:
        for _ in range(probes):
            until = time.perf_counter_ns() + blocked_s * 1e9
            while time.perf_counter_ns() < until:
                pass
            start = time.perf_counter_ns()
            mine.send(b"x")
            durations.append(time.perf_counter_ns() - start)
    finally:
        mine.close()
        child.join(10)
    return durations


def send_to_nobody(batches):
    a, b = socket.socketpair()
    per_call = []
    with a, b:
        for _ in range(batches):
            start = time.perf_counter_ns()
            for _ in range(100):
                a.send(b"x")
            per_call.append((time.perf_counter_ns() - start) / 100)
            for _ in range(100):
                b.recv(1)
    return per_call


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--probes", type=int, default=300, help="sends per blocked time (1 ms: a third)")
    args = parser.parse_args()
    for blocked in (30e-6, 100e-6, 1e-3):
        probes = args.probes if blocked < 1e-3 else max(10, args.probes // 3)
        print(f"send, partner blocked {blocked * 1e6:6.0f} us: {percentiles(send_to_blocked(blocked, probes))}")
    print(f"send, nobody waiting:              {percentiles(send_to_nobody(200))}")


if __name__ == "__main__":
    main()
