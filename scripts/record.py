#!/usr/bin/env python3
"""Run a gilsim scenario for real in CPython and record its timeline; calibrate this host.

    scripts/record.py run SCENARIO [--set k=v]... [--switch-interval D] [--variant NAME]...
                          [--repeat N] [--io sleep|echo] [--start-method fork|spawn|forkserver]
                          [--timeout S] --out DIR
    scripts/record.py calibrate --out FILE.yaml [--quick]
    scripts/record.py measure lock_release
    scripts/record.py measure semaphore

`run` executes every variant of the scenario, `--repeat` times, in the CPython that runs this
script, and writes DIR/<name>[.<variant>].rep<k>.trace.json in the trace format of
docs/trace-format.md, so `gilsim validate` can compare the simulated and the measured timelines.
`calibrate` measures this host into a machine profile (scenarios/profiles/*.yaml).
`measure` runs one of calibrate's measurements alone and prints its profile lines, to add a new
key to an existing profile without re-calibrating the host.

The scenario is read only through `scripts/gilsim export`, so the recorder executes exactly what
the simulator simulates (variants merged, overrides applied). Standard library only.

How the steps run (fidelity first: each is one real thing CPython does, sized by calibration):

- cpu: S     pure-Python bytecode: a fixed LCG loop (`cpu_kernel`) of round(S / cpu_unit)
             iterations. Never a wall-clock deadline: a thread that waits for the GIL must take
             longer, as in the simulator. cpu_unit_ns is measured at the start of every run
             (median of 7 single-threaded timings). The loop reads the clock every CPU_CHUNK
             iterations; a gap over GIL_PAUSE_NS between two reads is a pause (the thread lost
             the GIL or its CPU), and the stretches between pauses are the thread's GIL runs,
             written as "python" state spans (docs/trace-format.md). The calibration times the
             same loop, reads included, so they do not lengthen the steps (they cost nothing
             measurable: 67.6-68.6 ns per iteration against 69.5-71.0 ns for the plain loop).
- native: S  ONE call of hashlib.pbkdf2_hmac('sha256', ...) with calibrated iterations. CPython
             runs OpenSSL's PKCS5_PBKDF2_HMAC between Py_BEGIN/END_ALLOW_THREADS: one GIL drop
             and one take, as the simulator models. Verified on the reference host (2 cores):
             two threads doing it concurrently take 1.03-1.13x the time of one, while two
             threads running the cpu kernel take 2.03-2.07x. (sha256 over a buffer would also
             release the GIL, but a long step would need a buffer as large as its bytes;
             pbkdf2 is pure computation in constant memory.) The calibration is stored
             honestly as native_iterations_per_s (PBKDF2 iterations, not bytes) plus the fixed
             per-call overhead.
  {threads: K}  native code with internal threads (BLAS): K concurrent pbkdf2 calls of 1/K of
             the work each, in K helper threads the calling thread starts and joins (it waits
             in join() without the GIL); one `native` span. The helpers are Python threads:
             each takes the GIL to start and around its call, which BLAS threads never do.
- io         `--io sleep`: time.sleep(latency). `--io echo`: a blocking sendall/recv on a TCP
             connection to a delay/echo server on 127.0.0.1, which runs in a separate process
             (its own GIL) started before the run; the request carries the latency, the server
             waits that long and echoes. Each scenario thread keeps one connection, opened by
             whoever starts the thread before starting it.
             Latencies are the simulator's draws: splitmix64, one stream per thread (stream =
             global thread index), one draw per random io call in execution order (taken as the
             call is about to run, from uniforms drawn before the run: inside a consume body
             their number depends on the messages the thread receives).
- sleep: S   time.sleep(S).
- lock/unlock  threading.Lock().acquire() / .release(), one lock per name and process.
- repeat     a Python for loop.
- put/get/consume  on channels: queue.Queue (one per process), multiprocessing.SimpleQueue
             (`pipe`) and multiprocessing.Queue (`mp_queue`, with its real feeder thread), made
             before any process starts. A put sends a payload of `bytes` bytes and `objects`
             small ints (pickled unless it is a queue.Queue). A channel closes, as in the
             simulator, when every thread that puts to it has finished: each writer sends a marker
             when it ends, and the reader that takes the last one tells the other readers.
             consume: one span per receive (to the message unpickled), the closing one included,
             as the simulator writes them. A get on a closed channel fails the run (the simulator
             reports a deadlock); a run still going after --timeout fails too (a writer blocked
             on a full pipe: real pipes are bounded, the simulator's channels are not).
- asyncio    asyncio.run() of a main() gathering `tasks` coroutines that run the step's
             program (or the `coroutines` kinds, `count` of each): cpu and native block the
             loop; lock/unlock are asyncio.Locks and put/get/consume asyncio.Queue operations on
             the loop's `queues`, which close as the simulator's do (the last coroutine that puts
             to one puts a marker when it returns; a consumer that gets it puts it back for the
             next and stops; a get that gets it fails the run); io and sleep are awaited (asyncio.sleep,
             or with --io echo a stream to the echo server on one connection per task);
             run_in_executor awaits loop.run_in_executor() on the loop thread's
             ThreadPoolExecutor of `executor_threads` threads (0: Python's default, min(32,
             os.cpu_count() + 4)), whose blocking function runs its steps as a thread does. One
             `asyncio` span, as in the simulator. The executor's threads start lazily, on
             submits, as in CPython (the simulator has them from time 0); they are recorded as
             the simulator's "<loop>-executor[i]" (i-th started), one "executor worker" span
             from their first line to their exit, when the loop thread ends. Their random io
             latencies come from the simulator's stream of that executor thread.

Processes, laid out exactly as the simulator does (sim/engine/WorkloadLayout.cpp):
- One process instance and no start_method: its threads are threading.Threads of this
  process, started one after another by the main thread, which then waits in join().
- Several instances: each is a multiprocessing child. A process without a start_method is,
  in the simulator, running at time 0: the recorder starts it before t0 (with --start-method),
  lets it open its connections, and releases it at t0; its main thread then starts that
  instance's threads and joins them. A process with a start_method is started at t0 with that
  method by the recorder's main thread, which plays the simulator's synthesized parent
  process "main" / thread "MainThread" (process and thread 0, which shifts every other index
  and RNG stream by one): Process.start() of each such instance in order, then join() of each,
  recorded as `process_start` and `join` steps with the simulator's labels (a processes
  strategy's pool marks its own parent process, whose MainThread does that while the pool's
  task and result handlers run in the recorder's process too). Before a run that
  starts processes with forkserver, the interpreter's forkserver is stopped so that the first
  start pays for the server, as the simulator models it.
- Children leave their spans in a file (pickle) when their threads are done and exit; the
  parent reads them after the run. A pipe would make a child's exit, hence a measured
  join(), wait for the parent to read, and the parent would compete for the CPUs meanwhile.
- sys.setswitchinterval() is applied in every process that runs scenario threads, and the
  garbage collector is off there during the run, so the recorder's growing span lists cannot
  trigger collections the scenario would not have.
- The echo server is infrastructure, always forked before anything else.

Refused before anything runs (exit 2, nothing written): step kinds and keys the recorder does
not know (so a new simulator feature is never silently mis-executed), among them
concurrent.futures.ProcessPoolExecutor (executor_map, and asyncio steps with a process-pool
executor) and, in coroutines, put/get/consume on thread or process channels (blocking calls
that stall the loop); interpreter queues and
several sub-interpreters in a process, random io latencies in asyncio coroutines (the
simulator draws them in the order its schedule begins the awaits), a get on a channel nobody
writes, a pipe nobody reads, a build (default / free-threaded) other than this Python's, and
runs too large to record (see MAX_*).

Times: t0 is time.monotonic_ns() just before the first thread or process of the run is started
or released (CLOCK_MONOTONIC is system-wide on Linux, so children's raw timestamps share it;
the parent subtracts t0 when it writes the trace). A thread's "start" span runs from the
parent's Thread.start() / Process.start() call (or the release, for a process running from
time 0) to the first line of the thread's function; MainThread's is [t0, t0]. A step span runs
from just before the step's call to just after it returns, which for a GIL-releasing call
includes taking the GIL back. `iteration` is the step's execution count in its thread, which
is the enclosing repeat's iteration for a step inside one repeat; this is what the simulator
writes (the innermost repeat's iteration would give duplicate keys for nested repeats, and
consume bodies run as many times as messages come).
"""

import argparse
import asyncio
import collections
import concurrent.futures
import datetime
import fcntl
import gc
import hashlib
import json
import math
import multiprocessing
import os
import pickle
import queue
import platform
import shlex
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "scenarios", "validation", "lib"))
import vtrace  # noqa: E402  (host facts, shared with the validation suite's programs)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import calibrate_calls  # noqa: E402  (per-call IPC and Pool costs, also runnable alone)
from calibrate_start import stop_forkserver, trimmed_mean  # noqa: E402  (process start, a light module)

PROG = "record.py"
SCRIPT = os.path.abspath(__file__)
REPO_ROOT = os.path.dirname(os.path.dirname(SCRIPT))
GILSIM = os.path.join(REPO_ROOT, "scripts", "gilsim")

START_METHODS = ("fork", "spawn", "forkserver")
IO_MODES = ("sleep", "echo")

# What a real run can reasonably execute and record (the simulator's limits are far higher).
MAX_PROCESSES = 1000
MAX_THREADS = 10000
MAX_STEP_EXECUTIONS = 2_000_000  # each is one trace line of ~200 bytes

STEP_TID_BASE = 2000000
NATIVE_DIGEST, NATIVE_PASSWORD, NATIVE_SALT = "sha256", b"password", b"salt"


class ScenarioRefused(Exception):
    """The scenario cannot be recorded; raised before anything runs (exit 2)."""


class RunFailed(Exception):
    """Something failed while running (exit 1)."""


# --------------------------------------------------------------------------------------------
# The simulator's random draws (sim/util/Rng.hpp, models/io/Latency.cpp)

MASK64 = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15


class SplitMix64:
    """splitmix64 exactly as sim/util/Rng.hpp, so the recorder draws the simulator's latencies."""

    __slots__ = ("state",)

    def __init__(self, seed):
        self.state = seed & MASK64

    @classmethod
    def for_stream(cls, seed, stream):
        """The stream of one entity (here: a thread, stream = its global index)."""
        mixer = cls(seed ^ ((GOLDEN_GAMMA * (stream + 1)) & MASK64))
        return cls(mixer.next())

    def next(self):
        self.state = (self.state + GOLDEN_GAMMA) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def uniform(self):
        """Uniform in [0, 1) with 53 bits, as Rng::uniform()."""
        return (self.next() >> 11) * 2.0**-53


def sample_latency(latency, rng):
    """One io latency in seconds; only random distributions draw (Latency::sample)."""
    distribution = latency["distribution"]
    if distribution == "fixed":
        return latency["latency_s"]
    if distribution == "uniform":
        a, b = latency["min_s"], latency["max_s"]
        return a + (b - a) * rng.uniform()
    return -latency["mean_s"] * math.log(1.0 - rng.uniform())


def _contains_io(steps):
    return any(s["kind"] == "io" or (s["kind"] == "repeat" and _contains_io(s["steps"])) for s in steps)


def draw_latencies(program, seed, stream):
    """Every io latency (seconds) of a thread's program of repeats and leaf steps, in execution
    order, from its RNG stream. (A run draws them as it goes, from pre-drawn uniforms: see
    ThreadPlan; this is the same sequence, computed ahead, for programs whose io runs a fixed
    number of times.)"""
    rng = SplitMix64.for_stream(seed, stream)
    out = []

    def walk(steps):
        for step in steps:
            if step["kind"] == "io":
                out.append(sample_latency(step["latency"], rng))
            elif step["kind"] == "repeat" and _contains_io(step["steps"]):
                for _ in range(step["count"]):
                    walk(step["steps"])

    walk(program)
    return out


# --------------------------------------------------------------------------------------------
# Scenario: `gilsim export`, validation, instances

