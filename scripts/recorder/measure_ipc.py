"""`calibrate`'s measurements of processes and IPC: process start, pickling, pipes and queues,
the pipe wake-up and ProcessPoolExecutor.submit()."""

import concurrent.futures
import fcntl
import json
import multiprocessing
import os
import pickle
import statistics
import subprocess
import sys
import time

from calibrate_start import trimmed_mean

from .common import SCRIPTS, RunFailed
from .kernels import _time_ns


def measure_processes(quick):
    """Mean start, start() call and join times (s) per start method, forkserver's first start
    separately.

    Measured by scripts/calibrate_start.py in an interpreter of its own: spawn and forkserver
    children re-import the main module, which must be a small one (not this recorder) for the
    figures to be the interpreter's own cost.
    """
    script = os.path.join(SCRIPTS, "calibrate_start.py")
    command = [sys.executable, script, "--json"] + (["--quick"] if quick else [])
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RunFailed(f"{' '.join(command)} failed: {done.stderr.strip()}")
    figures = json.loads(done.stdout)
    return figures["start"], figures["call"], figures["join"]


def pickle_payload(total_bytes, chunk=65536):
    """Buffer-like data (distinct 64 KiB bytes objects): the per-byte cost of bulk payloads."""
    return [bytes([i % 251]) * chunk for i in range(max(1, total_bytes // chunk))]


def measure_pickle(total_bytes, samples):
    """Pickling and unpickling throughput (bytes/s) at multiprocessing's default protocol."""
    payload = pickle_payload(total_bytes)
    data = pickle.dumps(payload)
    size = len(data)
    dumps = statistics.median(_time_ns(pickle.dumps, payload) for _ in range(samples))
    loads = statistics.median(_time_ns(pickle.loads, data) for _ in range(samples))
    return size * 1e9 / dumps, size * 1e9 / loads


def ipc_sender(kind, channel, go, messages, size):
    """Child side of the IPC measurement: on each 'go', sends `messages` messages of `size` bytes."""
    block = b"x" * size
    while go.recv():
        for _ in range(messages):
            if kind == "pipe":
                channel.send_bytes(block)
            else:
                channel.put(block)


def measure_ipc(kind, messages, size, trials):
    """Throughput (bytes/s) of a Pipe (send_bytes) or a Queue (pickled bytes) from a child."""
    context = multiprocessing.get_context("fork")
    go_recv, go_send = context.Pipe(duplex=False)
    if kind == "pipe":
        reader, channel = context.Pipe(duplex=False)
        receive = reader.recv_bytes
    else:
        channel = context.Queue()
        receive = channel.get
    child = context.Process(target=ipc_sender, args=(kind, channel, go_recv, messages, size), daemon=True)
    child.start()
    rates = []
    try:
        for _ in range(trials):
            start = time.monotonic_ns()
            go_send.send(True)
            for _ in range(messages):
                receive()
            rates.append(messages * size * 1e9 / (time.monotonic_ns() - start))
        go_send.send(False)
        child.join(10)
    finally:
        if child.is_alive():
            child.terminate()
            child.join()
    return statistics.median(rates)


def pickle_overhead_bytes(size=65536):
    """Bytes the pickle of the recorder's message (a bytes payload and an empty list) adds to
    the payload, at multiprocessing's protocol: what a pipe carries beyond `bytes`."""
    from multiprocessing.reduction import ForkingPickler
    return len(ForkingPickler.dumps((bytes(size), []))) - size


def measure_pipe_copies(samples):
    """(capacity, write rate, read rate) of an OS pipe: F_GETPIPE_SZ of a new Pipe, and
    Connection.send_bytes, then recv_bytes, of a message that fills the empty pipe exactly (its
    4-byte header and capacity - 4 bytes), with nobody blocked on the other end: the copies into
    and out of the kernel buffer, in bytes of pipe per second (medians)."""
    reader, writer = multiprocessing.Pipe(duplex=False)
    try:
        capacity = fcntl.fcntl(writer.fileno(), getattr(fcntl, "F_GETPIPE_SZ", 1032))
        block = bytes(capacity - 4)
        writes, reads = [], []
        for _ in range(samples):
            start = time.monotonic_ns()
            writer.send_bytes(block)
            middle = time.monotonic_ns()
            reader.recv_bytes()
            writes.append(middle - start)
            reads.append(time.monotonic_ns() - middle)
    finally:
        reader.close()
        writer.close()
    return capacity, capacity * 1e9 / statistics.median(writes), capacity * 1e9 / statistics.median(reads)


def _nothing():
    return None


def measure_pool_submit(submits, samples):
    """Seconds of ProcessPoolExecutor.submit() on a pool whose workers are running (fork): the
    Future and _WorkItem, the work-id queue put and the manager's wake-up write; median of
    batches, each waited for before the next."""
    context = multiprocessing.get_context("fork")
    times = []
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=context) as pool:
        pool.submit(_nothing).result()
        for _ in range(samples):
            start = time.perf_counter_ns()
            futures = [pool.submit(_nothing) for _ in range(submits)]
            times.append((time.perf_counter_ns() - start) / submits)
            for future in futures:
                future.result()
    return statistics.median(times) / 1e9


def pipe_wakeup_child(reader, stamps):
    """Receives len(stamps) messages, noting when each recv_bytes returns."""
    for i in range(len(stamps)):
        reader.recv_bytes()
        stamps[i] = time.monotonic_ns()


def measure_pipe_wakeup(blocked_s, samples):
    """Mean time (s) from send_bytes of a 1-byte message to recv_bytes returning in a child
    process that has been blocked on the empty pipe for blocked_s (without the top and bottom
    10%). The parent spins between messages, as a producer computing its next message would."""
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    stamps = context.RawArray("q", samples)
    child = context.Process(target=pipe_wakeup_child, args=(reader, stamps), daemon=True)
    child.start()
    sent = []
    try:
        time.sleep(0.05)  # the child is up and blocked
        for i in range(samples):
            if i:
                while stamps[i - 1] == 0:  # it has the previous message: now it blocks again
                    pass
            until = time.monotonic_ns() + blocked_s * 1e9
            while time.monotonic_ns() < until:
                pass
            sent.append(time.monotonic_ns())
            writer.send_bytes(b"x")
        child.join(10)
    finally:
        if child.is_alive():
            child.terminate()
            child.join()
    if child.exitcode != 0:
        raise RunFailed(f"the pipe wake-up probe process exited with {child.exitcode}")
    return trimmed_mean([stamps[i] - sent[i] for i in range(samples)]) / 1e9


# Blocked times after which calibration measures the pipe wake-up: on VMs the wake-up grows with
# the time the CPU spent idle, and the model interpolates between these (runtime.ipc.pipe_wakeup).
PIPE_WAKEUP_BLOCKS = (100e-6, 1e-3, 10e-3)
