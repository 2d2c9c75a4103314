"""`calibrate`'s measurements of threads and the GIL: timer slack, GIL hand-overs, native
parallelism, thread start and SMT yield."""

import multiprocessing
import os
import sys
import threading
import time

from calibrate_start import trimmed_mean

from .common import RunFailed
from .kernels import _sized, _time_ns, cpu_kernel, native_call
from .host import _read


def timed_wait_lateness(samples):
    """Lateness (ns) of timed waits that time out, as the GIL's timed condition wait does."""
    lock = threading.Lock()
    lock.acquire()
    timeout_ns = 5_000_000
    late = []
    for _ in range(samples):
        start = time.monotonic_ns()
        lock.acquire(timeout=timeout_ns / 1e9)
        late.append(time.monotonic_ns() - start - timeout_ns)
    return late


def measure_slack_and_handover(samples, duration_s, cpu_unit_ns):
    """(timer slack s, hand-over period s, hand-overs): the slack sampled around the hand-overs.

    wakeup_latency is derived from their difference, and this host's timer lateness drifts
    over minutes, so half of the slack samples are taken just before and half just after.
    """
    late = timed_wait_lateness(samples // 2)
    period, handovers = measure_handover(duration_s, cpu_unit_ns)
    late += timed_wait_lateness(samples - samples // 2)
    return max(0.0, trimmed_mean(late)) / 1e9, period, handovers


def _kernel_runs(n, out, k):
    """The cpu kernel's GIL runs (see cpu_kernel), into out[k]."""
    out[k] = []
    cpu_kernel(n, out[k])


def measure_handover(duration_s, cpu_unit_ns, interval_s=0.005):
    """Mean period (s) between GIL hand-overs of two threads running the cpu kernel, and the
    count: the hand-overs are where the kernel's GIL runs change thread, as the recorder sees them."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(interval_s)
    out = [None, None]
    n = round(duration_s * 1e9 / cpu_unit_ns / 2)  # both threads finish after about duration_s
    threads = [threading.Thread(target=_kernel_runs, args=(n, out, k)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sys.setswitchinterval(previous)
    runs = sorted((s, e, k) for k in (0, 1) for s, e in out[k])
    changes = [s for (s, _, k), (_, _, before) in zip(runs[1:], runs) if k != before]
    periods = [b - a for a, b in zip(changes, changes[1:])][2:-1]
    if len(periods) < 3:
        raise RunFailed("too few GIL hand-overs observed to measure their period")
    return trimmed_mean(periods) / 1e9, len(periods)


def measure_native_parallelism(seconds=0.1):
    """Time of two concurrent calls / one call, for native and for the cpu kernel."""
    def ratio(function, argument):
        one = _time_ns(function, argument)
        threads = [threading.Thread(target=function, args=(argument,)) for _ in range(2)]
        start = time.monotonic_ns()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return (time.monotonic_ns() - start) / one

    return (ratio(native_call, _sized(native_call, 10_000, seconds * 1e9)),
            ratio(cpu_kernel, _sized(cpu_kernel, 100_000, seconds * 1e9)))


def measure_thread_start(samples):
    """Mean time (s) from Thread.start() to the first line of the thread's function."""
    stamp = [0]

    def first_line():
        stamp[0] = time.monotonic_ns()

    values = []
    for _ in range(samples):
        thread = threading.Thread(target=first_line)
        start = time.monotonic_ns()
        thread.start()
        thread.join()
        values.append(stamp[0] - start)
    return trimmed_mean(values) / 1e9


def smt_sibling_pair():
    """Two logical CPUs of one physical core, or None."""
    text = _read("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list") or ""
    cpus = []
    for part in text.split(","):
        if "-" in part:
            a, b = part.split("-")
            cpus += list(range(int(a), int(b) + 1))
        elif part.strip():
            cpus.append(int(part))
    return (cpus[0], cpus[1]) if len(cpus) >= 2 else None


def _pinned_kernel(cpu, n, out, k):
    os.sched_setaffinity(0, {cpu})
    out[k] = _time_ns(cpu_kernel, n)


def measure_smt_yield(pair, seconds):
    """Throughput of both siblings busy relative to one: 2 * T(one) / T(both)."""
    context = multiprocessing.get_context("fork")
    n = _sized(cpu_kernel, 100_000, seconds * 1e9)
    out = context.RawArray("q", 3)
    solo = context.Process(target=_pinned_kernel, args=(pair[0], n, out, 0))
    solo.start()
    solo.join()
    both = [context.Process(target=_pinned_kernel, args=(cpu, n, out, 1 + i)) for i, cpu in enumerate(pair)]
    for p in both:
        p.start()
    for p in both:
        p.join()
    return 2 * out[0] / max(out[1], out[2])