def export_scenario(scenario, sets, switch_interval, variants):
    """The resolved scenario JSON from `scripts/gilsim export` (the only way we read scenarios).

    scripts/gilsim runs from the repository root, so the path is made relative to it (or
    absolute) first; the user's overrides are passed through unchanged.
    """
    path = os.path.abspath(scenario)
    relative = os.path.relpath(path, REPO_ROOT)
    if not relative.startswith(os.pardir + os.sep):
        path = relative
    command = [GILSIM, "export", path]
    for value in sets:
        command += ["--set", value]
    if switch_interval is not None:
        command += ["--switch-interval", switch_interval]
    for name in variants:
        command += ["--variant", name]
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as e:
        raise RunFailed(f"cannot run {GILSIM}: {e}") from e
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        what = f"gilsim export failed (exit {done.returncode})"
        if done.returncode == 2:
            raise ScenarioRefused(what)
        raise RunFailed(what)
    try:
        return json.loads(done.stdout)
    except ValueError as e:
        raise RunFailed(f"gilsim export printed invalid JSON: {e}") from e


def _require(condition, where, what):
    if not condition:
        raise ScenarioRefused(f"{where}: {what}")


def _is_number(value, minimum=0.0):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) \
        and value >= minimum


def _is_count(value, minimum=0):
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _is_cpu_set(value):
    return isinstance(value, list) and all(_is_count(cpu) for cpu in value)


def cpu_set(*sets):
    """The CPUs in every non-empty set (an affinity: empty means every CPU)."""
    result = None
    for s in sets:
        if s:
            result = set(s) if result is None else result & set(s)
    return sorted(result) if result is not None else []


def _check_keys(obj, allowed, where):
    _require(isinstance(obj, dict), where, "expected an object")
    unknown = sorted(set(obj) - set(allowed))
    _require(not unknown, where, f"the recorder cannot execute '{', '.join(unknown)}' "
                                 f"(it knows: {', '.join(allowed)})")


LATENCY_KEYS = {"fixed": ("latency_s",), "uniform": ("min_s", "max_s"), "exponential": ("mean_s",)}
STEP_KEYS = {"cpu": ("label", "kind", "seconds", "eval_breaker"), "native": ("label", "kind", "seconds", "threads"),
             "sleep": ("label", "kind", "seconds"), "io": ("label", "kind", "latency"),
             "lock": ("label", "kind", "lock"), "unlock": ("label", "kind", "lock"),
             "repeat": ("label", "kind", "count", "steps"),
             "put": ("label", "kind", "channel", "bytes", "objects"), "get": ("label", "kind", "channel"),
             "consume": ("label", "kind", "channel", "steps"),
             "asyncio": ("label", "kind", "tasks", "executor_threads", "program", "coroutines", "queues"),
             # input_bytes, output_bytes, objects: pickled only by a process pool, which the recorder refuses
             "run_in_executor": ("label", "kind", "steps", "input_bytes", "output_bytes", "objects")}
# Simulator features the recorder does not execute yet, refused with what they are.
UNSUPPORTED = {
    "executor_map": "concurrent.futures.ProcessPoolExecutor (the processes strategy with api: executor) is not "
                    "supported by the recorder yet",
    "asyncio.executor": "run_in_executor on a ProcessPoolExecutor (executor kind processes, the asyncio+processes "
                        "strategy) is not supported by the recorder yet",
    "acquire": "semaphores (acquire and release steps, workload.semaphores) are not supported by the recorder yet",
    "release": "semaphores (acquire and release steps, workload.semaphores) are not supported by the recorder yet",
}
# Where each kind may appear (sim/scenario/ProgramReader.cpp): a thread's program, an asyncio
# step's coroutine, and the blocking function a coroutine hands to run_in_executor.
LEAF_KINDS = ("cpu", "io", "native", "sleep")
KINDS_IN = {"thread": tuple(k for k in STEP_KEYS if k != "run_in_executor"),
            "coroutine": LEAF_KINDS + ("run_in_executor", "repeat", "lock", "unlock", "put", "get", "consume"),
            "work": LEAF_KINDS}
PLACES = {"thread": "a thread's program", "coroutine": "an asyncio coroutine", "work": "a run_in_executor function"}
CHANNEL_KINDS = ("queue", "pipe", "mp_queue")  # interpreter_queue needs per-interpreter GILs (3.13+)
MAX_MESSAGE_BYTES = 1 << 30
MAX_MESSAGE_OBJECTS = 10_000_000
MAX_NATIVE_THREADS = 256
MAX_ASYNCIO_TASKS = 100_000
MAX_ECHO_CONNECTIONS = 1000  # --io echo: one per thread, asyncio task and executor thread


def coroutine_kinds(step):
    """(name, count, program) of an asyncio step's coroutines: `tasks` copies of `program`, or the
    kinds its `coroutines` list."""
    if "coroutines" in step:
        return [(c["name"], c["count"], c["program"]) for c in step["coroutines"]]
    return [("task", step["tasks"], step["program"])]


def walk_steps(steps):
    """Every step of a program, through repeat and consume bodies (not into asyncio steps)."""
    for step in steps:
        yield step
        if step["kind"] in ("repeat", "consume"):
            yield from walk_steps(step["steps"])


def loop_steps(step):
    """Every step of an asyncio step's coroutines, through their repeat and consume bodies."""
    for _, _, program in coroutine_kinds(step):
        yield from walk_steps(program)


def validate_asyncio(step, at, in_consume):
    """An asyncio step: `tasks` copies of `program` or a list of `coroutines`, and its asyncio queues,
    which its coroutines' put, get and consume steps must name (channel calls that block the
    loop's thread are not supported)."""
    _require(("coroutines" in step) != ("tasks" in step or "program" in step), at,
             "an asyncio step needs either tasks and program or coroutines")
    if "coroutines" in step:
        _require(isinstance(step["coroutines"], list) and step["coroutines"], at, "coroutines must be a non-empty list")
        for c, coroutine in enumerate(step["coroutines"]):
            _check_keys(coroutine, ("name", "count", "program"), f"{at}.coroutines[{c}]")
            _require(isinstance(coroutine.get("name"), str) and _is_count(coroutine.get("count"), 1),
                     f"{at}.coroutines[{c}]", "a coroutine needs a name and a count >= 1")
    else:
        _require(_is_count(step.get("tasks"), 1), at, "tasks must be an integer >= 1")
    _require(sum(count for _, count, _ in coroutine_kinds(step)) <= MAX_ASYNCIO_TASKS, at,
             f"the recorder runs at most {MAX_ASYNCIO_TASKS} tasks in an asyncio step")
    _require(_is_count(step.get("executor_threads")), at, "executor_threads must be an integer >= 0")
    queues = step.get("queues", [])
    _require(isinstance(queues, list), at, "queues must be a list")
    for q, entry in enumerate(queues):
        _check_keys(entry, ("name", "maxsize"), f"{at}.queues[{q}]")
        _require(isinstance(entry.get("name"), str) and _is_count(entry.get("maxsize")), f"{at}.queues[{q}]",
                 "a queue needs a name and a maxsize >= 0")
    names = {entry["name"] for entry in queues}
    for c, (_, _, program) in enumerate(coroutine_kinds(step)):
        where = f"{at}.coroutines[{c}].program" if "coroutines" in step else f"{at}.program"
        validate_steps(program, where, "coroutine", queues=names)
    _require(not in_consume or not any(s["kind"] == "run_in_executor" for s in loop_steps(step)), at,
             "run_in_executor in an asyncio step inside a consume body: the simulator gives such a loop no "
             "executor threads")


def validate_steps(steps, where, context="thread", in_consume=False, queues=frozenset()):
    """Checks a program; unknown kinds or keys are refused. (What it executes: program_bounds.)
    In a coroutine, `queues` are the names of its loop's asyncio queues."""
    _require(isinstance(steps, list), where, "expected a list of steps")
    for i, step in enumerate(steps):
        at = f"{where}[{i}]"
        _require(isinstance(step, dict) and isinstance(step.get("kind"), str), at, "a step without a kind")
        kind = step["kind"]
        _require(kind not in UNSUPPORTED, at, UNSUPPORTED.get(kind, ""))
        _require(kind != "asyncio" or "executor" not in step, at, UNSUPPORTED["asyncio.executor"])
        _require(kind in STEP_KEYS, at, f"step kind '{kind}' is not supported by the recorder "
                                        f"(it runs: {', '.join(STEP_KEYS)})")
        _require(kind in KINDS_IN[context], at, f"a {kind} step in {PLACES[context]} is not supported by the "
                                                f"recorder (there it runs: {', '.join(KINDS_IN[context])})")
        _check_keys(step, STEP_KEYS[kind], at)
        _require(isinstance(step.get("label"), str), at, "a step without a label")
        if kind in ("cpu", "native", "sleep"):
            _require(_is_number(step.get("seconds")), at, "seconds must be a number >= 0")
            # The recorder's CPU kernel is a loop, which checks the eval breaker at every jump back.
            _require(step.get("eval_breaker", True) is True, at,
                     "a cpu step without eval-breaker checks is not supported by the recorder (its CPU kernel is a loop)")
            if kind == "native":
                threads = step.get("threads", 1)
                _require(_is_count(threads, 1) and threads <= MAX_NATIVE_THREADS, at,
                         f"native threads must be an integer from 1 to {MAX_NATIVE_THREADS}")
        elif kind in ("lock", "unlock"):
            _require(isinstance(step.get("lock"), str), at, "a lock step needs a lock name")
        elif kind in ("put", "get", "consume"):
            _require(isinstance(step.get("channel"), str), at, f"a {kind} step needs a channel name")
            _require(context != "coroutine" or step["channel"] in queues, at,
                     f"a {kind} on channel {step['channel']!r} in an asyncio coroutine (a blocking call on a thread "
                     f"or process channel, which stalls the loop) is not supported by the recorder; its coroutines "
                     f"use their loop's asyncio queues")
            if kind == "put":
                _require(_is_number(step.get("bytes")) and step["bytes"] <= MAX_MESSAGE_BYTES, at,
                         f"bytes must be a number from 0 to {MAX_MESSAGE_BYTES}")
                _require(_is_number(step.get("objects")) and step["objects"] <= MAX_MESSAGE_OBJECTS, at,
                         f"objects must be a number from 0 to {MAX_MESSAGE_OBJECTS}")
            if kind == "consume":
                validate_steps(step.get("steps"), at + ".steps", context, context == "thread", queues)
        elif kind == "io":
            latency = step.get("latency")
            distribution = latency.get("distribution") if isinstance(latency, dict) else latency
            _require(distribution in LATENCY_KEYS, at,
                     f"io latency distribution {distribution!r} is not supported by the recorder "
                     f"(it draws: {', '.join(LATENCY_KEYS)})")
            params = LATENCY_KEYS[latency["distribution"]]
            _check_keys(latency, ("distribution",) + params, at + ".latency")
            _require(all(_is_number(latency.get(p)) for p in params), at, "latency values must be numbers >= 0")
            if latency["distribution"] == "uniform":
                _require(latency["min_s"] <= latency["max_s"], at, "uniform latency with min > max")
            _require(context != "coroutine" or distribution == "fixed", at,
                     f"an io step with a {distribution} latency in an asyncio coroutine is not supported by the "
                     f"recorder: the simulator draws each latency when an await begins, in an order its "
                     f"schedule decides and a real run cannot reproduce exactly (use a fixed latency, or "
                     f"run_in_executor, whose executor threads draw from their own streams)")
        elif kind == "asyncio":
            validate_asyncio(step, at, in_consume)
        elif kind == "run_in_executor":
            validate_steps(step.get("steps"), at + ".steps", "work")
        else:
            _require(_is_count(step.get("count")), at, "repeat count must be an integer >= 0")
            validate_steps(step.get("steps"), at + ".steps", context, in_consume, queues)


def latency_mean(latency):
    distribution = latency["distribution"]
    if distribution == "fixed":
        return latency["latency_s"]
    if distribution == "uniform":
        return (latency["min_s"] + latency["max_s"]) / 2
    return latency["mean_s"]


class Bounds:
    """What one pass over a program does, at most: trace spans (`lines`), seconds of work done
    alone (cpu, native, sleep, mean io) and messages put per channel. A consume counts its closing
    receive here; what it does per message is its channel's (see variant_bounds)."""

    __slots__ = ("lines", "seconds", "puts")

    def __init__(self):
        self.lines, self.seconds, self.puts = 0, 0.0, {}

    def add(self, other, times=1):
        self.lines += times * other.lines
        self.seconds += times * other.seconds
        for name, n in other.puts.items():
            self.puts[name] = self.puts.get(name, 0) + times * n

    def widen(self, other):
        self.lines = max(self.lines, other.lines)
        self.seconds = max(self.seconds, other.seconds)
        for name, n in other.puts.items():
            self.puts[name] = max(self.puts.get(name, 0), n)


