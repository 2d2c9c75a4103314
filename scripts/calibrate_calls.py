#!/usr/bin/env python3
"""Measures what small IPC messages and multiprocessing.Pool tasks cost per call on this host
(README "Per-call costs" and "multiprocessing.Pool per task"), and prints it as lines of a
machine profile's `calibration:` section, each with a comment saying how it was measured:

    scripts/calibrate_calls.py [--quick] [--runs N]

`scripts/record.py calibrate` runs the same measurements (calibration_lines) into a whole
profile; run alone, this adds the keys to an existing profile without re-measuring the rest.

- pickle_call, unpickle_call: ForkingPickler.dumps of b'' and pickle.loads of its pickle, per call.
- pickle_cached_bytes_per_s (and unpickle_): a 64 KiB bytes object, bytes per (time - call).
- pickle_large_bytes_per_s (and unpickle_): a 64 MiB bytes object, the same.
- pickle_cache_bytes: the largest of 256 KiB ... 16 MiB still pickled at least at the geometric
  mean of the two rates: where the cached regime ends.
- pipe_write_syscall, pipe_read_syscall: os.write of 5 bytes into an OS pipe nobody reads (1000
  of them: the pipe never fills), then os.read of 4 and of 1 byte, per call.
- pipe_send_call, pipe_recv_call: Connection.send_bytes of 1 byte and recv_bytes, the same way,
  less their system calls (one write; two reads: the header, then the body): their Python.
- mp_queue_put: multiprocessing.Queue.put(None) with the feeder thread started, per call over
  batches shorter than the switch interval (the woken feeder waits for the GIL meanwhile).
- mp_queue_get: Queue.get() of items already in the pipe, less recv_bytes (its Python and two
  reads) and the unpickle call: the read lock and the semaphore.
- pool_task_handler, pool_result_handler, pool_worker_task: multiprocessing.pool's own
  Pool._handle_tasks, Pool._handle_results and worker() over N tasks of map(f, range(N),
  chunksize=1), their queue calls stubbed (put: list.append, get: an iterator's __next__), each
  in a thread whose _state is RUN as the Pool's are; per task. The worker's excludes f's own
  calls (a loop of the same calls, timed alone). Pickling and the pipes are measured above.
Every figure is the median of timed loops. Standard library only; needs a quiet machine.
"""
import argparse
import io
import multiprocessing
import multiprocessing.pool as mp_pool
import os
import pickle
import queue
import statistics
import sys
import threading
import time
import types
from multiprocessing.reduction import ForkingPickler

CACHE_PROBES = (256 << 10, 1 << 20, 4 << 20, 16 << 20)


def fmt_duration(seconds):
    """A duration with a unit and up to 4 significant digits (e.g. 48.5us, 3.1ms)."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{float(f'{seconds / scale:.4g}'):g}{unit}"
    return f"{float(f'{seconds * 1e9:.4g}'):g}ns"


def fmt_rate(value):
    mantissa, exponent = f"{value:.3e}".split("e")
    mantissa = mantissa.rstrip("0")
    mantissa += "0" if mantissa.endswith(".") else ""
    return f"{mantissa}e{'+' if int(exponent) >= 0 else '-'}{abs(int(exponent))}"


def per_call_s(run, calls, samples):
    """Median over `samples` of run(calls)'s time, per call (s)."""
    times = []
    for _ in range(samples):
        start = time.perf_counter_ns()
        run(calls)
        times.append((time.perf_counter_ns() - start) / calls)
    return statistics.median(times) / 1e9


def repeat(function, argument):
    def run(calls):
        for _ in range(calls):
            function(argument)
    return run


def pickle_time(obj, calls, samples):
    """(dumps, loads) seconds per call of ForkingPickler.dumps(obj) and pickle.loads of it."""
    data = bytes(ForkingPickler.dumps(obj))
    return per_call_s(repeat(ForkingPickler.dumps, obj), calls, samples), per_call_s(repeat(pickle.loads, data), calls, samples)


