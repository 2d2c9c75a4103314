"""Kernels and their calibration: the cpu kernel (pure-Python bytecode, which notes its GIL runs)
and the native call (one GIL-releasing pbkdf2), sized for this host."""

import hashlib
import statistics
import time

from .common import NATIVE_DIGEST, NATIVE_PASSWORD, NATIVE_SALT


CPU_CHUNK = 64  # kernel iterations between two clock reads: ~4.5 us on the reference host
# Two clock reads of the kernel further apart than this: the thread did not run in between (it
# lost the GIL, or the OS descheduled it). One chunk takes ~4.5 us and a chunk's time varies by
# ~20 us at p99.9 on the reference host, while a GIL hand-over stops the loser for at least two
# thread wake-ups (~30 us each) plus the winner's run.
GIL_PAUSE_NS = 50_000


def cpu_kernel(n, runs=None):
    """Pure-Python work: n iterations of an LCG (holds the GIL, checks the eval breaker).

    The loop reads the clock every CPU_CHUNK iterations and appends to `runs` the (first, last)
    clock reads of every stretch in which the thread ran without a pause longer than
    GIL_PAUSE_NS: its GIL runs, each end within one chunk of the truth. Calibration times this
    same function, so the clock reads' cost is part of the cpu unit and does not lengthen steps.
    """
    if runs is None:
        runs = []
    now, size, pause = time.monotonic_ns, CPU_CHUNK, GIL_PAUSE_NS
    x = 1
    start = last = now()
    while n > 0:
        chunk = size if n > size else n
        n -= chunk
        for _ in range(chunk):
            x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        t = now()
        if t - last > pause:
            runs.append((start, last))
            start = t
        last = t
    runs.append((start, last))
    return x


def native_call(iterations):
    """One GIL-releasing C call (PKCS5_PBKDF2_HMAC between Py_BEGIN/END_ALLOW_THREADS)."""
    return hashlib.pbkdf2_hmac(NATIVE_DIGEST, NATIVE_PASSWORD, NATIVE_SALT, iterations)


def _time_ns(function, argument):
    start = time.monotonic_ns()
    function(argument)
    return time.monotonic_ns() - start


def _sized(function, probe, target_ns):
    """An argument for `function` that takes about target_ns, from one probe timing."""
    elapsed = max(1, _time_ns(function, probe))
    return max(probe, int(probe * target_ns / elapsed))


def measure_cpu_unit_ns(samples=7, target_ns=30_000_000):
    """Time of one kernel iteration: median of `samples` timings of ~30 ms (< 1 s in all)."""
    cpu_kernel(20000)  # warm up
    n = _sized(cpu_kernel, 100_000, target_ns)
    return statistics.median(_time_ns(cpu_kernel, n) for _ in range(samples)) / n


def measure_native(samples=7, target_ns=20_000_000):
    """PBKDF2 iterations per second and the fixed cost of one call (median timings)."""
    native_call(1)
    overhead = statistics.median(_time_ns(native_call, 1) for _ in range(21))
    n = _sized(native_call, 10_000, target_ns)
    elapsed = statistics.median(_time_ns(native_call, n) for _ in range(samples))
    rate = (n - 1) * 1e9 / max(1.0, elapsed - overhead)
    return rate, overhead


class Calibration:
    """Converts step durations to kernel sizes on this host."""

    def __init__(self, cpu_unit_ns, native_iterations_per_s, native_overhead_ns):
        self.cpu_unit_ns = cpu_unit_ns
        self.native_iterations_per_s = native_iterations_per_s
        self.native_overhead_ns = native_overhead_ns

    @classmethod
    def measure(cls):
        rate, overhead = measure_native()
        return cls(measure_cpu_unit_ns(), rate, overhead)

    def cpu_iterations(self, seconds):
        return round(seconds * 1e9 / self.cpu_unit_ns)

    def native_iterations(self, seconds):
        return max(1, round((seconds * 1e9 - self.native_overhead_ns) * self.native_iterations_per_s / 1e9))

    def as_json(self):
        return {"cpu_unit_ns": round(self.cpu_unit_ns, 4),
                "native_call": f"hashlib.pbkdf2_hmac('{NATIVE_DIGEST}', ...)",
                "native_iterations_per_s": round(self.native_iterations_per_s),
                "native_call_overhead_ns": round(self.native_overhead_ns)}