def work_seconds(steps, messages=None):
    """Seconds of a coroutine's or a blocking function's steps, done one after the other; a consume
    body runs once per message its asyncio queue carries (`messages`)."""
    total = 0.0
    for step in steps:
        if step["kind"] in ("cpu", "native", "sleep"):
            total += step["seconds"]
        elif step["kind"] == "io":
            total += latency_mean(step["latency"])
        elif step["kind"] in ("run_in_executor", "repeat"):
            total += step.get("count", 1) * work_seconds(step["steps"], messages)
        elif step["kind"] == "consume":
            total += (messages or {}).get(step["channel"], 0) * work_seconds(step["steps"], messages)
    return total


def loop_puts(step):
    """{queue: items} an asyncio step's coroutines put on their loop's queues outside consume
    bodies: what the consumers can get, at most."""
    puts = {}

    def count_puts(steps, times):
        for s in steps:
            if s["kind"] == "put":
                puts[s["channel"]] = puts.get(s["channel"], 0) + times
            elif s["kind"] == "repeat":
                count_puts(s["steps"], times * s["count"])

    for _, count, program in coroutine_kinds(step):
        count_puts(program, count)
    return puts


def loop_seconds(step):
    """Seconds of an asyncio step's coroutines, done one after the other."""
    puts = loop_puts(step)
    return sum(count * work_seconds(program, puts) for _, count, program in coroutine_kinds(step))


def offload_draws(steps, puts):
    """Random io latencies the run_in_executor calls of a coroutine's steps draw, at most (`puts`:
    the items of its loop's queues)."""
    draws = 0
    for s in steps:
        if s["kind"] == "run_in_executor":
            draws += random_draws(s["steps"], {})
        elif s["kind"] == "repeat":
            draws += s["count"] * offload_draws(s["steps"], puts)
        elif s["kind"] == "consume":
            draws += puts.get(s["channel"], 0) * offload_draws(s["steps"], puts)
    return draws


def program_bounds(steps, bodies):
    """Bounds of one pass over `steps`; each consume widens bodies[channel] by its per-message bounds."""
    bounds = Bounds()
    for step in steps:
        kind = step["kind"]
        if kind == "repeat":
            bounds.add(program_bounds(step["steps"], bodies), step["count"])
            continue
        bounds.lines += 1
        if kind in ("cpu", "native", "sleep"):
            bounds.seconds += step["seconds"]
        elif kind == "io":
            bounds.seconds += latency_mean(step["latency"])
        elif kind == "put":
            bounds.puts[step["channel"]] = bounds.puts.get(step["channel"], 0) + 1
        elif kind == "asyncio":
            bounds.seconds += loop_seconds(step)
        elif kind == "consume":
            body = program_bounds(step["steps"], bodies)
            body.lines += 1  # the receive of each message is a span too
            bodies.setdefault(step["channel"], Bounds()).widen(body)
    return bounds


def variant_bounds(v):
    """(trace spans, seconds of work, {channel: messages}) of a whole run, at most.

    Every message is received once, by one consume or get: a channel's consume bodies run at
    most as often as it carries messages, which includes those put per message of other channels.
    """
    bodies, static, total = {}, {}, Bounds()
    for process in v["processes"]:
        for thread in process["threads"]:
            bounds = program_bounds(thread["program"], bodies)
            total.add(bounds, process["count"] * thread["count"])
    static = dict(total.puts)
    messages = dict(static)
    for _ in range(len(bodies) + 2):
        carried = dict(static)
        for name, body in bodies.items():
            for other, n in body.puts.items():
                carried[other] = carried.get(other, 0) + messages.get(name, 0) * n
        if carried == messages:
            break
        messages = carried
    else:
        raise ScenarioRefused("workload.channels: consume bodies put to the channels that feed them, in a cycle; "
                              "the recorder cannot bound such a run")
    lines, seconds = total.lines, total.seconds
    for name, body in bodies.items():
        lines += messages.get(name, 0) * body.lines
        seconds += messages.get(name, 0) * body.seconds
    return lines, seconds, messages


def random_draws(steps, messages):
    """How many random io latencies one pass over `steps` draws from its thread's stream, at most."""
    draws = 0
    for step in steps:
        if step["kind"] == "io" and step["latency"]["distribution"] != "fixed":
            draws += 1
        elif step["kind"] == "repeat":
            draws += step["count"] * random_draws(step["steps"], messages)
        elif step["kind"] == "consume":
            draws += messages.get(step["channel"], 0) * random_draws(step["steps"], messages)
    return draws


def executor_draws(steps, messages):
    """How many random io latencies a loop thread's run_in_executor functions draw, at most (any
    one of its executor threads may run them all)."""
    draws = 0
    for step in steps:
        if step["kind"] == "asyncio":
            puts = loop_puts(step)
            draws += sum(count * offload_draws(program, puts) for _, count, program in coroutine_kinds(step))
        elif step["kind"] == "repeat":
            draws += step["count"] * executor_draws(step["steps"], messages)
        elif step["kind"] == "consume":
            draws += messages.get(step["channel"], 0) * executor_draws(step["steps"], messages)
    return draws


def channel_use(program):
    """(channels the program puts to, channels it gets from or consumes), through nested bodies."""
    puts, gets = set(), set()
    for step in program or ():
        if step["kind"] == "put":
            puts.add(step["channel"])
        elif step["kind"] in ("get", "consume"):
            gets.add(step["channel"])
        if step["kind"] in ("repeat", "consume"):
            p, g = channel_use(step["steps"])
            puts |= p
            gets |= g
    return puts, gets


def channel_gets(program):
    """Channels the program takes single messages from with `get` (which may wait forever)."""
    gets = set()
    for step in program or ():
        if step["kind"] == "get":
            gets.add(step["channel"])
        if step["kind"] in ("repeat", "consume"):
            gets |= channel_gets(step["steps"])
    return gets


def validate_channels(v):
    """Channels must be declared and of a kind the recorder runs. A get on a channel nobody writes
    in its scope (a queue is per process, pipes are shared) would wait forever: the simulator
    reports it as a deadlock, the recorder refuses it. A pipe nobody reads would fill up and block
    its writers, which the simulator's channels never do: refused too."""
    channels = v.get("channels", [])
    _require(isinstance(channels, list), "workload.channels", "expected a list")
    kinds = {}
    for c, channel in enumerate(channels):
        at = f"workload.channels[{c}]"
        _require(isinstance(channel, dict) and isinstance(channel.get("name"), str), at, "a channel needs a name")
        _check_keys(channel, ("name", "kind"), at)
        kinds[channel["name"]] = channel.get("kind")
    puts, reads, gets = set(), set(), set()
    for p, process in enumerate(v["processes"]):
        local_puts, local_gets = set(), set()
        for thread in process["threads"]:
            written, read = channel_use(thread["program"])
            puts |= written
            reads |= read
            local_puts |= written
            local_gets |= channel_gets(thread["program"])
        gets |= local_gets
        for name in sorted(local_gets - local_puts):
            _require(kinds.get(name) != "queue", f"workload.processes[{p}]",
                     f"channel {name!r} is read but no thread puts to it in process {process['name']} (a queue "
                     f"exists once per process; the simulator reports that as a deadlock)")
    for name in sorted(puts | reads):
        _require(name in kinds, "workload.channels", f"channel {name!r} is not declared")
        _require(kinds[name] in CHANNEL_KINDS, "workload.channels",
                 f"channel kind {kinds[name]!r} is not supported by the recorder (it runs: {', '.join(CHANNEL_KINDS)})"
                 + (": queues between sub-interpreters need Python 3.13+ interpreters, and the recorder runs "
                    "threads and processes only" if kinds[name] == "interpreter_queue" else ""))
    for name in sorted(gets - puts):
        _require(False, "workload.channels", f"channel {name!r} is read but no thread puts to it (the simulator "
                                             f"reports that as a deadlock)")
    for name in sorted(puts - reads):
        _require(kinds[name] == "queue", "workload.channels",
                 f"channel {name!r} ({kinds[name]}) is written but never read: a real pipe fills up and blocks its "
                 f"writers, which the simulator's channels never do")


def _safe_name(text):
    return isinstance(text, str) and text not in ("", ".", "..") and "/" not in text and "\0" not in text


def looks_like_unmarked_pool(processes):
    """The processes strategy's expansion (sim/scenario/Strategies.cpp) without its parent mark:
    a process main with a task-handler and a result-handler thread, beside started workers."""
    if any("parent" in p for p in processes) or not any(p.get("start_method") for p in processes):
        return False
    return any(p["name"] == "main" and p["count"] == 1 and not p.get("start_method")
               and [t.get("name") for t in p["threads"]] == ["task-handler", "result-handler"] for p in processes)


def validate_variant(v):
    """Refuses what the recorder cannot execute, before anything runs.

    Paths are the scenario's (workload.processes[i]...), so the user can find the spot.
    """
    _require(isinstance(v, dict), "scenario", "expected an object")
    _require(_safe_name(v.get("name")), "name", f"{v.get('name')!r} cannot name a trace file")
    _require(isinstance(v.get("variant"), str) and (v["variant"] == "" or _safe_name(v["variant"])), "variant",
             f"{v.get('variant')!r} cannot name a trace file")
    runtime = v.get("runtime")
    _check_keys(runtime, ("switch_interval_s", "seed", "python", "build", "free_threaded_slowdown", "gil"), "runtime")
    wanted = str(runtime.get("python", "")).rstrip("t")
    running = ".".join(platform.python_version_tuple()[:2])
    _require(wanted in ("", running), "runtime.python",
             f"the scenario simulates CPython {wanted}, but this is {platform.python_version()} ({sys.executable}): "
             f"set runtime.python to {running!r}, or run record.py with that version")
    build = runtime.get("build", "default")
    gil_enabled = python_has_gil()
    _require(build in ("default", "free-threaded"), "runtime.build", f"unknown build {build!r}")
    _require((build == "default") == gil_enabled, "runtime.build",
             f"the scenario wants the {build} build but this Python ({platform.python_version()}, "
             f"{sys.executable}) {'has' if gil_enabled else 'has no'} GIL: run record.py with "
             f"{'a free-threaded python (e.g. python3.13t)' if gil_enabled else 'a default-build python'}")
    _require(_is_number(runtime.get("switch_interval_s")) and runtime["switch_interval_s"] > 0,
             "runtime.switch_interval", "expected a positive duration")
    _require(_is_count(runtime.get("seed")), "runtime.seed", "expected an integer >= 0")
    _require("semaphores" not in v, "workload.semaphores", UNSUPPORTED["acquire"])
    processes = v.get("processes")
    _require(isinstance(processes, list) and processes, "workload.processes", "no processes")

    total_processes = total_threads = 0
    for p, process in enumerate(processes):
        at = f"workload.processes[{p}]"
        # `parent`: the process whose MainThread starts the others (a strategy's multiprocessing.Pool)
        _check_keys(process, ("name", "count", "start_method", "parent", "affinity", "threads"), at)
        _require(_is_cpu_set(process.get("affinity", [])), at + ".affinity", "expected a list of CPU numbers")
        _require(isinstance(process.get("name"), str) and _is_count(process.get("count"), 1), at,
                 "a process needs a name and a count >= 1")
        _require(process.get("start_method") in (None,) + START_METHODS, at + ".start_method",
                 f"unknown start method {process.get('start_method')!r}")
        _require(process.get("parent", False) in (False, True), at + ".parent", "expected true or false")
        _require(not process.get("parent") or (process["count"] == 1 and not process.get("start_method")), at,
                 "the parent process must be one instance running from the start")
        threads = process.get("threads")
        _require(isinstance(threads, list) and threads, at, "a process without threads")
        for t, thread in enumerate(threads):
            tat = f"{at}.threads[{t}]"
            _check_keys(thread, ("name", "count", "interpreter", "affinity", "program"), tat)
            _require(_is_cpu_set(thread.get("affinity", [])), tat + ".affinity", "expected a list of CPU numbers")
            _require(isinstance(thread.get("name"), str) and _is_count(thread.get("count"), 1), tat,
                     "a thread needs a name and a count >= 1")
            validate_steps(thread.get("program"), tat + ".program")
            total_threads += process["count"] * thread["count"]
        interpreters = sorted({thread.get("interpreter", "main") for thread in threads})
        _require(len(interpreters) == 1, at,
                 f"threads in several sub-interpreters ({', '.join(map(str, interpreters))}) are not supported by "
                 f"the recorder: this Python has no per-interpreter GIL to run them with")
        total_processes += process["count"]
    _require(sum(1 for p in processes if p.get("parent")) <= 1, "workload.processes", "several parent processes")
    _require(not looks_like_unmarked_pool(processes), "workload.processes",
             "this is a processes strategy (multiprocessing.Pool), whose parent process 'main' starts the workers "
             "from its own MainThread, but gilsim export does not mark it (\"parent\": true): the recorder cannot "
             "lay it out as the simulator does; use a gilsim whose export marks the parent process")
    _require(total_processes <= MAX_PROCESSES, "workload",
             f"{total_processes} processes; the recorder runs at most {MAX_PROCESSES}")
    _require(total_threads <= MAX_THREADS, "workload",
             f"{total_threads} threads; the recorder runs at most {MAX_THREADS}")
    validate_channels(v)
    executions = variant_bounds(v)[0]
    _require(executions <= MAX_STEP_EXECUTIONS, "workload",
             f"the programs execute {executions} steps; the recorder records at most {MAX_STEP_EXECUTIONS} "
             f"(reduce repeat counts)")


