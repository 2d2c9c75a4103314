"""Step execution (the hot path: a few attribute-free local calls between timestamps)."""

import hashlib
import math
import threading
import time

from .common import NATIVE_DIGEST, NATIVE_PASSWORD, NATIVE_SALT
from .kernels import cpu_kernel
from .program import ASYNCIO, CONSUME, CPU, FIXED, GET, IO, LOCK, NATIVE, PUT, REPEAT, SLEEP, UNIFORM, UNLOCK
from .channels import CHANNEL_CLOSED, ChannelDeadlock
from .echo_server import ECHO_REQUEST


def native_parallel(iterations, threads):
    """Native code with internal threads: `threads` concurrent pbkdf2 calls, in helper threads the
    caller starts and joins (it waits in join() with the GIL released, as in a BLAS call)."""
    helpers = [threading.Thread(target=hashlib.pbkdf2_hmac, daemon=True,
                                args=(NATIVE_DIGEST, NATIVE_PASSWORD, NATIVE_SALT, iterations))
               for _ in range(threads)]
    for helper in helpers:
        helper.start()
    for helper in helpers:
        helper.join()


def make_io_arg(next_uniform, echo):
    """arg(latency): the io call's argument for a random latency, drawn now from the stream's next
    uniform as Latency::sample does (seconds for time.sleep, or the packed echo request)."""
    log, pack = math.log, ECHO_REQUEST.pack

    def arg(latency):
        distribution, a, b = latency
        if distribution == UNIFORM:
            seconds = a + (b - a) * next_uniform()
        else:
            seconds = -a * log(1.0 - next_uniform())
        return pack(max(0, round(seconds * 1e9))) if echo else seconds

    return arg


def fixed_io_arg(latency, echo):
    """The io call's argument, computed before the run, for a fixed latency (None otherwise)."""
    if latency[0] != FIXED:
        return None
    return ECHO_REQUEST.pack(max(0, round(latency[1] * 1e9))) if echo else latency[1]


def make_runner(append, runs, io_call, io_arg):
    """run(steps): executes bound steps (bind_program), appending (index, t0, t1) per step, and
    the GIL runs of cpu steps to `runs` (see cpu_kernel).

    A step's iteration is its execution count in the thread: the trace writer counts the spans.
    """
    now = time.monotonic_ns
    kernel = cpu_kernel
    pbkdf2, digest, password, salt = hashlib.pbkdf2_hmac, NATIVE_DIGEST, NATIVE_PASSWORD, NATIVE_SALT
    sleep = time.sleep
    closed = CHANNEL_CLOSED

    def run(steps):
        for code, index, value, body in steps:
            if code == CPU:
                t = now()
                kernel(value, runs)
                append((index, t, now()))
            elif code == IO:
                arg = value[0]
                if arg is None:
                    arg = io_arg(value[1])
                t = now()
                io_call(arg)
                append((index, t, now()))
            elif code == NATIVE:
                t = now()
                pbkdf2(digest, password, salt, value)
                append((index, t, now()))
            elif code == SLEEP:
                t = now()
                sleep(value)
                append((index, t, now()))
            elif code == LOCK or code == UNLOCK:  # value: the lock's acquire or release
                t = now()
                value()
                append((index, t, now()))
            elif code == REPEAT:
                for _ in range(value):
                    run(body)
            elif code == PUT:
                put, message = value
                t = now()
                put(message)
                append((index, t, now()))
            elif code == CONSUME:  # one span per receive, the closing one included (as simulated)
                while True:
                    t = now()
                    message = value()
                    append((index, t, now()))
                    if message is closed:
                        break
                    run(body)
            elif code == GET:
                receive, name = value
                t = now()
                message = receive()
                append((index, t, now()))
                if message is closed:
                    raise ChannelDeadlock(f"get on channel {name!r}: every thread that puts to it has finished and "
                                          f"it is empty, so it would wait forever (the simulator reports a deadlock)")
            elif code == ASYNCIO:
                t = now()
                value()
                append((index, t, now()))
            else:  # NATIVE_THREADS
                t = now()
                native_parallel(*value)
                append((index, t, now()))

    return run
