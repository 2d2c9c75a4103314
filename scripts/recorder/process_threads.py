"""One repetition: a process instance's scenario threads, and a run of the only process."""

import gc
import queue
import sys
import threading
import time

from .common import RunFailed
from .program import lock_names
from .channels import ChannelEnd, LocalCounter
from .threads import ProcessEnv, ThreadRun, thread_main


class ProcessThreads:
    """A process instance's scenario threads, ready to start (connections open, locks and
    channels made). They are daemon threads, so that a run that fails can still exit."""

    def __init__(self, plans, io_mode, port, shared=None):
        locks = {name: threading.Lock() for plan in plans for name in lock_names(plan.program)}
        # queue.Queue channels exist once per process; pipes and multiprocessing.Queues are shared.
        channels = dict(shared or {})
        for name in {n for plan in plans for n in plan.puts + plan.gets} - set(channels):
            writers = sum(1 for plan in plans if name in plan.puts)
            readers = sum(1 for plan in plans if name in plan.gets)
            channels[name] = ChannelEnd(queue.Queue(), writers, readers, LocalCounter())
        env = ProcessEnv(locks, channels, io_mode == "echo", port)
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.remaining = len(plans)
        self.runs = []
        try:
            for plan in plans:
                self.runs.append(ThreadRun(plan, env, self))
        except BaseException:
            self.close()
            raise
        self.threads = [threading.Thread(target=thread_main, args=(r,), daemon=True) for r in self.runs]

    def thread_ended(self, failed):
        with self.lock:
            self.remaining -= 1
            if failed or self.remaining == 0:
                self.done.set()

    def start(self):
        """Starts the threads one after another; returns the stamps taken just before each start.

        The calling thread then only waits (wait()), as a real program's main thread in join().
        """
        stamps = []
        for thread in self.threads:
            stamps.append(time.monotonic_ns())
            thread.start()
        return stamps

    def wait(self, timeout):
        """Until every thread has finished; RunFailed at the first failure or after `timeout` s."""
        finished = self.done.wait(timeout)
        for r in self.runs:
            if r.error:
                raise RunFailed(f"a scenario thread failed: {r.error}")
        if not finished:
            stuck = ", ".join(r.name for r in self.runs if not r.ended)
            raise RunFailed(f"the run did not finish within {timeout:g} s (--timeout); still running: {stuck}. A get "
                            f"or consume waiting for messages that never come, or a writer blocked on a full pipe "
                            f"nobody reads any more?")
        for thread in self.threads:
            thread.join()

    def results(self, stamps=None):
        """{global index: ThreadResult}; start None: the process's launch."""
        out = {}
        for k, r in enumerate(self.runs):
            out.update(r.results(stamps[k] if stamps else None))
        return out

    def close(self):
        for r in self.runs:
            r.close()


class GcPaused:
    """No garbage collection during a run: the recorder's span lists must not trigger any."""

    def __enter__(self):
        gc.collect()
        gc.disable()

    def __exit__(self, *exc):
        gc.enable()


def run_in_process(plans, switch_interval, io_mode, port, shared, timeout):
    """The one process instance runs as threads of the recorder: (t0, {index: ThreadResult})."""
    sys.setswitchinterval(switch_interval)
    process = ProcessThreads(plans, io_mode, port, shared)
    try:
        with GcPaused():
            stamps = process.start()
            process.wait(timeout)
        results = process.results(stamps)
    finally:
        process.close()
    return stamps[0], results