def validate_export(exported):
    """Checks every variant of `gilsim export`'s output; returns the variant list."""
    _require(isinstance(exported, dict) and isinstance(exported.get("variants"), list) and exported["variants"],
             "gilsim export", "no variants")
    for v in exported["variants"]:
        name = v.get("variant") if isinstance(v, dict) else None
        try:
            validate_variant(v)
        except ScenarioRefused as e:
            raise ScenarioRefused(f"variant {name}: {e}" if name else str(e)) from None
    return exported["variants"]


def step_table(program):
    """(kind, label) of each step by pre-order index, counting repeat and consume steps too (an
    asyncio step is one step: its coroutine's steps have no index, as in the simulator)."""
    table = []

    def walk(steps):
        for step in steps:
            table.append((step["kind"], step["label"]))
            if step["kind"] in ("repeat", "consume"):
                walk(step["steps"])

    walk(program)
    return table


class ThreadInstance:
    """One thread of the run, named and numbered as docs/trace-format.md says.

    role: "scenario" (runs `program`), "main" (the parent's MainThread), "executor" (a
    ThreadPoolExecutor worker of `loop`'s run_in_executor) or "feeder" (a multiprocessing.Queue's
    feeder thread: real, but internal to multiprocessing, so never recorded).
    """

    def __init__(self, index, process_index, process_name, name, program, table=None, role="scenario", affinity=()):
        self.index = index  # global thread index: RNG stream, tid
        self.process_index = process_index
        self.process_name = process_name
        self.name = name
        self.program = program  # exported JSON steps (None unless role is "scenario")
        self.table = step_table(program) if table is None else table
        self.role = role
        self.executors = []  # a loop thread's executor threads, by worker number
        self.affinity = list(affinity)  # os.sched_setaffinity() of the process and the thread ([]: none)


class ProcessInstance:
    """One process of the run. `synthesized` marks the parent that starts the others; `parent` a
    process of the scenario that does so (a strategy's multiprocessing.Pool parent)."""

    def __init__(self, index, name, start_method, synthesized=False, parent=False):
        self.index = index
        self.name = name
        self.start_method = start_method  # None: running at time 0
        self.synthesized = synthesized
        self.parent = parent
        self.threads = []


def instance_name(name, count, i):
    return name if count == 1 else f"{name}[{i}]"


def executor_threads_of(program, cpus):
    """The simulator's executor threads for a loop thread (WorkloadLayout::executor_threads_of):
    ThreadPoolExecutor's default size is min(32, cpus + 4), with the scenario's cpus."""
    threads = 0
    for step in program:
        if step["kind"] == "asyncio" and any(s["kind"] == "run_in_executor" for s in loop_steps(step)):
            threads = max(threads, step["executor_threads"] or min(32, cpus + 4))
        elif step["kind"] in ("repeat", "consume"):  # loops in these bodies run on the thread too
            threads = max(threads, executor_threads_of(step["steps"], cpus))
    return threads


def instances(variant):
    """Process instances in order, with global thread indices, as the simulator lays them out.

    Mirrors sim/engine/WorkloadLayout.cpp: when any process has a start_method, a parent
    process "main" with one thread "MainThread" comes first (process 0, thread 0), unless a
    process is marked `parent`, whose first thread MainThread is then. Its program is
    Process.start() of every such process instance in order, then join() of each. A loop thread
    that uses run_in_executor is followed by its executor threads "NAME-executor[i]", and each
    process instance's threads by a "QueueFeederThread C" per multiprocessing.Queue C it puts to.
    """
    result = []
    any_started = any(p.get("start_method") for p in variant["processes"])
    has_parent = any_started and any(p.get("parent") for p in variant["processes"])
    if any_started and not has_parent:
        result.append(ProcessInstance(0, "main", None, synthesized=True))
    machine = variant.get("machine") or {}
    cpus = machine.get("cores", 1) * machine.get("smt", 1)
    main = None
    thread_index = len(result)
    for process in variant["processes"]:
        puts = set()
        for thread in process["threads"]:
            puts |= channel_use(thread["program"])[0]
        for i in range(process["count"]):
            instance = ProcessInstance(len(result), instance_name(process["name"], process["count"], i),
                                       process.get("start_method"), parent=has_parent and bool(process.get("parent")))
            if instance.parent:
                main = ThreadInstance(thread_index, instance.index, instance.name, "MainThread", None, [], "main")
                instance.threads.append(main)
                thread_index += 1
            for thread in process["threads"]:
                for j in range(thread["count"]):
                    loop = ThreadInstance(thread_index, instance.index, instance.name,
                                          instance_name(thread["name"], thread["count"], j), thread["program"],
                                          affinity=cpu_set(process.get("affinity"), thread.get("affinity")))
                    instance.threads.append(loop)
                    thread_index += 1
                    for w in range(executor_threads_of(thread["program"], cpus)):
                        worker = ThreadInstance(thread_index, instance.index, instance.name,
                                                f"{loop.name}-executor[{w}]", None,
                                                [("executor_worker", "executor worker")], "executor")
                        loop.executors.append(worker)
                        instance.threads.append(worker)
                        thread_index += 1
            # multiprocessing makes a real feeder thread; only the simulator can record it.
            for c in variant.get("channels", []):
                if c["kind"] == "mp_queue" and c["name"] in puts:
                    instance.threads.append(ThreadInstance(thread_index, instance.index, instance.name,
                                                           f"QueueFeederThread {c['name']}", None,
                                                           [("feed", f"feed {c['name']}")], "feeder"))
                    thread_index += 1
            result.append(instance)
    if any_started:
        started = [p for p in result if p.start_method]
        table = [("process_start", f"Process.start() {p.name} ({p.start_method})") for p in started]
        table += [("join", f"join() {p.name}") for p in started]
        if main is None:
            main = ThreadInstance(0, 0, "main", "MainThread", None, [], "main")
            result[0].threads.append(main)
        main.table = table
    return result


def scenario_threads(process):
    return [t for t in process.threads if t.role == "scenario"]


def echo_connections(program):
    """Connections a thread needs in --io echo beyond its own: one per task of its asyncio steps
    that do io, and one per executor thread if its run_in_executor functions do."""
    tasks = offload = 0
    for step in program:
        if step["kind"] == "asyncio":
            if any(s["kind"] == "io" for s in loop_steps(step)):
                tasks = max(tasks, sum(count for _, count, _ in coroutine_kinds(step)))
            offload |= any(s["kind"] == "run_in_executor" and any(w["kind"] == "io" for w in s["steps"])
                           for s in loop_steps(step))
        elif step["kind"] in ("repeat", "consume"):
            t, o = echo_connections(step["steps"])
            tasks, offload = max(tasks, t), offload or o
    return tasks, bool(offload)


def executor_workers(program, cpus):
    """The real ThreadPoolExecutor size for a loop thread: executor_threads, or Python's default
    min(32, os.cpu_count() + 4) on this host (the simulator uses the scenario machine's cpus)."""
    return executor_threads_of(program, cpus)


def check_recordable(variant, io_mode):
    """What only a run on this host decides: echo connections, and random latencies in
    run_in_executor on executor threads the simulator does not have. Raises ScenarioRefused."""
    messages = variant_bounds(variant)[2]
    host_cpus = os.cpu_count() or 1
    connections = 0
    for process in instances(variant):
        for t in scenario_threads(process):
            tasks, offload = echo_connections(t.program)
            workers = executor_workers(t.program, host_cpus)
            connections += 1 + tasks + (workers if offload else 0)
            draws = executor_draws(t.program, messages)
            if t.executors and draws:
                _require(workers <= len(t.executors), f"{process.name}/{t.name}",
                         f"its run_in_executor functions draw random io latencies, and this host's default executor "
                         f"has {workers} threads where the simulated machine has {len(t.executors)}: the extra "
                         f"threads have no simulated random stream (set executor_threads)")
                _require(draws <= MAX_STEP_EXECUTIONS, f"{process.name}/{t.name}",
                         f"{draws} random io latencies per executor thread; the recorder draws at most "
                         f"{MAX_STEP_EXECUTIONS}")
            draws = random_draws(t.program, messages)
            _require(draws <= MAX_STEP_EXECUTIONS, f"{process.name}/{t.name}",
                     f"{draws} random io latencies; the recorder draws at most {MAX_STEP_EXECUTIONS}")
    _require(io_mode != "echo" or connections <= MAX_ECHO_CONNECTIONS, "workload",
             f"--io echo would open {connections} connections to the echo server (one per thread, asyncio task "
             f"and executor thread doing io); the recorder opens at most {MAX_ECHO_CONNECTIONS}: use --io sleep")


# --------------------------------------------------------------------------------------------
# Kernels and their calibration

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


# --------------------------------------------------------------------------------------------
# Step execution (the hot path: a few attribute-free local calls between timestamps)

CPU, IO, NATIVE, SLEEP, LOCK, UNLOCK, REPEAT, PUT, GET, CONSUME, ASYNCIO, NATIVE_THREADS, OFFLOAD = range(13)
KIND_CODES = {"cpu": CPU, "io": IO, "native": NATIVE, "sleep": SLEEP, "lock": LOCK, "unlock": UNLOCK,
              "repeat": REPEAT, "put": PUT, "get": GET, "consume": CONSUME, "asyncio": ASYNCIO,
              "run_in_executor": OFFLOAD}
FIXED, UNIFORM, EXPONENTIAL = range(3)


def compile_latency(latency):
    """(distribution, a, b), as Latency::sample uses them."""
    distribution = latency["distribution"]
    if distribution == "fixed":
        return (FIXED, latency["latency_s"], 0.0)
    if distribution == "uniform":
        return (UNIFORM, latency["min_s"], latency["max_s"])
    return (EXPONENTIAL, latency["mean_s"], 0.0)


def compile_leaf(step, calibration):
    """(code, value) of a cpu, io, native or sleep step: kernel sizes computed now."""
    kind = step["kind"]
    if kind == "cpu":
        return CPU, calibration.cpu_iterations(step["seconds"])
    if kind == "sleep":
        return SLEEP, step["seconds"]
    if kind == "io":
        return IO, compile_latency(step["latency"])
    threads = step.get("threads", 1)
    if threads == 1:
        return NATIVE, calibration.native_iterations(step["seconds"])
    # K internal threads sharing the single-core work: each does 1/K of it
    return NATIVE_THREADS, (calibration.native_iterations(step["seconds"] / threads), threads)