def measure_pickle(quick):
    samples = 3 if quick else 7
    empty_calls = 2000 if quick else 20000
    call_dumps, call_loads = pickle_time(b"", empty_calls, samples)

    def rates(size, calls):
        # A payload's time less the empty call's is its bytes' cost. On a busy host a preempted
        # empty-call sample can make the difference zero or negative, which would write a rate
        # of 1e16 bytes/s: measure both again (the empty call's median kept lowest), and refuse
        # rather than write such a figure.
        nonlocal call_dumps, call_loads
        for attempt in range(3):
            if attempt:
                again = pickle_time(b"", empty_calls, samples)
                call_dumps, call_loads = min(call_dumps, again[0]), min(call_loads, again[1])
            dumps, loads = pickle_time(bytes(size), calls, samples)
            if dumps > call_dumps and loads > call_loads:
                return size / (dumps - call_dumps), size / (loads - call_loads)
        raise SystemExit(f"calibrate: error: pickling {size} bytes measured no slower than pickling b'' "
                         f"({dumps * 1e6:.3f} us vs {call_dumps * 1e6:.3f} us) three times: other processes "
                         "disturb the measurement; calibrate on a quiet host")

    cached = rates(64 << 10, 200 if quick else 2000)
    large = rates(64 << 20, 2 if quick else 5)
    # Where the cached regime ends: the largest probe still pickled at least at the geometric mean.
    middle = (cached[0] * large[0]) ** 0.5
    cache_bytes = 64 << 10
    for size in CACHE_PROBES:
        if rates(size, max(2, (16 << 20) // size))[0] >= middle:
            cache_bytes = size
    return {"call": (call_dumps, call_loads), "cached": cached, "large": large, "cache_bytes": cache_bytes}


def measure_pipe(quick):
    """Per call: os.write/os.read on a raw pipe, Connection.send_bytes/recv_bytes on a Pipe."""
    calls, samples = 1000, 3 if quick else 9
    r, w = os.pipe()
    writes, reads = [], []
    try:
        for _ in range(samples):
            start = time.perf_counter_ns()
            for _ in range(calls):
                os.write(w, b"xxxxx")
            middle = time.perf_counter_ns()
            for _ in range(calls):
                os.read(r, 4)
                os.read(r, 1)
            writes.append((middle - start) / calls)
            reads.append((time.perf_counter_ns() - middle) / calls / 2)
    finally:
        os.close(r)
        os.close(w)
    reader, writer = multiprocessing.Pipe(duplex=False)
    sends, recvs = [], []
    try:
        for _ in range(samples):
            start = time.perf_counter_ns()
            for _ in range(calls):
                writer.send_bytes(b"x")
            middle = time.perf_counter_ns()
            for _ in range(calls):
                reader.recv_bytes()
            sends.append((middle - start) / calls)
            recvs.append((time.perf_counter_ns() - middle) / calls)
    finally:
        reader.close()
        writer.close()
    write, read = statistics.median(writes) / 1e9, statistics.median(reads) / 1e9
    send, recv = statistics.median(sends) / 1e9, statistics.median(recvs) / 1e9
    return {"write": write, "read": read, "send": max(0.0, send - write), "recv": max(0.0, recv - 2 * read)}


def measure_mp_queue(quick, pipe, unpickle_call):
    """(put, get) seconds of multiprocessing.Queue's own Python (see the module's docstring)."""
    calls, samples = 500, 3 if quick else 9
    q = multiprocessing.get_context("fork").Queue()
    q.put(None)
    q.get()  # the feeder thread is running
    puts, gets = [], []
    try:
        for _ in range(samples):
            start = time.perf_counter_ns()
            for _ in range(calls):
                q.put(None)
            puts.append((time.perf_counter_ns() - start) / calls)
            time.sleep(0.05)  # the feeder writes them all
            start = time.perf_counter_ns()
            for _ in range(calls):
                q.get()
            gets.append((time.perf_counter_ns() - start) / calls)
    finally:
        q.close()
        q.join_thread()
    get = statistics.median(gets) / 1e9 - (pipe["recv"] + 2 * pipe["read"] + unpickle_call)
    return statistics.median(puts) / 1e9, max(0.0, get)


def _nothing(_):
    return None


def in_pool_thread(function, *args):
    """Runs function(*args) in a thread whose _state is RUN, as a Pool's handler threads are;
    returns how long it took (ns)."""
    took = []

    def run():
        start = time.perf_counter_ns()
        function(*args)
        took.append(time.perf_counter_ns() - start)

    thread = threading.Thread(target=run)
    thread._state = mp_pool.RUN
    thread.start()
    thread.join()
    return took[0]


def measure_pool(quick):
    """Seconds per task of pool.py's task handler, result handler and worker loop (module doc)."""
    tasks, samples = (2000 if quick else 20000), (3 if quick else 7)
    handler, results, workers, calls = [], [], [], []
    for _ in range(samples):
        # _handle_tasks over map's task generator (chunksize 1), put stubbed.
        taskqueue = queue.Queue()
        batches = mp_pool.Pool._get_tasks(_nothing, range(tasks), 1)
        taskqueue.put((mp_pool.Pool._guarded_task_generation(None, 0, mp_pool.mapstar, batches), None))
        taskqueue.put(None)
        sent = []
        outqueue = types.SimpleNamespace(put=lambda _: None)
        handler.append(in_pool_thread(mp_pool.Pool._handle_tasks, taskqueue, sent.append, outqueue, [], {}) / tasks)
        # _handle_results setting each result of a MapResult, get stubbed.
        owner = types.SimpleNamespace(_cache={})
        result = mp_pool.MapResult(owner, 1, tasks, None, None)
        items = [(result._job, i, (True, [None])) for i in range(tasks)] + [None]
        results.append(in_pool_thread(mp_pool.Pool._handle_results, types.SimpleNamespace(), iter(items).__next__,
                                      owner._cache) / tasks)
        # worker() on the tasks the handler made, get and put stubbed; less the function's calls.
        inqueue = types.SimpleNamespace(get=iter(sent[:tasks] + [None]).__next__)
        done = []
        workers.append(in_pool_thread(mp_pool.worker, inqueue, types.SimpleNamespace(put=done.append)) / tasks)
        start = time.perf_counter_ns()
        for i in range(tasks):
            _nothing(i)
        calls.append((time.perf_counter_ns() - start) / tasks)
    worker = statistics.median(workers) - statistics.median(calls)
    return statistics.median(handler) / 1e9, statistics.median(results) / 1e9, max(0.0, worker) / 1e9


def measure_all(quick):
    """Every figure of one run, by profile key (seconds, bytes/s, bytes)."""
    p = measure_pickle(quick)
    pipe = measure_pipe(quick)
    put, get = measure_mp_queue(quick, pipe, p["call"][1])
    task_handler, result_handler, worker = measure_pool(quick)
    return {"pickle_call": p["call"][0], "unpickle_call": p["call"][1],
            "pickle_cached": p["cached"][0], "unpickle_cached": p["cached"][1],
            "pickle_large": p["large"][0], "unpickle_large": p["large"][1], "cache_bytes": p["cache_bytes"],
            "write": pipe["write"], "read": pipe["read"], "send": pipe["send"], "recv": pipe["recv"],
            "put": put, "get": get, "task_handler": task_handler, "result_handler": result_handler, "worker": worker}


def calibration_lines(quick=False, runs=1):
    """The profile's calibration lines (two-space indented, with comments) for these costs: with
    runs > 1, each figure is the median of that many whole runs (this VM's speed drifts between
    runs minutes apart more than within one)."""
    all_runs = [measure_all(quick) for _ in range(runs)]
    v = {key: statistics.median(r[key] for r in all_runs) for key in all_runs[0]}
    v["cache_bytes"] = int(v["cache_bytes"])
    p = {"call": (v["pickle_call"], v["unpickle_call"]), "cached": (v["pickle_cached"], v["unpickle_cached"]),
         "large": (v["pickle_large"], v["unpickle_large"]), "cache_bytes": v["cache_bytes"]}
    pipe = {"write": v["write"], "read": v["read"], "send": v["send"], "recv": v["recv"]}
    put, get = v["put"], v["get"]
    task_handler, result_handler, worker = v["task_handler"], v["result_handler"], v["worker"]
    mib = p["cache_bytes"] / (1 << 20)
    return [
        f"  # scripts/calibrate_calls.py{f' --runs {runs}: medians of {runs} whole runs' if runs > 1 else ''}",
        "  # ForkingPickler.dumps(b'') and pickle.loads of its pickle, per call",
        f"  pickle_call: {fmt_duration(p['call'][0])}",
        f"  unpickle_call: {fmt_duration(p['call'][1])}",
        "  # dumps/loads of one 64 KiB bytes object (cached) and of one 64 MiB object (large): bytes per",
        "  # (time per call - the call); cache_bytes: the largest of 256 KiB to 16 MiB still pickled at",
        f"  # the geometric mean of the two rates or faster ({mib:g} MiB)",
        f"  pickle_cached_bytes_per_s: {fmt_rate(p['cached'][0])}",
        f"  unpickle_cached_bytes_per_s: {fmt_rate(p['cached'][1])}",
        f"  pickle_large_bytes_per_s: {fmt_rate(p['large'][0])}",
        f"  unpickle_large_bytes_per_s: {fmt_rate(p['large'][1])}",
        f"  pickle_cache_bytes: {p['cache_bytes']}",
        "  # os.write of 5 bytes, os.read of 4 then 1, on a pipe nobody waits on (1000 per batch); then",
        "  # Connection.send_bytes(b'x') and recv_bytes less those system calls (1 write, 2 reads)",
        f"  pipe_write_syscall: {fmt_duration(pipe['write'])}",
        f"  pipe_read_syscall: {fmt_duration(pipe['read'])}",
        f"  pipe_send_call: {fmt_duration(pipe['send'])}",
        f"  pipe_recv_call: {fmt_duration(pipe['recv'])}",
        "  # multiprocessing.Queue.put(None), feeder started, batches of 500; Queue.get() of items in the",
        "  # pipe less recv_bytes and the unpickle call",
        f"  mp_queue_put: {fmt_duration(put)}",
        f"  mp_queue_get: {fmt_duration(get)}",
        "  # multiprocessing.pool's _handle_tasks, _handle_results and worker() per task of",
        "  # map(f, range(N), chunksize=1), queue calls stubbed; the worker's less f's calls",
        f"  pool_task_handler: {fmt_duration(task_handler)}",
        f"  pool_result_handler: {fmt_duration(result_handler)}",
        f"  pool_worker_task: {fmt_duration(worker)}",
    ]


def print_calibration(description, lines, argv):
    """The command line of a calibration script ([--quick] [--runs N]): prints lines(quick, runs)."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="shorter measurements (tests)")
    parser.add_argument("--runs", type=int, default=1, metavar="N", help="median of N whole runs (1)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error(f"--runs: expected an integer >= 1, got {args.runs}")
    print("\n".join(lines(args.quick, args.runs)))
    return 0


def main(argv):
    return print_calibration(__doc__, calibration_lines, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
