#!/usr/bin/env python3
"""Measures what gilsim's EEVDF scheduler model needs on this host (README "Machine and OS
scheduler"), and prints it as the `scheduler:` part of a machine profile's calibration:

    scripts/calibrate_scheduler.py [--samples N]

- tick: 1/CONFIG_HZ, from /proc/config.gz or /boot/config-$(uname -r).
- base_slice: sysctl_sched_base_slice from /sys/kernel/debug/sched/debug when debugfs is
  readable; otherwise left out (the model derives it from the CPU count).
- wakeup_idle: how long a process blocked on a pipe, alone on its CPU, takes to run once another
  CPU writes to the pipe, after that CPU was idle about 100 us, 1 ms and 10 ms (medians).
- wakeup_remote: the same when a CPU-bound process keeps the wakee's CPU busy (the wakee, which
  slept, preempts it: an IPI and a context switch).
- context_switch: half the round trip of two processes pinned to the same CPU that ping-pong one
  byte over two pipes, less the time the same ping-pong's system calls take alone.

The wakee stamps the time as soon as os.read() returns: the figures include a few microseconds
of Python on each side, which the project's C tool (docs/tools/wakecurve.c) does not. Linux only
(os.sched_setaffinity). Needs two CPUs, and a quiet machine: other load skews every figure.
Standard library only.
"""
import argparse
import gzip
import multiprocessing
import os
import platform
import re
import statistics
import time


def kernel_config():
    """The running kernel's build configuration as text, or ""."""
    for path in ("/proc/config.gz", f"/boot/config-{platform.release()}"):
        try:
            if path.endswith(".gz"):
                with gzip.open(path, "rt") as f:
                    return f.read()
            with open(path, encoding="utf-8") as f:
                return f.read()
        except OSError:
            continue
    return ""


def tick_seconds():
    match = re.search(r"^CONFIG_HZ=(\d+)$", kernel_config(), re.M)
    return 1.0 / int(match.group(1)) if match else None


def base_slice_seconds():
    try:
        with open("/sys/kernel/debug/sched/debug", encoding="utf-8") as f:
            match = re.search(r"sysctl_sched_base_slice\s*:\s*([\d.]+)", f.read())
        return float(match.group(1)) * 1e-3 if match else None
    except OSError:
        return None


def _wakee(cpu, requests, replies, count):
    """Blocks on `requests`; at each byte stamps the time it runs and sends it back."""
    os.sched_setaffinity(0, {cpu})
    for _ in range(count):
        os.read(requests, 8)
        now = time.perf_counter_ns()
        os.write(replies, now.to_bytes(8, "little"))


def _spin(cpu, seconds):
    os.sched_setaffinity(0, {cpu})
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def wake_latency(waker_cpu, wakee_cpu, gap_s, count, busy=False):
    """Median microseconds from the waker's write to the wakee running, the wakee's CPU idle for
    about gap_s before each write (busy: a CPU-bound process keeps it busy)."""
    requests_r, requests_w = os.pipe()
    replies_r, replies_w = os.pipe()
    ctx = multiprocessing.get_context("fork")
    wakee = ctx.Process(target=_wakee, args=(wakee_cpu, requests_r, replies_w, count))
    wakee.start()
    spinner = None
    if busy:
        spinner = ctx.Process(target=_spin, args=(wakee_cpu, count * (gap_s + 0.002) + 2))
        spinner.start()
    os.sched_setaffinity(0, {waker_cpu})
    latencies = []
    try:
        time.sleep(0.05)
        for _ in range(count):
            time.sleep(gap_s)
            sent = time.perf_counter_ns()
            os.write(requests_w, b"x")
            ran = int.from_bytes(os.read(replies_r, 8), "little")
            latencies.append((ran - sent) / 1000)
    finally:
        wakee.join()
        if spinner is not None:
            spinner.kill()
            spinner.join()
        for fd in (requests_r, requests_w, replies_r, replies_w):
            os.close(fd)
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
    return statistics.median(latencies)


def _echo(cpu, requests, replies, count):
    os.sched_setaffinity(0, {cpu})
    for _ in range(count):
        os.write(replies, os.read(requests, 1))


def context_switch(cpu, count):
    """Microseconds per switch of one CPU between two processes: half a pinned ping-pong round
    trip, less the system calls of the same loop without a partner (a write and a read on one
    pipe, which never blocks)."""
    requests_r, requests_w = os.pipe()
    replies_r, replies_w = os.pipe()
    partner = multiprocessing.get_context("fork").Process(target=_echo, args=(cpu, requests_r, replies_w, count))
    partner.start()
    os.sched_setaffinity(0, {cpu})
    try:
        began = time.perf_counter_ns()
        for _ in range(count):
            os.write(requests_w, b"x")
            os.read(replies_r, 1)
        round_trip = (time.perf_counter_ns() - began) / count / 1000
        began = time.perf_counter_ns()
        for _ in range(count):
            os.write(replies_w, b"x")
            os.read(replies_r, 1)
        alone = (time.perf_counter_ns() - began) / count / 1000
    finally:
        partner.join()
        for fd in (requests_r, requests_w, replies_r, replies_w):
            os.close(fd)
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
    return max(0.0, (round_trip - 2 * alone) / 2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=300, help="wake-ups per figure (default 300)")
    args = parser.parse_args()
    if (os.cpu_count() or 1) < 2:
        raise SystemExit("calibrate_scheduler.py: error: needs two CPUs (it wakes one from the other)")
    n = args.samples
    print("scheduler:")
    tick = tick_seconds()
    print(f"  tick: {tick * 1e3:g}ms" if tick else "  # tick: unknown (no kernel configuration found)")
    slice_s = base_slice_seconds()
    print(f"  base_slice: {slice_s * 1e3:g}ms" if slice_s else "  # base_slice: not readable (debugfs): derived from the CPU count")
    idle = {label: wake_latency(0, 1, gap, max(20, n // (10 if gap >= 0.01 else 1)))
            for label, gap in (("100us", 100e-6), ("1ms", 1e-3), ("10ms", 10e-3))}
    print("  wakeup_idle: {" + ", ".join(f"{k}: {v:.1f}us" for k, v in idle.items()) + "}")
    print(f"  wakeup_remote: {wake_latency(0, 1, 1e-3, n, busy=True):.1f}us")
    print(f"  context_switch: {context_switch(0, n * 10):.1f}us")


if __name__ == "__main__":
    main()
