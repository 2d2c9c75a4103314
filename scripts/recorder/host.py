"""Host facts (one definition with the validation suite's programs: vtrace), and the share of the
CPUs other processes use while we measure."""

import os
import sys
import time

import vtrace


_read = vtrace.read_text


def python_has_gil():
    """False only on a free-threaded build running without its GIL (PEP 703)."""
    return getattr(sys, "_is_gil_enabled", lambda: True)()


def host_facts(start_method):
    """The host's facts as the validation suite's programs write them (one definition for both:
    scenarios/validation/lib/vtrace.py), with the build's GIL and the start method."""
    return dict(vtrace.host_facts(), gil_enabled=python_has_gil(), start_method=start_method)


class OtherLoad:
    """Share of the host's CPU time used by other processes while we measure.

    A recording or a calibration is only as good as the host is quiet: the share is written
    into the trace and the profile, and a warning is printed above 10%.
    """

    def __init__(self):
        self.start = self._sample()

    @staticmethod
    def _sample():
        fields = (_read("/proc/stat") or "cpu 0 0 0 0").splitlines()[0].split()[1:]
        values = [int(x) for x in fields[:8]] + [0] * (8 - len(fields[:8]))
        busy = sum(values) - values[3] - values[4]  # all but idle and iowait
        mine = os.times()
        own = mine.user + mine.system + mine.children_user + mine.children_system
        return busy / os.sysconf("SC_CLK_TCK"), own, time.monotonic()

    def share(self):
        busy0, own0, t0 = self.start
        busy1, own1, t1 = self._sample()
        capacity = (t1 - t0) * (os.cpu_count() or 1)
        return max(0.0, min(1.0, ((busy1 - busy0) - (own1 - own0)) / capacity)) if capacity > 0 else 0.0
