"""One repetition of a variant."""

import multiprocessing
import os
import sys

from .layout import instances, scenario_threads
from .channels import shared_channels
from .plans import thread_plans
from .process_threads import run_in_process
from .children import run_with_children


class Measured:
    """One repetition's raw result: a ThreadResult per thread index, and t0."""

    def __init__(self, t0, threads, switch_interval):
        self.t0 = t0
        self.threads = threads  # {global thread index: ThreadResult}
        self.switch_interval = switch_interval


def run_once(variant, calibration, io_mode, port, default_method, timeout):
    """Executes one repetition of a variant; raises RunFailed if anything failed."""
    layout = instances(variant)
    # machine.cpus: the whole program runs on these CPUs (as `taskset -c`); children inherit them.
    machine_cpus = (variant.get("machine") or {}).get("cpus") or []
    all_cpus = os.sched_getaffinity(0)
    if machine_cpus:
        os.sched_setaffinity(0, machine_cpus)
    try:
        return _run_layout(variant, layout, calibration, io_mode, port, default_method, timeout)
    finally:
        os.sched_setaffinity(0, all_cpus)


def _run_layout(variant, layout, calibration, io_mode, port, default_method, timeout):
    interval = variant["runtime"]["switch_interval_s"]
    plans = {p.index: thread_plans(p, calibration, io_mode) for p in layout if scenario_threads(p)}
    # Pipes' locks made for fork cannot go to spawned children: a non-fork context then.
    methods = {p.start_method or default_method for p in layout if not (p.synthesized or p.parent)}
    context = "fork" if len(layout) == 1 or methods == {"fork"} else "spawn"
    shared = shared_channels(variant, layout, multiprocessing.get_context(context))
    try:
        if len(layout) == 1:
            t0, threads = run_in_process(plans[0], interval, io_mode, port, shared, timeout)
        else:
            t0, threads = run_with_children(layout, plans, interval, io_mode, port, default_method, shared, timeout)
    except BaseException:
        for channel in shared.values():  # a multiprocessing.Queue must not hold up our exit
            getattr(channel.queue, "cancel_join_thread", lambda: None)()
        raise
    # Every process sets the scenario's interval; CPython stores it in whole microseconds.
    return Measured(t0, threads, sys.getswitchinterval())