def compile_program(program, calibration):
    """Nested tuples (code, step_index, value, body) with kernel sizes already computed.

    An asyncio step's value is (kinds, queues): kinds a tuple of (count, coroutine, queues it puts
    to), queues a tuple of (name, maxsize). A coroutine is a tuple of (code, value, body) (body for
    repeat and consume), a run_in_executor's value the tuple of its blocking function's (code,
    value): their steps have no step index, as in the simulator.
    """
    counter = [0]

    def walk(steps):
        nodes = []
        for step in steps:
            index = counter[0]
            counter[0] += 1
            kind = step["kind"]
            body = ()
            if kind in LEAF_KINDS:
                code, value = compile_leaf(step, calibration)
            elif kind in ("lock", "unlock"):
                code, value = KIND_CODES[kind], step["lock"]  # the name: bound to the process's lock
            elif kind == "put":  # the message is built in the process (see ProcessEnv.message)
                code, value = PUT, (step["channel"], int(step["bytes"]), int(step["objects"]))
            elif kind == "get":
                code, value = GET, step["channel"]
            elif kind == "asyncio":
                kinds = tuple((count, compile_coroutine(program, calibration),
                               tuple(sorted({s["channel"] for s in walk_steps(program) if s["kind"] == "put"})))
                              for _, count, program in coroutine_kinds(step))
                queues = tuple((q["name"], q["maxsize"]) for q in step.get("queues", []))
                code, value = ASYNCIO, (kinds, queues)
            else:  # repeat, consume
                code = KIND_CODES[kind]
                value = step["count"] if kind == "repeat" else step["channel"]
                body = walk(step["steps"])
            nodes.append((code, index, value, body))
        return tuple(nodes)

    return walk(program)


def compile_coroutine(steps, calibration):
    """A coroutine's steps as (code, value, body): kernel sizes computed, names kept (the loop's
    asyncio locks and queues are made when it runs)."""
    nodes = []
    for step in steps:
        kind = step["kind"]
        body = ()
        if kind in LEAF_KINDS:
            code, value = compile_leaf(step, calibration)
        elif kind == "run_in_executor":
            code, value = OFFLOAD, tuple(compile_leaf(w, calibration) for w in step["steps"])
        elif kind in ("lock", "unlock"):
            code, value = KIND_CODES[kind], step["lock"]
        elif kind in ("put", "get"):
            code, value = KIND_CODES[kind], step["channel"]
        else:  # repeat, consume
            code = KIND_CODES[kind]
            value = step["count"] if kind == "repeat" else step["channel"]
            body = compile_coroutine(step["steps"], calibration)
        nodes.append((code, value, body))
    return tuple(nodes)


def lock_names(program):
    """Every lock name a compiled program uses."""
    names = set()
    for code, _, value, body in program:
        if code in (LOCK, UNLOCK):
            names.add(value)
        names |= lock_names(body)
    return names


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


class ChannelDeadlock(Exception):
    """A get on a closed channel."""


WRITER_DONE = "__gilsim_writer_done__"
READER_STOP = "__gilsim_reader_stop__"
CHANNEL_CLOSED = ("closed",)  # what receive() returns once its channel is closed


class LocalCounter:
    """A counter shared by the threads of one process (multiprocessing.Value's interface)."""

    def __init__(self):
        self.value = 0
        self._lock = threading.Lock()

    def get_lock(self):
        return self._lock


class ChannelEnd:
    """A channel as the simulator defines it: closed once every writer thread has finished and it
    is empty. Each writer puts a marker when it ends (behind its messages, in the pipe or in its
    process's feeder buffer); the reader that takes the last one has seen the channel close and
    tells the other readers. `queue` is a queue.Queue, SimpleQueue or multiprocessing.Queue."""

    def __init__(self, queue, writers, readers, counter):
        self.queue, self.writers, self.readers, self.counter = queue, writers, readers, counter
        self.put = queue.put

    def receiver(self):
        """receive() for one reading thread: the next message, or CHANNEL_CLOSED from then on."""
        get, marker = self.queue.get, self._marker
        state = [self.writers == 0]  # closed for this thread

        def receive():
            if state[0]:
                return CHANNEL_CLOSED
            message = get()
            if message.__class__ is str:
                return marker(message, get, state)
            return message

        return receive

    def _marker(self, message, get, state):
        while message.__class__ is str:
            if message == READER_STOP:
                break
            with self.counter.get_lock():
                self.counter.value += 1
                last = self.counter.value == self.writers
            if last:  # every writer is done and nothing is left: closed
                for _ in range(self.readers - 1):
                    self.queue.put(READER_STOP)
                break
            message = get()
        else:
            return message
        state[0] = True
        return CHANNEL_CLOSED

    def writer_done(self):
        self.queue.put(WRITER_DONE)


def shared_channels(variant, layout, context):
    """Pipes and multiprocessing.Queues, made before any process starts, with their writer and
    reader thread counts over all processes (made with `context`, whose locks every start method
    of the run can inherit)."""
    writers, readers = {}, {}
    for p in layout:
        for t in scenario_threads(p):
            puts, gets = channel_use(t.program)
            for name in puts:
                writers[name] = writers.get(name, 0) + 1
            for name in gets:
                readers[name] = readers.get(name, 0) + 1
    ends = {}
    for channel in variant.get("channels", []):
        name, kind = channel["name"], channel["kind"]
        if kind == "queue" or (name not in writers and name not in readers):
            continue
        queue = context.SimpleQueue() if kind == "pipe" else context.Queue()
        ends[name] = ChannelEnd(queue, writers.get(name, 0), readers.get(name, 0), context.Value("i", 0))
    return ends


class LoopExecutor(concurrent.futures.ThreadPoolExecutor):
    """A loop thread's ThreadPoolExecutor for run_in_executor. Its threads start lazily, on
    submits, as in CPython; it notes each one's Thread.start() call, first line and exit, for the
    simulator's "<loop>-executor[i]" threads (worker i: the i-th started, from its name)."""

    def __init__(self, plan, echo, port, sockets):
        self.plan = plan
        self.local = threading.local()
        self.started, self.first, self.ended = {}, {}, {}
        self.worker_io = []
        for w in range(plan.workers):  # io of worker w: its connection, its random stream
            if echo and plan.echo:
                sockets.append(connect_echo(port))
                call = make_echo_call(sockets[-1])
            else:
                call = time.sleep
            uniforms = plan.uniforms[w] if w < len(plan.uniforms) else ()
            self.worker_io.append((call, make_io_arg(iter(uniforms).__next__, echo)))
        super().__init__(max_workers=plan.workers, thread_name_prefix="gilsim-executor", initializer=self._first_line)

    def _adjust_thread_count(self):
        stamp = time.monotonic_ns()
        count = len(self._threads)
        super()._adjust_thread_count()
        if len(self._threads) > count:
            self.started[count] = stamp

    @staticmethod
    def worker_of(thread):
        return int(thread.name.rsplit("_", 1)[1])

    def _first_line(self):
        stamp = time.monotonic_ns()
        worker = self.worker_of(threading.current_thread())
        self.first[worker] = stamp
        self.local.io = self.worker_io[worker]

    def join_workers(self):
        """After shutdown(wait=False): joins the threads, noting when each has exited."""
        for thread in sorted(self._threads, key=self.worker_of):
            thread.join()
            self.ended[self.worker_of(thread)] = time.monotonic_ns()

    def results(self):
        """{global index: ThreadResult} of the simulator's executor threads: one span each."""
        return {index: ThreadResult(self.started[w], self.first[w], [(0, self.first[w], self.ended[w])], [])
                for w, index in enumerate(self.plan.recorded) if w in self.first and w in self.ended}


def make_offload(work, local):
    """The blocking function of a run_in_executor: its steps, on whichever executor thread runs it."""
    kernel = cpu_kernel
    pbkdf2, digest, password, salt = hashlib.pbkdf2_hmac, NATIVE_DIGEST, NATIVE_PASSWORD, NATIVE_SALT
    sleep = time.sleep

    def blocking():
        io_call, io_arg = local.io
        for code, value in work:
            if code == CPU:
                kernel(value)
            elif code == IO:
                arg = value[0]
                io_call(io_arg(value[1]) if arg is None else arg)
            elif code == SLEEP:
                sleep(value)
            elif code == NATIVE:
                pbkdf2(digest, password, salt, value)
            else:
                native_parallel(*value)

    return blocking


QUEUE_CLOSED = ("asyncio queue closed",)  # put on an asyncio queue when its last producer returns


def make_asyncio_step(kinds, queues, executor, task_sockets):
    """The asyncio step: asyncio.run() of a main() that gathers every coroutine of `kinds` (count,
    steps, queues it puts to): cpu and native block the loop, io and sleep are awaited
    (asyncio.sleep, or a stream to the echo server on the task's own connection), run_in_executor
    awaits loop.run_in_executor() on the thread's executor, lock/unlock are asyncio.Locks and
    put/get/consume asyncio.Queue operations on the loop's `queues` (name, maxsize). An asyncio
    queue closes as the simulator's does: the last coroutine that puts to it puts QUEUE_CLOSED
    when it returns, and each consumer that gets it puts it back for the next and stops."""
    kernel = cpu_kernel
    pbkdf2, digest, password, salt = hashlib.pbkdf2_hmac, NATIVE_DIGEST, NATIVE_PASSWORD, NATIVE_SALT
    asleep = asyncio.sleep
    size = ECHO_REQUEST.size
    closed = QUEUE_CLOSED

    async def run(steps, loop, io, locks, channels):
        for code, value, body in steps:
            if code == CPU:
                kernel(value)
            elif code == IO:
                await io(value)
            elif code == SLEEP:
                await asleep(value)
            elif code == OFFLOAD:
                await loop.run_in_executor(executor, value)
            elif code == NATIVE:
                pbkdf2(digest, password, salt, value)
            elif code == NATIVE_THREADS:
                native_parallel(*value)
            elif code == REPEAT:
                for _ in range(value):
                    await run(body, loop, io, locks, channels)
            elif code == LOCK:
                await locks[value].acquire()
            elif code == UNLOCK:
                locks[value].release()
            elif code == PUT:
                await channels[value].put(None)
            elif code == GET:
                if await channels[value].get() is closed:
                    raise ChannelDeadlock(f"get on asyncio queue {value!r}: every coroutine that puts to it has "
                                          f"returned and it is empty, so it would wait forever (the simulator "
                                          f"reports a deadlock)")
            else:  # CONSUME
                queue = channels[value]
                while True:
                    if await queue.get() is closed:
                        queue.put_nowait(closed)  # the get made room for it
                        break
                    await run(body, loop, io, locks, channels)

    async def task(k, steps, puts, loop, locks, channels, producers):
        reader = writer = None
        if task_sockets is not None:
            reader, writer = await asyncio.open_connection(sock=task_sockets[k].dup())

        async def io(value):
            if writer is None:
                await asleep(value)
            else:
                writer.write(value)
                await reader.readexactly(size)

        await run(steps, loop, io, locks, channels)
        for name in puts:
            producers[name] -= 1
            if producers[name] == 0:
                await channels[name].put(closed)
        if writer is not None:
            writer.close()

    async def main():
        loop = asyncio.get_running_loop()
        locks = collections.defaultdict(asyncio.Lock)
        channels = {name: asyncio.Queue(maxsize) for name, maxsize in queues}
        producers = {}
        for count, _, puts in kinds:
            for name in puts:
                producers[name] = producers.get(name, 0) + count
        coroutines, k = [], 0
        for count, steps, puts in kinds:
            for _ in range(count):
                coroutines.append(task(k, steps, puts, loop, locks, channels, producers))
                k += 1
        await asyncio.gather(*coroutines)

    def step():
        asyncio.run(main())

    return step


class ProcessEnv:
    """What the threads of one process share: locks, channels, payloads, the io mode."""

    def __init__(self, locks, channels, echo, port):
        self.locks, self.channels, self.echo, self.port = locks, channels, echo, port
        self.messages = {}

    def message(self, size, objects):
        """A put's message: a bytes payload and `objects` small ints, built once and reused."""
        key = (size, objects)
        if key not in self.messages:
            self.messages[key] = (bytes(size), list(range(objects)))
        return self.messages[key]


