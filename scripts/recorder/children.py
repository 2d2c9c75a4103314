"""One repetition with several process instances: multiprocessing children, and the recorder's
main thread playing the parent's MainThread."""

import gc
import multiprocessing
import os
import pickle
import shutil
import sys
import tempfile
import threading
import time
import traceback

from calibrate_start import stop_forkserver

from .common import RunFailed, ThreadResult
from .process_threads import GcPaused, ProcessThreads


def write_child_result(result_path, message):
    with open(result_path + ".tmp", "wb") as f:
        pickle.dump(message, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(result_path + ".tmp", result_path)


def child_watchdog(timeout, result_path):
    """A child that is not done after `timeout` s reports it and exits (a thread waiting forever,
    or an exit waiting for a multiprocessing.Queue feeder blocked on a full pipe)."""
    time.sleep(timeout)
    write_child_result(result_path, ("error", f"it did not finish within {timeout:g} s (--timeout): a get or consume "
                                              f"waiting for messages that never come, or a writer blocked on a full "
                                              f"pipe nobody reads any more?"))
    os._exit(1)


def child_main(plans, switch_interval, io_mode, port, result_path, gate, shared, timeout):
    """A process instance in a child: starts its threads, joins them, leaves their spans in a file.

    A child of a process "running at time 0" (gate given) prepares everything, says it is
    ready and waits for the parent's go at t0. The result goes to a file rather than a pipe so
    that the child can exit as soon as its threads are done, whether or not the parent is
    reading (a measured join() must not wait for the parent to drain a pipe), and the parent
    does no work while the scenario runs. A child that fails exits at once (os._exit: threads
    that wait forever, or queues that cannot flush, must not keep it alive).
    """
    threading.Thread(target=child_watchdog, args=(timeout, result_path), daemon=True).start()
    process = None
    try:
        sys.setswitchinterval(switch_interval)
        gc.disable()
        process = ProcessThreads(plans, io_mode, port, shared)
        if gate is not None:
            gate.send_bytes(b"ready")
            gate.recv_bytes()
        process.start()
        process.wait(None)
        message = ("ok", {i: tuple(r) for i, r in process.results().items()})  # plain data: any start method
    except RunFailed as e:
        message = ("error", str(e))
    except BaseException:
        message = ("error", traceback.format_exc())
    finally:
        if process is not None:
            process.close()
    write_child_result(result_path, message)
    if message[0] != "ok":
        os._exit(1)


def read_child_result(process, instance, result_path):
    """The child's thread results, or RunFailed saying what went wrong."""
    try:
        with open(result_path, "rb") as f:
            message = pickle.load(f)
    except OSError:
        raise RunFailed(f"process {instance.name} exited with code {process.exitcode} without results") from None
    if message[0] != "ok":
        raise RunFailed(f"process {instance.name} failed: {message[1]}")
    return {i: ThreadResult(*result) for i, result in message[1].items()}


class Children:
    """The child processes of a run with several process instances (or started processes)."""

    def __init__(self, layout, plans, switch_interval, io_mode, port, default_method, workdir, shared, timeout):
        self.layout = [p for p in layout if not p.synthesized and not p.parent]
        self.timeout = timeout
        self.processes, self.paths, self.gates = {}, {}, {}
        for p in self.layout:
            context = multiprocessing.get_context(p.start_method or default_method)
            gate = child_gate = None
            if p.start_method is None:
                gate, child_gate = context.Pipe()
            self.paths[p.index] = os.path.join(workdir, f"{p.index}.pickle")
            self.processes[p.index] = context.Process(
                target=child_main, name=p.name,
                args=(plans[p.index], switch_interval, io_mode, port, self.paths[p.index], child_gate, shared,
                      timeout))
            if gate is not None:
                self.gates[p.index] = (gate, child_gate)

    def prestart(self):
        """Starts the processes "running at time 0" before t0 and waits until they are ready."""
        for i, (_, child_gate) in self.gates.items():
            self.processes[i].start()
            child_gate.close()
        for i, (gate, _) in self.gates.items():
            try:
                if not gate.poll(120):
                    raise RunFailed(f"process {self.processes[i].name} did not get ready")
                gate.recv_bytes()
            except EOFError:
                self.processes[i].join()
                read_child_result(self.processes[i], self.instance(i), self.paths[i])
                raise RunFailed(f"process {self.processes[i].name} exited before the run") from None

    def instance(self, i):
        return next(p for p in self.layout if p.index == i)

    def release(self):
        """Lets every pre-started process go; returns each one's stamp, taken just before."""
        stamps = {}
        for i, (gate, _) in self.gates.items():
            stamps[i] = time.monotonic_ns()
            gate.send_bytes(b"go")
        return stamps

    def join_prestarted(self):
        for i in self.gates:  # each child gives up by itself after the timeout
            self.processes[i].join(self.timeout + 60)

    def results(self):
        return {p.index: read_child_result(self.processes[p.index], p, self.paths[p.index]) for p in self.layout}

    def terminate(self):
        for process in self.processes.values():
            if process.is_alive():
                process.terminate()
                process.join()


def run_main_thread(children, started):
    """The parent's MainThread: Process.start() of each started process, then join().

    Returns its spans (step index, begin, end) and each process's start stamp.
    """
    now = time.monotonic_ns
    spans, launched = [], {}
    for k, p in enumerate(started):
        process = children.processes[p.index]
        t = now()
        process.start()
        spans.append((k, t, now()))
        launched[p.index] = t
    for k, p in enumerate(started):
        process = children.processes[p.index]
        t = now()
        process.join()
        spans.append((len(started) + k, t, now()))
    return spans, launched


def run_with_children(layout, plans, switch_interval, io_mode, port, default_method, shared, timeout):
    """Processes as multiprocessing children; returns (t0, {index: ThreadResult}).

    Processes without a start_method run from time 0, as the simulator has them: they are
    started before t0 and released together at t0. Processes with one are started at t0 by the
    recorder's main thread, which plays the parent's MainThread: the simulator's synthesized
    "main" process, or the scenario's `parent` process, whose other threads (a Pool's task and
    result handlers) then run here too, started at t0.
    """
    started = [p for p in layout if p.start_method]
    if any(p.start_method == "forkserver" for p in started):
        stop_forkserver()
    parent = next((p for p in layout if p.parent), None)
    workdir = tempfile.mkdtemp(prefix="gilsim-record-")
    children = Children(layout, plans, switch_interval, io_mode, port, default_method, workdir, shared, timeout)
    own = None
    try:
        children.prestart()
        if parent is not None and plans.get(parent.index):
            own = ProcessThreads(plans[parent.index], io_mode, port, shared)
        sys.setswitchinterval(switch_interval)
        with GcPaused():
            t0 = time.monotonic_ns()
            launched = children.release()
            own_stamps = own.start() if own else None
            main_spans, started_at = run_main_thread(children, started)
            launched.update(started_at)
            if own:
                own.wait(timeout)
            children.join_prestarted()
        results = children.results()
        if own:
            results[parent.index] = own.results(own_stamps)
    finally:
        if own:
            own.close()
        children.terminate()
        shutil.rmtree(workdir, ignore_errors=True)
    threads = {}
    for p in layout:
        for t in p.threads:
            if t.role == "main":  # the recorder's own thread, running at t0
                threads[t.index] = ThreadResult(t0, t0, main_spans, [])
        for index, result in results.get(p.index, {}).items():
            if result.start is None:
                result = result._replace(start=launched[p.index])
            threads[index] = result
    return t0, threads