def bind_program(program, env, receivers, executor, task_sockets):
    """A compiled program with this thread's objects in place of names, before the run."""
    def bind_work(code, value):
        if code == IO:
            return code, (fixed_io_arg(value, env.echo), value)
        return code, value

    nodes = []
    for code, index, value, body in program:
        if code == LOCK:
            value = env.locks[value].acquire
        elif code == UNLOCK:
            value = env.locks[value].release
        elif code == IO:
            value = (fixed_io_arg(value, env.echo), value)
        elif code == PUT:
            value = (env.channels[value[0]].put, env.message(value[1], value[2]))
        elif code == GET:
            value = (receivers[value], value)
        elif code == CONSUME:
            value = receivers[value]
        elif code == ASYNCIO:
            kinds, queues = value

            def bind_coroutine(steps):
                bound = []
                for c, v, body in steps:
                    if c == OFFLOAD:
                        v = make_offload(tuple(bind_work(*w) for w in v), executor.local)
                    elif c == IO:  # fixed latencies only (random ones are refused)
                        v = fixed_io_arg(v, env.echo)
                    bound.append((c, v, bind_coroutine(body)))
                return tuple(bound)

            value = make_asyncio_step(tuple((count, bind_coroutine(steps), puts) for count, steps, puts in kinds),
                                      queues, executor, task_sockets)
        nodes.append((code, index, value, bind_program(body, env, receivers, executor, task_sockets)))
    return tuple(nodes)


class ThreadRun:
    """Everything one scenario thread needs, built before the run starts."""

    __slots__ = ("index", "name", "program", "execute", "spans", "runs", "first_ns", "ended", "error", "sockets",
                 "writes", "executor", "owner", "affinity")

    def __init__(self, plan, env, owner):
        self.index = plan.index
        self.name = plan.name
        self.affinity = plan.affinity
        self.owner = owner
        self.spans = []
        self.runs = []
        self.first_ns = None
        self.ended = False
        self.error = None
        self.sockets = []
        self.executor = None
        echo = env.echo
        if echo:
            self.sockets.append(connect_echo(env.port))
            io_call = make_echo_call(self.sockets[0])
        else:
            io_call = time.sleep
        if plan.executor is not None:
            self.executor = LoopExecutor(plan.executor, echo, env.port, self.sockets)
        task_sockets = None
        if echo and plan.echo_tasks:
            task_sockets = [connect_echo(env.port) for _ in range(plan.echo_tasks)]
            self.sockets += task_sockets
        receivers = {name: env.channels[name].receiver() for name in plan.gets}
        self.writes = [env.channels[name] for name in plan.puts]
        self.program = bind_program(plan.program, env, receivers, self.executor, task_sockets)
        self.execute = make_runner(self.spans.append, self.runs, io_call,
                                   make_io_arg(iter(plan.uniforms).__next__, echo))

    def finish(self):
        """The thread's end, as the simulator's finish_writing: the executor is shut down (its
        threads leave) and the channels it writes may close."""
        if self.executor is not None:
            self.executor.shutdown(wait=False)
        for channel in self.writes:
            channel.writer_done()
        if self.executor is not None:
            self.executor.join_workers()

    def close(self):
        for sock in self.sockets:
            sock.close()
        if self.executor is not None:
            self.executor.shutdown(wait=False)

    def results(self, start_ns):
        """{global index: ThreadResult}: this thread's and its executor threads'."""
        out = {self.index: ThreadResult(start_ns, self.first_ns, self.spans, self.runs)}
        if self.executor is not None:
            out.update(self.executor.results())
        return out


def thread_main(run):
    """A scenario thread's function; its first line ends the thread's start span."""
    if run.affinity:
        os.sched_setaffinity(0, run.affinity)  # this thread's CPUs (Linux: per thread)
    run.first_ns = time.monotonic_ns()
    try:
        run.execute(run.program)
        run.finish()
    except ChannelDeadlock as e:
        run.error = f"{run.name}: {e}"
    except BaseException:  # reported by the parent as a run failure
        run.error = f"{run.name}:\n{traceback.format_exc()}"
    run.ended = True
    run.owner.thread_ended(run.error is not None)


# --------------------------------------------------------------------------------------------
# io: the delay/echo server

ECHO_REQUEST = struct.Struct("!Q")  # latency in ns, echoed back after that long


def connect_echo(port):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def make_echo_call(sock):
    """io_call(request): a blocking sendall, then recv until the echo is back (GIL released)."""
    sendall, recv_into = sock.sendall, sock.recv_into
    buffer = memoryview(bytearray(ECHO_REQUEST.size))
    size = ECHO_REQUEST.size

    def call(request):
        sendall(request)
        got = 0
        while got < size:
            n = recv_into(buffer[got:])
            if n == 0:
                raise ConnectionError("the echo server closed the connection")
            got += n

    return call


def _echo_connection(conn):
    """Server side of one connection: wait the requested latency, echo the request."""
    size = ECHO_REQUEST.size
    with conn:
        while True:
            data = b""
            while len(data) < size:
                chunk = conn.recv(size - len(data))
                if not chunk:
                    return
                data += chunk
            time.sleep(ECHO_REQUEST.unpack(data)[0] / 1e9)
            conn.sendall(data)


def echo_server_main(control):
    """The echo server process: a thread per connection; exits when the parent says so."""
    server = socket.create_server(("127.0.0.1", 0), backlog=1024)
    control.send(server.getsockname()[1])

    def accept():
        while True:
            conn, _ = server.accept()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=_echo_connection, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        control.recv()
    except EOFError:
        pass
    os._exit(0)


class EchoServer:
    """Starts the echo server process before any run and stops it at the end.

    It is infrastructure, not part of the scenario: always forked (cheap, and it leaves the
    forkserver and the start method under test alone).
    """

    def __init__(self):
        context = multiprocessing.get_context("fork")
        self.control, child = context.Pipe()
        self.process = context.Process(target=echo_server_main, args=(child,), name="gilsim-echo", daemon=True)
        self.process.start()
        child.close()
        if not self.control.poll(30):
            self.stop()
            raise RunFailed("the echo server did not start")
        self.port = self.control.recv()

    def stop(self):
        try:
            self.control.send(None)
        except OSError:
            pass
        self.process.join(5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()


# --------------------------------------------------------------------------------------------
# One repetition

class ExecutorPlan:
    """A loop thread's executor: its real size, the simulator's executor threads it stands for
    (global indices, by worker number) and their pre-drawn uniforms (stream = that index)."""

    def __init__(self, workers, recorded, uniforms, echo):
        self.workers = workers
        self.recorded = recorded
        self.uniforms = uniforms
        self.echo = echo  # its blocking functions do io: each worker needs a connection in --io echo


class ThreadPlan:
    """A thread's compiled program and random draws: picklable, for children of any start method.

    uniforms are the thread's stream's first draws (stream = its global index): each random io
    takes the next one when it runs, so the k-th random latency the thread draws is the
    simulator's k-th, whatever the messages it receives.
    """

    def __init__(self, index, name, program, uniforms, puts, gets, executor=None, echo_tasks=0, affinity=()):
        self.index = index
        self.affinity = list(affinity)
        self.name = name  # process/thread, for messages
        self.program = program
        self.uniforms = uniforms
        self.puts, self.gets = puts, gets  # channel names
        self.executor = executor
        self.echo_tasks = echo_tasks


def draw_uniforms(seed, stream, count):
    rng = SplitMix64.for_stream(seed, stream)
    return [rng.uniform() for _ in range(count)]


def thread_plans(process, seed, calibration, io_mode, messages):
    plans = []
    for t in scenario_threads(process):
        puts, gets = channel_use(t.program)
        tasks, offload = echo_connections(t.program)
        executor = None
        if t.executors:
            draws = executor_draws(t.program, messages)
            executor = ExecutorPlan(executor_workers(t.program, os.cpu_count() or 1), [e.index for e in t.executors],
                                    [draw_uniforms(seed, e.index, draws) for e in t.executors] if draws else [],
                                    offload)
        plans.append(ThreadPlan(t.index, f"{t.process_name}/{t.name}", compile_program(t.program, calibration),
                                draw_uniforms(seed, t.index, random_draws(t.program, messages)),
                                sorted(puts), sorted(gets), executor, tasks if io_mode == "echo" else 0,
                                t.affinity))
    return plans


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


class ThreadResult(collections.namedtuple("ThreadResult", "start first spans runs")):
    """What a thread recorded: the Thread.start() / Process.start() stamp (None: its process's
    launch), its first line, its steps [(index, begin, end)] and its GIL runs [(begin, end)]."""

    __slots__ = ()


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
    seed = variant["runtime"]["seed"]
    interval = variant["runtime"]["switch_interval_s"]
    messages = variant_bounds(variant)[2]
    plans = {p.index: thread_plans(p, seed, calibration, io_mode, messages) for p in layout if scenario_threads(p)}
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


# --------------------------------------------------------------------------------------------
# Trace writing (docs/trace-format.md; the layout mirrors sim/trace/ChromeTraceWriter.cpp)

def us(ns):
    """Microseconds with exactly 3 decimals, from integer nanoseconds."""
    sign = "-" if ns < 0 else ""
    ns = abs(ns)
    return f"{sign}{ns // 1000}.{ns % 1000:03d}"


def _js(text):
    return json.dumps(text, ensure_ascii=False)


def metadata_events(layout):
    """process_name / thread_name (and sort index) metadata, like the simulator's step tracks."""
    lines = []
    for process in layout:
        pid = process.index + 1
        tid = STEP_TID_BASE + process.threads[0].index + 1 if process.threads else 0
        head = f'{{"ph":"M","pid":{pid},"tid":{tid},"name":'
        lines.append(f'{head}"process_name","args":{{"name":{_js(process.name)}}}}}')
        lines.append(f'{head}"process_sort_index","args":{{"sort_index":{pid}}}}}')
        for t in process.threads:
            for tid, name, order in ((t.index + 1, t.name, 0), (STEP_TID_BASE + t.index + 1, t.name + " steps", 1)):
                head = f'{{"ph":"M","pid":{pid},"tid":{tid},"name":'
                lines.append(f'{head}"thread_name","args":{{"name":{_js(name)}}}}}')
                lines.append(f'{head}"thread_sort_index","args":{{"sort_index":{2 * (t.index + 1) + order}}}}}')
    return lines


def numbered_spans(spans):
    """(index, iteration, begin, end) per span: a step's iteration is how many times the thread
    executed it before (the simulator's definition)."""
    executions = collections.Counter()
    out = []
    for index, begin, end in spans:
        out.append((index, executions[index], begin, end))
        executions[index] += 1
    return out


def step_events(thread, start_ns, first_ns, numbered, t0):
    """The thread's start span, then one complete event per executed step."""
    head = f'{{"ph":"X","pid":{thread.process_index + 1},"tid":{STEP_TID_BASE + thread.index + 1},"ts":'
    args = f',"args":{{"process":{_js(thread.process_name)},"thread":{_js(thread.name)},"step":'
    kinds = [kind for kind, _ in thread.table]
    labels = [_js(label) for _, label in thread.table]
    lines = [f'{head}{us(start_ns - t0)},"dur":{us(first_ns - start_ns)},"name":"start","cat":"step"'
             f'{args}"start","step_index":-1,"iteration":0}}}}']
    for index, iteration, begin, end in numbered:
        lines.append(f'{head}{us(begin - t0)},"dur":{us(end - begin)},"name":"{kinds[index]}","cat":"step"'
                     f'{args}{labels[index]},"step_index":{index},"iteration":{iteration}}}}}')
    return lines


def gil_run_events(thread, numbered, runs, t0):
    """One "python" state span per GIL run of the thread's cpu steps, on its state track as the
    simulator writes them, with the step it belongs to (each run lies inside one cpu step)."""
    head = f'{{"ph":"X","pid":{thread.process_index + 1},"tid":{thread.index + 1},"ts":'
    cpu_steps = iter([s for s in numbered if thread.table[s[0]][0] == "cpu"])
    lines = []
    index = iteration = step_end = None
    for begin, end in runs:
        while step_end is None or step_end < end:
            index, iteration, _, step_end = next(cpu_steps)
        lines.append(f'{head}{us(begin - t0)},"dur":{us(end - begin)},"name":"python","cat":"state",'
                     f'"args":{{"step_index":{index},"iteration":{iteration}}}}}')
    return lines


def trace_text(variant, measured, other_data):
    """Threads in the simulator's order; those the recorder cannot see (a multiprocessing.Queue's
    feeder, executor threads that never started) have no spans, as validation expects."""
    layout = instances(variant)
    lines = metadata_events(layout)
    for thread in (t for p in layout for t in p.threads):
        if thread.index in measured.threads:
            result = measured.threads[thread.index]
            numbered = numbered_spans(result.spans)
            lines += step_events(thread, result.start, result.first, numbered, measured.t0)
            lines += gil_run_events(thread, numbered, result.runs, measured.t0)
    return ('{"displayTimeUnit":"ms","traceEvents":[\n' + ",\n".join(lines) + "\n],\n"
            + '"otherData":' + json.dumps(other_data, separators=(",", ":"), ensure_ascii=False) + "}\n")


def other_data(variant, measured, host, recorder):
    return {"source": "measured", "scenario": variant["name"], "variant": variant["variant"],
            "cores": host["physical_cores"], "smt": host["threads_per_core"],
            "switch_interval_s": measured.switch_interval, "host": host, "recorder": recorder,
            "gil_runs": {"steps": "cpu", "min_pause_ns": GIL_PAUSE_NS, "chunk_iterations": CPU_CHUNK}}


def makespan_ns(measured):
    return max(max((end for _, _, end in r.spans), default=r.first) for r in measured.threads.values()) - measured.t0


def trace_file_name(variant, repetition):
    middle = f".{variant['variant']}" if variant["variant"] else ""
    return f"{variant['name']}{middle}.rep{repetition}.trace.json"


def write_text(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def write_atomically(path, text):
    """Writes text to path via a temporary file in the same directory and a rename."""
    temporary = f"{path}.tmp.{os.getpid()}"
    write_text(temporary, text)
    os.replace(temporary, path)


# --------------------------------------------------------------------------------------------
# Host facts

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


# --------------------------------------------------------------------------------------------
# `run`

def note_machine(variant, host):
    machine = variant.get("machine") or {}
    wanted = (machine.get("cores"), machine.get("smt"), machine.get("speed", 1.0))
    have = (host["physical_cores"], host["threads_per_core"], 1.0)
    if wanted != have:
        print(f"{PROG}: note: {variant['name']}{' [' + variant['variant'] + ']' if variant['variant'] else ''}: "
              f"the scenario's machine is {wanted[0]} cores x {wanted[1]} SMT at speed {wanted[2]:g}; "
              f"recording on this host ({have[0]} x {have[1]}): validate with the host's profile",
              file=sys.stderr)


def command_line(argv):
    return shlex.join(["scripts/record.py"] + list(argv))


def report_repetition(path, measured, others):
    print(f"{PROG}: {os.path.basename(path)}: makespan {makespan_ns(measured) / 1e9:.6f} s", file=sys.stderr)
    if others > 0.1:
        print(f"{PROG}: warning: other processes used {others:.0%} of the CPUs during this run", file=sys.stderr)


def default_timeout(variant):
    """Seconds after which a run counts as stuck: generous, from the work the scenario does."""
    processes = sum(p["count"] for p in variant["processes"])
    return 60 + 10 * variant_bounds(variant)[1] + processes


def command_run(args, argv):
    """The `run` subcommand: returns the exit status."""
    variants = validate_export(export_scenario(args.scenario, args.set, args.switch_interval, args.variant))
    for v in variants:
        try:
            check_recordable(v, args.io)
        except ScenarioRefused as e:
            raise ScenarioRefused(f"variant {v['variant']}: {e}" if v["variant"] else str(e)) from None
    host = host_facts(args.start_method)
    for v in variants:
        note_machine(v, host)
    calibration = Calibration.measure()
    print(f"{PROG}: cpu unit {calibration.cpu_unit_ns:.2f} ns, native {calibration.native_iterations_per_s:.4g} "
          f"PBKDF2 iterations/s", file=sys.stderr)
    created = not os.path.isdir(args.out)
    os.makedirs(args.out, exist_ok=True)
    written = []  # (temporary, final)
    server = None
    try:
        server = EchoServer() if args.io == "echo" else None
        for v in variants:
            for k in range(args.repeat):
                load = OtherLoad()
                measured = run_once(v, calibration, args.io, server.port if server else None, args.start_method,
                                    args.timeout or default_timeout(v))
                others = load.share()
                recorder = dict(calibration.as_json(), io_mode=args.io, repetition=k, repetitions=args.repeat,
                                other_processes_cpu_share=round(others, 3), command=command_line(argv))
                final = os.path.join(args.out, trace_file_name(v, k))
                written.append((f"{final}.tmp.{os.getpid()}", final))
                write_text(written[-1][0], trace_text(v, measured, other_data(v, measured, host, recorder)))
                report_repetition(final, measured, others)
        for temporary, final in written:
            os.replace(temporary, final)
        written = []
        created = False
    finally:
        for temporary, _ in written:
            try:
                os.unlink(temporary)
            except OSError:
                pass
        if created:  # a failed run leaves no trace of itself, not even an empty directory
            try:
                os.rmdir(args.out)
            except OSError:
                pass
        if server:
            server.stop()
    return 0


# --------------------------------------------------------------------------------------------
# `calibrate`

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


def measure_processes(quick):
    """Mean start, start() call and join times (s) per start method, forkserver's first start
    separately.

    Measured by scripts/calibrate_start.py in an interpreter of its own: spawn and forkserver
    children re-import the main module, which must be a small one (not this recorder) for the
    figures to be the interpreter's own cost.
    """
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "calibrate_start.py")
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


def _per_iteration_ns(run, iterations, samples):
    """Median over samples of run(iterations)'s time per iteration (ns)."""
    times = []
    for _ in range(samples):
        start = time.perf_counter_ns()
        run(iterations)
        times.append((time.perf_counter_ns() - start) / iterations)
    return statistics.median(times)


def measure_asyncio_ops(iterations, samples):
    """(task step, lock op, queue op) in seconds: a task's `await asyncio.sleep(0)` round trip
    through the loop (call_soon, _run_once, Handle._run, Task.__step, coroutine.send); one
    asyncio.Lock acquire or release that does not wait (half of an `async with lock` round); one
    asyncio.Queue put_nowait or get_nowait (half of a put/get pair); the last two less the same
    loop doing nothing, in a running event loop."""
    async def idle(n):
        for _ in range(n):
            pass

    async def locks(n):
        lock = asyncio.Lock()
        for _ in range(n):
            async with lock:
                pass

    async def queues(n):
        queue = asyncio.Queue()
        for _ in range(n):
            queue.put_nowait(None)
            queue.get_nowait()

    async def steps(n):
        for _ in range(n):
            await asyncio.sleep(0)

    def in_loop(coroutine):
        return lambda n: asyncio.run(coroutine(n))

    base = _per_iteration_ns(in_loop(idle), iterations, samples)
    lock = _per_iteration_ns(in_loop(locks), iterations, samples)
    queue = _per_iteration_ns(in_loop(queues), iterations, samples)
    step = _per_iteration_ns(in_loop(steps), iterations // 4, samples)
    return max(0.0, step - base) / 1e9, max(0.0, lock - base) / 2e9, max(0.0, queue - base) / 2e9


def measure_semaphore_ops(iterations, samples):
    """(acquire, release, wait, asyncio op) in seconds, medians of timed loops less the same loop
    doing nothing:
    acquire: threading.Semaphore(n).acquire() that finds the value above 0 (n acquires in a row);
    release: its release() with nobody waiting (the n releases that follow);
    wait: Condition(Lock()).wait(0) holding the condition: Condition.wait()'s Python (a new lock,
      its acquire, the append, _release_save, a non-blocking acquire that fails, _acquire_restore,
      the remove) without blocking, as a Semaphore.acquire() that finds the value 0 runs it;
    asyncio op: half of an uncontended `async with asyncio.Semaphore()`, in a running event loop."""
    def idle(n):
        for _ in range(n):
            pass

    def acquires(n):
        acquire = threading.Semaphore(n).acquire
        start = time.perf_counter_ns()
        for _ in range(n):
            acquire()
        return time.perf_counter_ns() - start

    def releases(n):
        semaphore = threading.Semaphore(0)
        release = semaphore.release
        start = time.perf_counter_ns()
        for _ in range(n):
            release()
        return time.perf_counter_ns() - start

    def waits(n):
        condition = threading.Condition(threading.Lock())
        with condition:
            wait = condition.wait
            for _ in range(n):
                wait(0)

    async def idle_loop(n):
        for _ in range(n):
            pass

    async def semaphores(n):
        semaphore = asyncio.Semaphore()
        for _ in range(n):
            async with semaphore:
                pass

    def own_time_per_iteration(run):  # run(n) times its own loop (ns), leaving out its set-up
        return statistics.median([run(iterations) / iterations for _ in range(samples)])

    base = _per_iteration_ns(idle, iterations, samples)
    acquire = own_time_per_iteration(acquires)
    release = own_time_per_iteration(releases)
    wait = _per_iteration_ns(waits, iterations, samples)
    loop_base = _per_iteration_ns(lambda n: asyncio.run(idle_loop(n)), iterations, samples)
    loop_semaphore = _per_iteration_ns(lambda n: asyncio.run(semaphores(n)), iterations, samples)
    return (max(0.0, acquire - base) / 1e9, max(0.0, release - base) / 1e9, max(0.0, wait - base) / 1e9,
            max(0.0, loop_semaphore - loop_base) / 2e9)


def semaphore_lines(acquire, release, wait, asyncio_op):
    """The profile's lines for measure_semaphore_ops()'s figures, with their method."""
    return [
        "  # threading.Semaphore(n): n acquire()s that find the value above 0, then n release()s nobody",
        "  # waits for; Condition(Lock()).wait(0) held (Condition.wait's Python, not blocking); half of an",
        "  # uncontended `async with asyncio.Semaphore()`: per call, less the empty loop, medians",
        f"  semaphore_acquire: {fmt_duration(acquire)}",
        f"  semaphore_release: {fmt_duration(release)}",
        f"  semaphore_wait: {fmt_duration(wait)}",
        f"  asyncio_semaphore_op: {fmt_duration(asyncio_op)}",
    ]


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


def _release_waiter(lock, ack, go, rounds):
    """Blocks on `lock` (held by the measuring thread), takes and releases it, acknowledges, and
    waits for the next round."""
    for _ in range(rounds):
        lock.acquire()
        lock.release()
        ack.release()
        go.acquire()


def measure_lock_release(samples):
    """(wake, syscall) seconds of a threading.Lock release()'s system call, medians:
    wake: release() while another thread sleeps in acquire() on the lock (blocked for 2 ms), less
      a release() nobody waits for: glibc's sem_post() calling futex_wake and waking the sleeper
      (3.11, 3.12), or the parking lot's unpark (3.13+);
    syscall: os.getppid() less gc.isenabled() (two argument-less C calls, one a system call): a
      null system call, which is what a 3.11 futex_wake costs when every waiter is awake already
      (nwaiters > 0, nobody asleep: the futex hash bucket is empty)."""
    lock, ack, go = threading.Lock(), threading.Lock(), threading.Lock()
    lock.acquire()
    ack.acquire()
    go.acquire()
    waiter = threading.Thread(target=_release_waiter, args=(lock, ack, go, samples), daemon=True)
    waiter.start()
    contended, alone = [], []
    for _ in range(samples):
        time.sleep(0.002)  # the waiter has called acquire() and sleeps in it
        start = time.perf_counter_ns()
        lock.release()
        contended.append(time.perf_counter_ns() - start)
        ack.acquire()  # it took the lock and released it
        lock.acquire()
        start = time.perf_counter_ns()
        lock.release()
        alone.append(time.perf_counter_ns() - start)
        lock.acquire()
        go.release()  # its next acquire() blocks on the lock we hold
    waiter.join(10)
    wake = max(0.0, statistics.median(contended) - statistics.median(alone)) / 1e9
    calls = 100_000
    syscall_ns = _per_iteration_ns(lambda n: [os.getppid() for _ in range(n)], calls, 7)
    c_call_ns = _per_iteration_ns(lambda n: [gc.isenabled() for _ in range(n)], calls, 7)
    return wake, max(0.0, syscall_ns - c_call_ns) / 1e9


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


# Profile number formats: one definition, in calibrate_calls (which record.py imports).
fmt_duration = calibrate_calls.fmt_duration
fmt_rate = calibrate_calls.fmt_rate


def fmt_number(value):
    return f"{float(f'{value:.4g}'):g}"


def lock_release_lines(wake, syscall):
    """The profile's lines for measure_lock_release()'s figures, with their method."""
    return [
        "  # threading.Lock.release() with a thread asleep in acquire() on it, less an uncontended release",
        "  # (futex_wake waking it), and os.getppid() less gc.isenabled() (a null system call, the futex_wake",
        "  # of a 3.11 release whose waiter is awake already): medians",
        f"  lock_release_wake: {fmt_duration(wake)}",
        f"  lock_release_syscall: {fmt_duration(syscall)}",
    ]


def command_measure(args):
    """The `measure` subcommand: one measurement alone, printed as profile lines (to add a new
    key to an existing profile without re-calibrating the whole host)."""
    load = OtherLoad()
    if args.what == "semaphore":
        lines = semaphore_lines(*measure_semaphore_ops(200_000, 7))
    else:
        lines = lock_release_lines(*measure_lock_release(500))
    print(f"  # measured alone by scripts/record.py measure {args.what} on "
          f"{datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')} with "
          f"{platform.python_version()}; other processes used {load.share():.0%} of the CPUs meanwhile")
    print("\n".join(lines))
    return 0


def command_calibrate(args):
    """The `calibrate` subcommand: measures this host and writes its machine profile."""
    quick = args.quick
    began = time.monotonic()
    load = OtherLoad()
    host = host_facts(multiprocessing.get_start_method())
    cpu_unit = measure_cpu_unit_ns(samples=5 if quick else 7)
    native_rate, native_overhead = measure_native(samples=5 if quick else 7)
    native_ratio, cpu_ratio = measure_native_parallelism(0.05 if quick else 0.2)
    slack, period, handovers = measure_slack_and_handover(10 if quick else 100, 0.4 if quick else 3.0, cpu_unit)
    handover_overhead = max(0.0, period - 0.005)
    drop = 5e-6
    wakeup = max(0.0, (handover_overhead - slack - drop) / 2)
    thread_start = measure_thread_start(20 if quick else 200)
    process_start, process_start_call, process_join = measure_processes(quick)
    pickle_rate, unpickle_rate = measure_pickle((4 if quick else 32) << 20, 3 if quick else 5)
    pipe_rate = measure_ipc("pipe", 16 if quick else 64, 1 << 20, 2 if quick else 5)
    queue_rate = measure_ipc("queue", 16 if quick else 64, 1 << 20, 2 if quick else 5)
    pipe_capacity, pipe_write_rate, pipe_read_rate = measure_pipe_copies(50 if quick else 500)
    wakeups = {b: measure_pipe_wakeup(b, max(5, round((0.02 if quick else 0.3) / b))) for b in PIPE_WAKEUP_BLOCKS}
    asyncio_step, asyncio_lock_op, asyncio_queue_op = measure_asyncio_ops(20_000 if quick else 200_000, 3 if quick else 7)
    pool_submit = measure_pool_submit(50 if quick else 200, 3 if quick else 7)
    lock_wake, lock_syscall = measure_lock_release(50 if quick else 500)
    semaphore_ops = measure_semaphore_ops(20_000 if quick else 200_000, 3 if quick else 7)
    per_call = calibrate_calls.calibration_lines(quick)
    pair = smt_sibling_pair() if host["threads_per_core"] > 1 else None
    smt_yield = measure_smt_yield(pair, 0.1 if quick else 0.5) if pair else 1.25

    others = load.share()
    if others > 0.1:
        print(f"{PROG}: warning: other processes used {others:.0%} of the CPUs during calibration; "
              f"measure on a quiet host", file=sys.stderr)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    profile = os.path.splitext(os.path.basename(args.out))[0]
    trim = "mean without the top and bottom 10%"
    lines = [
        f"# Machine profile measured by scripts/record.py calibrate{' --quick' if quick else ''} on {stamp}",
        f"# ({time.monotonic() - began:.1f} s of measurements, other processes used {others:.0%} of the CPUs",
        "# meanwhile; one comment per value says how it was measured)",
        f"profile: {profile}",
        "host:",
        f"  cpu_model: {_js(host['cpu_model'])}",
        f"  logical_cpus: {host['logical_cpus']}",
        f"  physical_cores: {host['physical_cores']}",
        f"  threads_per_core: {host['threads_per_core']}",
        f"  python_version: {_js(host['python_version'])}",
        f"  python_executable: {_js(host['python_executable'])}",
        f"  python_cflags: {_js(host['python_cflags'])}",
        "  # sha1 of sysconfig CONFIG_ARGS (the interpreter's configure options), first 12 hex digits",
        f"  python_config_sha1: {_js(host['python_config_sha1'])}",
        f"  kernel: {_js(host['kernel'])}",
        "machine:",
        "  # physical cores and hardware threads per core, from /sys/devices/system/cpu/*/topology",
        f"  cores: {host['physical_cores']}",
        f"  smt: {host['threads_per_core']}",
        ("  # 2 * T(one) / T(two sibling processes) running the cpu kernel pinned to one core's siblings"
         if pair else "  # no SMT on this host: not measured (unused with smt 1), the default"),
        f"  smt_yield: {fmt_number(smt_yield)}",
        "  # by definition: scenario durations are times on this host",
        "  speed: 1.0",
        "gil:",
        f"  # lateness of threading.Lock().acquire(timeout=5ms) on a held lock (a timed wait, like the GIL's), {trim}",
        f"  timer_slack: {fmt_duration(slack)}",
        "  # not observable from Python: the default (a few bytecodes until the next eval-breaker check)",
        f"  drop_latency: {fmt_duration(drop)}",
        "  # (gil_handover_period_overhead - timer_slack - drop_latency) / 2: two wake-ups per hand-over",
        f"  wakeup_latency: {fmt_duration(wakeup)}",
        "calibration:",
        "  # one iteration of the cpu kernel (x = (x * 1103515245 + 12345) & 0x7FFFFFFF): median of timed loops",
        f"  cpu_unit_ns: {fmt_number(cpu_unit)}",
        f"  # hashlib.pbkdf2_hmac('sha256') iterations per second in one call (releases the GIL: two concurrent",
        f"  # calls took {native_ratio:.2f}x one call, two threads of the cpu kernel {cpu_ratio:.2f}x)",
        f"  native_iterations_per_s: {round(native_rate)}",
        f"  # mean period between GIL hand-overs of two CPU-bound threads at a 5ms switch interval, minus 5ms",
        f"  # ({handovers} hand-overs, {trim})",
        f"  gil_handover_period_overhead: {fmt_duration(handover_overhead)}",
        "  # the same lateness as gil.timer_slack (timed wait that times out)",
        f"  timed_wait_lateness: {fmt_duration(slack)}",
        f"  # Thread.start() to the first line of the thread's function, {trim}",
        f"  thread_start: {fmt_duration(thread_start)}",
        f"  # Process.start() to the first line of the target, from a main module importing only multiprocessing (scripts/calibrate_start.py); forkserver_first starts the forkserver too; {trim}",
        "  process_start: {" + ", ".join(f"{m}: {fmt_duration(s)}" for m, s in process_start.items()) + "}",
        f"  # the Process.start() call itself, the parent's share of the start (warm forkserver), {trim}",
        "  process_start_call: {" + ", ".join(f"{m}: {fmt_duration(s)}" for m, s in process_start_call.items()) + "}",
        f"  # the target's last line to join() returning in the waiting parent, {trim}",
        "  process_join: {" + ", ".join(f"{m}: {fmt_duration(s)}" for m, s in process_join.items()) + "}",
        "  # pickle.dumps / pickle.loads of a list of distinct 64 KiB bytes objects (bytes of pickle per second)",
        f"  pickle_bytes_per_s: {fmt_rate(pickle_rate)}",
        f"  unpickle_bytes_per_s: {fmt_rate(unpickle_rate)}",
        "  # child to parent, 1 MiB messages: Connection.send_bytes/recv_bytes, and Queue.put/get (pickled);",
        "  # end to end, for comparison (the model streams large messages through the pipe buffer)",
        f"  pipe_bytes_per_s: {fmt_rate(pipe_rate)}",
        f"  queue_bytes_per_s: {fmt_rate(queue_rate)}",
        "  # len(ForkingPickler.dumps((bytes(65536), []))) - 65536: the pickle's bytes around a payload",
        f"  pickle_overhead_bytes: {pickle_overhead_bytes()}",
        "  # fcntl(F_GETPIPE_SZ) of a new pipe",
        f"  pipe_buffer_bytes: {pipe_capacity}",
        "  # Connection.send_bytes, then recv_bytes, of a message filling the empty pipe (capacity - 4 bytes",
        "  # and the 4-byte header), nobody blocked on the other end: bytes of pipe per second, medians",
        f"  pipe_write_bytes_per_s: {fmt_rate(pipe_write_rate)}",
        f"  pipe_read_bytes_per_s: {fmt_rate(pipe_read_rate)}",
        "  # send_bytes(b'x') to recv_bytes returning in a process blocked on the empty pipe for 100us,",
        f"  # 1ms and 10ms (the sender spinning meanwhile), {trim}",
        "  pipe_wakeup: {" + ", ".join(f"{fmt_duration(b)}: {fmt_duration(w)}" for b, w in wakeups.items()) + "}",
        "  # a task's `await asyncio.sleep(0)` round trip through the event loop; half of an uncontended",
        "  # `async with asyncio.Lock()` and of a Queue put_nowait + get_nowait, less the empty loop: medians",
        f"  asyncio_task_step: {fmt_duration(asyncio_step)}",
        f"  asyncio_lock_op: {fmt_duration(asyncio_lock_op)}",
        f"  asyncio_queue_op: {fmt_duration(asyncio_queue_op)}",
        "  # ProcessPoolExecutor(2, fork).submit() on running workers, batches of submits: median",
        f"  process_pool_submit: {fmt_duration(pool_submit)}",
        *lock_release_lines(lock_wake, lock_syscall),
        *semaphore_lines(*semaphore_ops),
    ] + per_call
    directory = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(directory, exist_ok=True)
    write_atomically(args.out, "\n".join(lines) + "\n")
    print(f"{PROG}: wrote {args.out} ({time.monotonic() - began:.1f} s)", file=sys.stderr)
    return 0


# --------------------------------------------------------------------------------------------
# Command line

def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    return value


def positive_float(text):
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0 or not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a number of seconds > 0, got {text!r}")
    return value


def parser():
    p = argparse.ArgumentParser(prog=PROG, description="Record gilsim scenarios on real CPython; calibrate the host.")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="execute a scenario and write measured traces")
    run.add_argument("scenario", help="scenario YAML file")
    run.add_argument("--set", action="append", default=[], metavar="K=V", help="passed to gilsim export")
    run.add_argument("--switch-interval", metavar="D", help="passed to gilsim export, e.g. 5ms")
    run.add_argument("--variant", action="append", default=[], metavar="NAME", help="only this variant (repeatable)")
    run.add_argument("--repeat", type=positive_int, default=3, metavar="N", help="repetitions per variant (3)")
    run.add_argument("--io", choices=IO_MODES, default="sleep", help="how io steps block (sleep)")
    run.add_argument("--start-method", choices=START_METHODS, default="fork",
                     help="multiprocessing start method for process instances (fork)")
    run.add_argument("--timeout", type=positive_float, metavar="S",
                     help="fail a repetition that has not finished after S seconds (a get that can never be "
                          "served, a writer blocked on a full pipe); default: 60 s + 10x the scenario's work")
    run.add_argument("--out", required=True, metavar="DIR", help="output directory")
    cal = sub.add_parser("calibrate", help="measure this host into a machine profile")
    cal.add_argument("--out", required=True, metavar="FILE.yaml")
    cal.add_argument("--quick", action="store_true", help="shorter measurements (tests)")
    one = sub.add_parser("measure", help="run one calibration measurement alone and print its profile lines")
    one.add_argument("what", choices=("lock_release", "semaphore"),
                     help="lock_release: lock_release_wake and lock_release_syscall; semaphore: semaphore_acquire, "
                          "semaphore_release, semaphore_wait and asyncio_semaphore_op")
    return p


def main(argv):
    args = parser().parse_args(argv)
    try:
        if args.command == "run":
            return command_run(args, argv)
        if args.command == "measure":
            return command_measure(args)
        return command_calibrate(args)
    except ScenarioRefused as e:
        print(f"{PROG}: error: {args.scenario}: {e}", file=sys.stderr)
        return 2
    except (RunFailed, OSError) as e:
        where = f"{args.scenario}: " if args.command == "run" else ""
        print(f"{PROG}: error: {where}{e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
