#!/usr/bin/env python3
"""Run a gilsim scenario for real in CPython and record its timeline; calibrate this host.

    scripts/record.py run SCENARIO [--set k=v]... [--switch-interval D] [--variant NAME]...
                          [--repeat N] [--io sleep|echo] [--start-method fork|spawn|forkserver]
                          --out DIR
    scripts/record.py calibrate --out FILE.yaml [--quick]

`run` executes every variant of the scenario, `--repeat` times, in the CPython that runs this
script, and writes DIR/<name>[.<variant>].rep<k>.trace.json in the trace format of
docs/trace-format.md, so `gilsim validate` can compare the simulated and the measured timelines.
`calibrate` measures this host into a machine profile (scenarios/profiles/*.yaml).

The scenario is read only through `scripts/gilsim export`, so the recorder executes exactly what
the simulator simulates (variants merged, overrides applied). Standard library only.

How the steps run (fidelity first: each is one real thing CPython does, sized by calibration):

- cpu: S     pure-Python bytecode: a fixed LCG loop (`cpu_kernel`) of round(S / cpu_unit)
             iterations. Never a wall-clock deadline: a thread that waits for the GIL must take
             longer, as in the simulator. cpu_unit_ns is measured at the start of every run
             (median of 7 single-threaded timings).
- native: S  ONE call of hashlib.pbkdf2_hmac('sha256', ...) with calibrated iterations. CPython
             runs OpenSSL's PKCS5_PBKDF2_HMAC between Py_BEGIN/END_ALLOW_THREADS: one GIL drop
             and one take, as the simulator models. Verified on the reference host (2 cores):
             two threads doing it concurrently take 1.03-1.13x the time of one, while two
             threads running the cpu kernel take 2.03-2.07x. (sha256 over a buffer would also
             release the GIL, but a long step would need a buffer as large as its bytes;
             pbkdf2 is pure computation in constant memory.) The calibration is stored
             honestly as native_iterations_per_s (PBKDF2 iterations, not bytes) plus the fixed
             per-call overhead.
- io         `--io sleep`: time.sleep(latency). `--io echo`: a blocking sendall/recv on a TCP
             connection to a delay/echo server on 127.0.0.1, which runs in a separate process
             (its own GIL) started before the run; the request carries the latency, the server
             waits that long and echoes. Each scenario thread keeps one connection, opened by
             whoever starts the thread before starting it.
             Latencies are the simulator's draws: splitmix64, one stream per thread (stream =
             global thread index), one draw per random io call in program order.
- sleep: S   time.sleep(S).
- lock/unlock  threading.Lock().acquire() / .release(), one lock per name and process.
- repeat     a Python for loop.
- put/get/consume  on channels: queue.Queue (one per process), multiprocessing.SimpleQueue
             (`pipe`) and multiprocessing.Queue (`mp_queue`, with its real feeder thread), made
             before any process starts. A put sends a payload of `bytes` bytes and `objects`
             small ints (pickled unless it is a queue.Queue). A channel closes, as in the
             simulator, when every thread that puts to it has finished: each writer sends a marker
             when it ends, and the reader that takes the last one tells the other readers.

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
  recorded as `process_start` and `join` steps with the simulator's labels. Before a run that
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
not know (so a new simulator feature is never silently mis-executed), native code with internal
threads, several sub-interpreters in a process, a build (default / free-threaded) other than
this Python's, and runs too large to record (see MAX_*).

Times: t0 is time.monotonic_ns() just before the first thread or process of the run is started
or released (CLOCK_MONOTONIC is system-wide on Linux, so children's raw timestamps share it;
the parent subtracts t0 when it writes the trace). A thread's "start" span runs from the
parent's Thread.start() / Process.start() call (or the release, for a process running from
time 0) to the first line of the thread's function; MainThread's is [t0, t0]. A step span runs
from just before the step's call to just after it returns, which for a GIL-releasing call
includes taking the GIL back. `iteration` is the step's execution count in its thread, which
is the enclosing repeat's iteration for a step inside one repeat; this is what the simulator
writes (the innermost repeat's iteration would give duplicate keys for nested repeats).
"""

import argparse
import datetime
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
    """Every io latency (seconds) of one thread, in execution order, from its RNG stream."""
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


def _check_keys(obj, allowed, where):
    _require(isinstance(obj, dict), where, "expected an object")
    unknown = sorted(set(obj) - set(allowed))
    _require(not unknown, where, f"the recorder cannot execute '{', '.join(unknown)}' "
                                 f"(it knows: {', '.join(allowed)})")


LATENCY_KEYS = {"fixed": ("latency_s",), "uniform": ("min_s", "max_s"), "exponential": ("mean_s",)}
STEP_KEYS = {"cpu": ("label", "kind", "seconds"), "native": ("label", "kind", "seconds", "threads"),
             "sleep": ("label", "kind", "seconds"), "io": ("label", "kind", "latency"),
             "lock": ("label", "kind", "lock"), "unlock": ("label", "kind", "lock"),
             "repeat": ("label", "kind", "count", "steps"),
             "put": ("label", "kind", "channel", "bytes", "objects"), "get": ("label", "kind", "channel"),
             "consume": ("label", "kind", "channel", "steps")}
CHANNEL_KINDS = ("queue", "pipe", "mp_queue")  # interpreter_queue needs per-interpreter GILs


def validate_steps(steps, where, in_consume=False):
    """Checks a program; returns its step executions. Unknown kinds or keys are refused."""
    _require(isinstance(steps, list), where, "expected a list of steps")
    executions = 0
    for i, step in enumerate(steps):
        at = f"{where}[{i}]"
        _require(isinstance(step, dict) and isinstance(step.get("kind"), str), at, "a step without a kind")
        kind = step["kind"]
        _require(kind in STEP_KEYS, at, f"step kind '{kind}' is not supported by the recorder "
                                        f"(it runs: {', '.join(STEP_KEYS)})")
        _check_keys(step, STEP_KEYS[kind], at)
        _require(isinstance(step.get("label"), str), at, "a step without a label")
        if kind in ("cpu", "native", "sleep"):
            _require(_is_number(step.get("seconds")), at, "seconds must be a number >= 0")
            if kind == "native":
                threads = step.get("threads", 1)
                _require(_is_count(threads, 1), at, "native threads must be an integer >= 1")
                _require(threads == 1, at, f"native code with {threads} internal threads is not supported by the "
                                           f"recorder: the standard library has no single GIL-releasing call that "
                                           f"runs on several threads (only threads: 1)")
            executions += 1
        elif kind in ("lock", "unlock"):
            _require(isinstance(step.get("lock"), str), at, "a lock step needs a lock name")
            executions += 1
        elif kind in ("put", "get"):
            _require(isinstance(step.get("channel"), str), at, "a channel step needs a channel name")
            if kind == "put":
                _require(_is_number(step.get("bytes")) and _is_number(step.get("objects")), at,
                         "bytes and objects must be numbers >= 0")
            executions += 1
        elif kind == "consume":
            _require(isinstance(step.get("channel"), str), at, "a consume step needs a channel name")
            executions += 1 + validate_steps(step.get("steps"), at + ".steps", True)
        elif kind == "io":
            _require(not in_consume, at, "io inside a consume body is not supported by the recorder yet "
                                         "(its latency draws depend on the messages received)")
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
            executions += 1
        else:
            _require(_is_count(step.get("count")), at, "repeat count must be an integer >= 0")
            executions += step["count"] * validate_steps(step.get("steps"), at + ".steps", in_consume)
    return executions


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


def validate_channels(v):
    """Channels must be declared, of a kind the recorder runs, and read only if someone writes."""
    channels = v.get("channels", [])
    _require(isinstance(channels, list), "workload.channels", "expected a list")
    kinds = {}
    for c, channel in enumerate(channels):
        at = f"workload.channels[{c}]"
        _require(isinstance(channel, dict) and isinstance(channel.get("name"), str), at, "a channel needs a name")
        _require(channel.get("kind") in CHANNEL_KINDS, at,
                 f"channel kind {channel.get('kind')!r} is not supported by the recorder (it runs: "
                 f"{', '.join(CHANNEL_KINDS)})")
        kinds[channel["name"]] = channel["kind"]
    puts, gets = set(), set()
    for process in v["processes"]:
        for thread in process["threads"]:
            p, g = channel_use(thread["program"])
            puts |= p
            gets |= g
    for name in sorted(puts | gets):
        _require(name in kinds, "workload.channels", f"channel {name!r} is not declared")
    for name in sorted(gets - puts):
        _require(False, "workload.channels", f"channel {name!r} is read but no thread puts to it (the simulator "
                                             f"reports that as a deadlock)")


def _safe_name(text):
    return isinstance(text, str) and text not in ("", ".", "..") and "/" not in text and "\0" not in text


def validate_variant(v):
    """Refuses what the recorder cannot execute, before anything runs.

    Paths are the scenario's (workload.processes[i]...), so the user can find the spot.
    """
    _require(isinstance(v, dict), "scenario", "expected an object")
    _require(_safe_name(v.get("name")), "name", f"{v.get('name')!r} cannot name a trace file")
    _require(isinstance(v.get("variant"), str) and (v["variant"] == "" or _safe_name(v["variant"])), "variant",
             f"{v.get('variant')!r} cannot name a trace file")
    runtime = v.get("runtime")
    _check_keys(runtime, ("switch_interval_s", "seed", "build", "free_threaded_slowdown", "gil"), "runtime")
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
    processes = v.get("processes")
    _require(isinstance(processes, list) and processes, "workload.processes", "no processes")

    total_processes = total_threads = executions = 0
    for p, process in enumerate(processes):
        at = f"workload.processes[{p}]"
        _check_keys(process, ("name", "count", "start_method", "threads"), at)
        _require(isinstance(process.get("name"), str) and _is_count(process.get("count"), 1), at,
                 "a process needs a name and a count >= 1")
        _require(process.get("start_method") in (None,) + START_METHODS, at + ".start_method",
                 f"unknown start method {process.get('start_method')!r}")
        threads = process.get("threads")
        _require(isinstance(threads, list) and threads, at, "a process without threads")
        for t, thread in enumerate(threads):
            tat = f"{at}.threads[{t}]"
            _check_keys(thread, ("name", "count", "interpreter", "program"), tat)
            _require(isinstance(thread.get("name"), str) and _is_count(thread.get("count"), 1), tat,
                     "a thread needs a name and a count >= 1")
            per_thread = validate_steps(thread.get("program"), tat + ".program")
            total_threads += process["count"] * thread["count"]
            executions += process["count"] * thread["count"] * per_thread
        interpreters = sorted({thread.get("interpreter", "main") for thread in threads})
        _require(len(interpreters) == 1, at,
                 f"threads in several sub-interpreters ({', '.join(map(str, interpreters))}) are not supported by "
                 f"the recorder: this Python has no per-interpreter GIL to run them with")
        total_processes += process["count"]
    _require(total_processes <= MAX_PROCESSES, "workload",
             f"{total_processes} processes; the recorder runs at most {MAX_PROCESSES}")
    _require(total_threads <= MAX_THREADS, "workload",
             f"{total_threads} threads; the recorder runs at most {MAX_THREADS}")
    _require(executions <= MAX_STEP_EXECUTIONS, "workload",
             f"the programs execute {executions} steps; the recorder records at most {MAX_STEP_EXECUTIONS} "
             f"(reduce repeat counts)")
    validate_channels(v)


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
    """(kind, label) of each step by pre-order index, counting repeat steps too."""
    table = []

    def walk(steps):
        for step in steps:
            table.append((step["kind"], step["label"]))
            if step["kind"] in ("repeat", "consume"):
                walk(step["steps"])

    walk(program)
    return table


class ThreadInstance:
    """One thread of the run, named and numbered as docs/trace-format.md says."""

    def __init__(self, index, process_index, process_name, name, program, table=None):
        self.index = index  # global thread index: RNG stream, tid
        self.process_index = process_index
        self.process_name = process_name
        self.name = name
        self.program = program  # exported JSON steps (None for the synthesized MainThread)
        self.table = step_table(program) if table is None else table


class ProcessInstance:
    """One process of the run. `synthesized` marks the parent that starts the others."""

    def __init__(self, index, name, start_method, synthesized=False):
        self.index = index
        self.name = name
        self.start_method = start_method  # None: running at time 0
        self.synthesized = synthesized
        self.threads = []


def instance_name(name, count, i):
    return name if count == 1 else f"{name}[{i}]"


def instances(variant):
    """Process instances in order, with global thread indices, as the simulator lays them out.

    Mirrors sim/engine/WorkloadLayout.cpp: when any process has a start_method, a parent
    process "main" with one thread "MainThread" comes first (process 0, thread 0). Its program
    is Process.start() of every such process instance in order, then join() of each.
    """
    result = []
    if any(p.get("start_method") for p in variant["processes"]):
        result.append(ProcessInstance(0, "main", None, synthesized=True))
    thread_index = len(result)
    for process in variant["processes"]:
        for i in range(process["count"]):
            instance = ProcessInstance(len(result), instance_name(process["name"], process["count"], i),
                                       process.get("start_method"))
            puts = set()
            for thread in process["threads"]:
                puts |= channel_use(thread["program"])[0]
                for j in range(thread["count"]):
                    instance.threads.append(ThreadInstance(thread_index, instance.index, instance.name,
                                                           instance_name(thread["name"], thread["count"], j),
                                                           thread["program"]))
                    thread_index += 1
            # The simulator adds a QueueFeederThread per process and multiprocessing.Queue it puts
            # to (multiprocessing makes a real one): keep the thread indices, RNG streams, equal.
            thread_index += sum(1 for c in variant.get("channels", []) if c["kind"] == "mp_queue" and c["name"] in puts)
            result.append(instance)
    if result and result[0].synthesized:
        started = [p for p in result if p.start_method]
        table = [("process_start", f"Process.start() {p.name} ({p.start_method})") for p in started]
        table += [("join", f"join() {p.name}") for p in started]
        result[0].threads.append(ThreadInstance(0, 0, "main", "MainThread", None, table))
    return result


# --------------------------------------------------------------------------------------------
# Kernels and their calibration

def cpu_kernel(n):
    """Pure-Python work: n iterations of an LCG (holds the GIL, checks the eval breaker)."""
    x = 1
    for _ in range(n):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
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

CPU, IO, NATIVE, SLEEP, LOCK, UNLOCK, REPEAT, PUT, GET, CONSUME = range(10)
KIND_CODES = {"cpu": CPU, "io": IO, "native": NATIVE, "sleep": SLEEP, "lock": LOCK, "unlock": UNLOCK,
              "repeat": REPEAT, "put": PUT, "get": GET, "consume": CONSUME}


def compile_program(program, calibration):
    """Nested tuples (code, step_index, value, body) with kernel sizes already computed."""
    counter = [0]

    def walk(steps):
        nodes = []
        for step in steps:
            index = counter[0]
            counter[0] += 1
            code = KIND_CODES[step["kind"]]
            body = ()
            if code == CPU:
                value = calibration.cpu_iterations(step["seconds"])
            elif code == NATIVE:
                value = calibration.native_iterations(step["seconds"])
            elif code == SLEEP:
                value = step["seconds"]
            elif code in (LOCK, UNLOCK):
                value = step["lock"]  # the name; the process's threading.Lock is looked up by it
            elif code == IO:
                value = None  # from the thread's latency list
            elif code == PUT:  # the message: a bytes payload and `objects` small objects, built now
                value = (step["channel"], (bytes(int(step["bytes"])), list(range(int(step["objects"])))))
            elif code == GET:
                value = step["channel"]
            elif code == CONSUME:
                value = step["channel"]
                body = walk(step["steps"])
            else:
                value = step["count"]
                body = walk(step["steps"])
            nodes.append((code, index, value, body))
        return tuple(nodes)

    return walk(program)


def lock_names(program):
    """Every lock name a compiled program uses."""
    names = set()
    for code, _, value, body in program:
        if code in (LOCK, UNLOCK):
            names.add(value)
        names |= lock_names(body)
    return names


def make_executor(append, latencies, io_call, locks, channels):
    """run(steps, iteration): executes compiled steps, appending (index, iteration, t0, t1).

    iteration is the step's execution count in the thread: for a repeat executed for the
    `base`-th time, its body's i-th pass is execution base * count + i of every step in it.
    """
    now = time.monotonic_ns
    kernel = cpu_kernel
    pbkdf2, digest, password, salt = hashlib.pbkdf2_hmac, NATIVE_DIGEST, NATIVE_PASSWORD, NATIVE_SALT
    sleep = time.sleep
    next_latency = iter(latencies).__next__

    def run(steps, base):
        for code, index, value, body in steps:
            if code == CPU:
                t = now()
                kernel(value)
                append((index, base, t, now()))
            elif code == IO:
                latency = next_latency()
                t = now()
                io_call(latency)
                append((index, base, t, now()))
            elif code == NATIVE:
                t = now()
                pbkdf2(digest, password, salt, value)
                append((index, base, t, now()))
            elif code == SLEEP:
                t = now()
                sleep(value)
                append((index, base, t, now()))
            elif code == LOCK:
                acquire = locks[value].acquire
                t = now()
                acquire()
                append((index, base, t, now()))
            elif code == UNLOCK:
                release = locks[value].release
                t = now()
                release()
                append((index, base, t, now()))
            elif code == PUT:
                put = channels[value[0]].put
                t = now()
                put(value[1])
                append((index, base, t, now()))
            elif code == GET:
                receive = channels[value].receive
                t = now()
                got, _ = receive()
                append((index, base, t, now()))
                if not got:
                    raise RunFailed(f"a get on channel {value!r} after every writer finished (a deadlock)")
            elif code == CONSUME:
                receive = channels[value].receive
                while True:
                    t = now()
                    got, _ = receive()
                    iteration = executions.get(index, 0)
                    executions[index] = iteration + 1
                    append((index, iteration, t, now()))
                    if not got:
                        break
                    run(body, messages.get(index, 0))
                    messages[index] = messages.get(index, 0) + 1
            else:
                for i in range(value):
                    run(body, base * value + i)

    executions, messages = {}, {}  # per consume step: receives, and messages handled
    return run


WRITER_DONE = "__gilsim_writer_done__"
READER_STOP = "__gilsim_reader_stop__"


class LocalCounter:
    """A counter shared by the threads of one process (multiprocessing.Value's interface)."""

    def __init__(self):
        self.value = 0
        self._lock = threading.Lock()

    def get_lock(self):
        return self._lock


class ChannelEnd:
    """A channel as the simulator defines it: closed once every writer thread has finished and it
    is empty. Each writer puts a marker when it ends; the reader that takes the last one tells the
    other readers to stop. `queue` is a queue.Queue, SimpleQueue or multiprocessing.Queue."""

    def __init__(self, queue, writers, readers, counter):
        self.queue, self.writers, self.readers, self.counter = queue, writers, readers, counter
        self.put = queue.put

    def receive(self):
        get = self.queue.get
        while True:
            item = get()
            if isinstance(item, str):
                if item == READER_STOP:
                    return False, None
                if item == WRITER_DONE:
                    with self.counter.get_lock():
                        self.counter.value += 1
                        last = self.counter.value == self.writers
                    if last:
                        for _ in range(self.readers - 1):
                            self.queue.put(READER_STOP)
                        return False, None
                    continue
            return True, item

    def writer_done(self):
        self.queue.put(WRITER_DONE)


def shared_channels(variant, layout, start_method):
    """Pipes and multiprocessing.Queues, made before any process starts, with their writer and
    reader thread counts over all processes."""
    context = multiprocessing.get_context(start_method)
    writers, readers = {}, {}
    for p in layout:
        for t in p.threads:
            puts, gets = channel_use(t.program)
            for name in puts:
                writers[name] = writers.get(name, 0) + 1
            for name in gets:
                readers[name] = readers.get(name, 0) + 1
    ends = {}
    for channel in variant.get("channels", []):
        name, kind = channel["name"], channel["kind"]
        if kind == "queue" or name not in writers:
            continue
        queue = context.SimpleQueue() if kind == "pipe" else context.Queue()
        ends[name] = ChannelEnd(queue, writers[name], readers.get(name, 0), context.Value("i", 0))
    return ends


class ThreadRun:
    """Everything one scenario thread needs, built before the run starts."""

    __slots__ = ("program", "execute", "spans", "first_ns", "error", "socket", "writes", "channels")

    def __init__(self, plan, io_mode, port, locks, channels):
        self.program = plan.program
        self.spans = []
        self.first_ns = None
        self.error = None
        self.socket = None
        if io_mode == "echo":
            self.socket = connect_echo(port)
            io_call = make_echo_call(self.socket)
        else:
            io_call = time.sleep
        self.writes = plan.puts
        self.channels = channels
        self.execute = make_executor(self.spans.append, plan.latencies, io_call, locks, channels)

    def close(self):
        if self.socket is not None:
            self.socket.close()

    def result(self):
        return self.first_ns, self.spans, self.error


def thread_main(run):
    """A scenario thread's function; its first line ends the thread's start span."""
    run.first_ns = time.monotonic_ns()
    try:
        run.execute(run.program, 0)
        for name in run.writes:  # this writer is done: its channels may close
            run.channels[name].writer_done()
    except BaseException:  # reported by the parent as a run failure
        run.error = traceback.format_exc()


# --------------------------------------------------------------------------------------------
# io: the delay/echo server

ECHO_REQUEST = struct.Struct("!Q")  # latency in ns, echoed back after that long


def echo_payloads(latencies):
    """Echo requests, packed before the run so the io span holds only the call itself."""
    return [ECHO_REQUEST.pack(max(0, round(latency * 1e9))) for latency in latencies]


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

class ThreadPlan:
    """A thread's compiled program and io requests: picklable, for children of any start method."""

    def __init__(self, program, latencies, puts, gets):
        self.program = program
        self.latencies = latencies
        self.puts, self.gets = puts, gets  # channel names


def thread_plans(process, seed, calibration, io_mode):
    plans = []
    for t in process.threads:
        latencies = draw_latencies(t.program, seed, t.index)
        if io_mode == "echo":
            latencies = echo_payloads(latencies)
        puts, gets = channel_use(t.program)
        plans.append(ThreadPlan(compile_program(t.program, calibration), latencies, sorted(puts), sorted(gets)))
    return plans


class ProcessThreads:
    """A process instance's scenario threads, ready to start (connections open, locks made)."""

    def __init__(self, plans, io_mode, port, shared=None):
        locks = {name: threading.Lock() for plan in plans for name in lock_names(plan.program)}
        # queue.Queue channels exist once per process; pipes and multiprocessing.Queues are shared.
        channels = dict(shared or {})
        for name in {n for plan in plans for n in plan.puts + plan.gets} - set(channels):
            writers = sum(1 for plan in plans if name in plan.puts)
            readers = sum(1 for plan in plans if name in plan.gets)
            channels[name] = ChannelEnd(queue.Queue(), writers, readers, LocalCounter())
        self.runs = []
        try:
            for plan in plans:
                self.runs.append(ThreadRun(plan, io_mode, port, locks, channels))
        except BaseException:
            self.close()
            raise
        self.threads = [threading.Thread(target=thread_main, args=(r,)) for r in self.runs]

    def start_and_join(self):
        """Starts the threads one after another, then joins them; returns the start stamps.

        The stamps are taken just before each Thread.start(). The calling thread then only
        waits in join(), as a real program's main thread does.
        """
        stamps = []
        for thread in self.threads:
            stamps.append(time.monotonic_ns())
            thread.start()
        for thread in self.threads:
            thread.join()
        return stamps

    def results(self):
        return [r.result() for r in self.runs]

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


def run_in_process(plans, switch_interval, io_mode, port, shared):
    """The one process instance runs as threads of the recorder: (t0, [(start, first, spans)])."""
    sys.setswitchinterval(switch_interval)
    process = ProcessThreads(plans, io_mode, port, shared)
    try:
        with GcPaused():
            stamps = process.start_and_join()
        results = process.results()
    finally:
        process.close()
    check_thread_errors(results)
    return stamps[0], [(stamp, first, spans) for stamp, (first, spans, _) in zip(stamps, results)]


def check_thread_errors(results):
    for _, _, error in results:
        if error:
            raise RunFailed(f"a scenario thread failed:\n{error}")


def child_main(plans, switch_interval, io_mode, port, result_path, gate, shared):
    """A process instance in a child: starts its threads, joins them, leaves their spans in a file.

    A child of a process "running at time 0" (gate given) prepares everything, says it is
    ready and waits for the parent's go at t0. The result goes to a file rather than a pipe so
    that the child can exit as soon as its threads are done, whether or not the parent is
    reading (a measured join() must not wait for the parent to drain a pipe), and the parent
    does no work while the scenario runs.
    """
    process = None
    try:
        sys.setswitchinterval(switch_interval)
        gc.disable()
        process = ProcessThreads(plans, io_mode, port, shared)
        if gate is not None:
            gate.send_bytes(b"ready")
            gate.recv_bytes()
        process.start_and_join()
        message = ("ok", process.results())
    except BaseException:
        message = ("error", traceback.format_exc())
    finally:
        if process is not None:
            process.close()
    with open(result_path + ".tmp", "wb") as f:
        pickle.dump(message, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(result_path + ".tmp", result_path)


def read_child_result(process, instance, result_path):
    """The child's thread results, or RunFailed saying what went wrong."""
    try:
        with open(result_path, "rb") as f:
            message = pickle.load(f)
    except OSError:
        raise RunFailed(f"process {instance.name} exited with code {process.exitcode} without results") from None
    if message[0] != "ok":
        raise RunFailed(f"process {instance.name} failed:\n{message[1]}")
    check_thread_errors(message[1])
    return message[1]


def stop_forkserver():
    """Stops this interpreter's forkserver, so a run's first forkserver start pays for the server.

    multiprocessing keeps one forkserver per interpreter, which a previous repetition (or the
    pre-started processes) would otherwise have left running. Uses the method CPython's own
    tests use; without it, later repetitions start with the server up.
    """
    from multiprocessing import forkserver
    stop = getattr(forkserver._forkserver, "_stop", None)  # pylint: disable=protected-access
    if stop is not None:
        stop()


class Children:
    """The child processes of a run with several process instances (or started processes)."""

    def __init__(self, layout, plans, switch_interval, io_mode, port, default_method, workdir, shared):
        self.layout = [p for p in layout if not p.synthesized]
        self.processes, self.paths, self.gates = {}, {}, {}
        for p in self.layout:
            context = multiprocessing.get_context(p.start_method or default_method)
            gate = child_gate = None
            if p.start_method is None:
                gate, child_gate = context.Pipe()
            self.paths[p.index] = os.path.join(workdir, f"{p.index}.pickle")
            self.processes[p.index] = context.Process(
                target=child_main, name=p.name,
                args=(plans[p.index], switch_interval, io_mode, port, self.paths[p.index], child_gate, shared))
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
        for i in self.gates:
            self.processes[i].join()

    def results(self):
        return {p.index: read_child_result(self.processes[p.index], p, self.paths[p.index]) for p in self.layout}

    def terminate(self):
        for process in self.processes.values():
            if process.is_alive():
                process.terminate()
                process.join()


def run_main_thread(children, started):
    """The synthesized parent's MainThread: Process.start() of each started process, then join().

    Returns its spans (step index, iteration 0, begin, end) and each process's start stamp.
    """
    now = time.monotonic_ns
    spans, launched = [], {}
    for k, p in enumerate(started):
        process = children.processes[p.index]
        t = now()
        process.start()
        spans.append((k, 0, t, now()))
        launched[p.index] = t
    for k, p in enumerate(started):
        process = children.processes[p.index]
        t = now()
        process.join()
        spans.append((len(started) + k, 0, t, now()))
    return spans, launched


def run_with_children(layout, plans, switch_interval, io_mode, port, default_method, shared):
    """Processes as multiprocessing children; returns (t0, [(start, first, spans)] by thread).

    Processes without a start_method run from time 0, as the simulator has them: they are
    started before t0 and released together at t0. Processes with one are started at t0 by the
    recorder's main thread, which plays the simulator's synthesized "main" process.
    """
    started = [p for p in layout if p.start_method]
    if any(p.start_method == "forkserver" for p in started):
        stop_forkserver()
    workdir = tempfile.mkdtemp(prefix="gilsim-record-")
    children = Children(layout, plans, switch_interval, io_mode, port, default_method, workdir, shared)
    try:
        children.prestart()
        sys.setswitchinterval(switch_interval)
        with GcPaused():
            t0 = time.monotonic_ns()
            launched = children.release()
            main_spans, started_at = run_main_thread(children, started)
            launched.update(started_at)
            children.join_prestarted()
        results = children.results()
    finally:
        children.terminate()
        shutil.rmtree(workdir, ignore_errors=True)
    threads = []
    for p in layout:
        if p.synthesized:
            threads.append((t0, t0, main_spans))  # the recorder's own thread, running at t0
            continue
        for first, spans, _ in results[p.index]:
            threads.append((launched[p.index], first, spans))
    return t0, threads


class Measured:
    """One repetition's raw result: per thread (start stamp, first line, spans), and t0."""

    def __init__(self, t0, threads, switch_interval):
        self.t0 = t0
        self.threads = threads  # [(start_call_ns, first_ns, spans)] in global thread order
        self.switch_interval = switch_interval


def run_once(variant, calibration, io_mode, port, default_method):
    """Executes one repetition of a variant; raises RunFailed if anything failed."""
    layout = instances(variant)
    seed = variant["runtime"]["seed"]
    interval = variant["runtime"]["switch_interval_s"]
    plans = {p.index: thread_plans(p, seed, calibration, io_mode) for p in layout if not p.synthesized}
    shared = shared_channels(variant, layout, default_method)
    if len(layout) == 1:
        t0, threads = run_in_process(plans[0], interval, io_mode, port, shared)
    else:
        t0, threads = run_with_children(layout, plans, interval, io_mode, port, default_method, shared)
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
            tid = STEP_TID_BASE + t.index + 1
            head = f'{{"ph":"M","pid":{pid},"tid":{tid},"name":'
            lines.append(f'{head}"thread_name","args":{{"name":{_js(t.name + " steps")}}}}}')
            lines.append(f'{head}"thread_sort_index","args":{{"sort_index":{2 * (t.index + 1) + 1}}}}}')
    return lines


def step_events(thread, start_ns, first_ns, spans, t0):
    """The thread's start span, then one complete event per executed leaf step."""
    head = f'{{"ph":"X","pid":{thread.process_index + 1},"tid":{STEP_TID_BASE + thread.index + 1},"ts":'
    args = f',"args":{{"process":{_js(thread.process_name)},"thread":{_js(thread.name)},"step":'
    kinds = [kind for kind, _ in thread.table]
    labels = [_js(label) for _, label in thread.table]
    lines = [f'{head}{us(start_ns - t0)},"dur":{us(first_ns - start_ns)},"name":"start","cat":"step"'
             f'{args}"start","step_index":-1,"iteration":0}}}}']
    for index, iteration, begin, end in spans:
        lines.append(f'{head}{us(begin - t0)},"dur":{us(end - begin)},"name":"{kinds[index]}","cat":"step"'
                     f'{args}{labels[index]},"step_index":{index},"iteration":{iteration}}}}}')
    return lines


def trace_text(variant, measured, other_data):
    layout = instances(variant)
    threads = [t for p in layout for t in p.threads]
    lines = metadata_events(layout)
    for thread, (start, first, spans) in zip(threads, measured.threads):
        lines += step_events(thread, start, first, spans, measured.t0)
    return ('{"displayTimeUnit":"ms","traceEvents":[\n' + ",\n".join(lines) + "\n],\n"
            + '"otherData":' + json.dumps(other_data, separators=(",", ":"), ensure_ascii=False) + "}\n")


def other_data(variant, measured, host, recorder):
    return {"source": "measured", "scenario": variant["name"], "variant": variant["variant"],
            "cores": host["physical_cores"], "smt": host["threads_per_core"],
            "switch_interval_s": measured.switch_interval, "host": host, "recorder": recorder}


def makespan_ns(measured):
    return max((spans[-1][3] if spans else first) for _, first, spans in measured.threads) - measured.t0


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

def _read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return None


def cpu_topology():
    """(logical CPUs, physical cores, threads per core) from sysfs, else lscpu, else cpu_count."""
    logical = os.cpu_count() or 1
    cores = set()
    base = "/sys/devices/system/cpu"
    for entry in sorted(os.listdir(base)) if os.path.isdir(base) else []:
        if entry.startswith("cpu") and entry[3:].isdigit():
            package = _read(f"{base}/{entry}/topology/physical_package_id")
            core = _read(f"{base}/{entry}/topology/core_id")
            if package is not None and core is not None:
                cores.add((package, core))
    physical = len(cores)
    if not physical:
        try:
            out = subprocess.run(["lscpu", "-p=CORE,SOCKET"], stdout=subprocess.PIPE, text=True).stdout
            physical = len({line for line in out.splitlines() if line and not line.startswith("#")})
        except OSError:
            physical = 0
    physical = physical or logical
    return logical, physical, max(1, round(logical / physical))


def cpu_model():
    for line in (_read("/proc/cpuinfo") or "").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def python_has_gil():
    """False only on a free-threaded build running without its GIL (PEP 703)."""
    return getattr(sys, "_is_gil_enabled", lambda: True)()


def host_facts(start_method):
    logical, physical, per_core = cpu_topology()
    gil_enabled = python_has_gil()
    return {"cpu_model": cpu_model(), "logical_cpus": logical, "physical_cores": physical,
            "threads_per_core": per_core, "python_version": platform.python_version(),
            "python_implementation": platform.python_implementation(), "gil_enabled": gil_enabled,
            "kernel": platform.release(), "start_method": start_method}


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


def command_run(args, argv):
    """The `run` subcommand: returns the exit status."""
    variants = validate_export(export_scenario(args.scenario, args.set, args.switch_interval, args.variant))
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
                measured = run_once(v, calibration, args.io, server.port if server else None, args.start_method)
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

def trimmed_mean(values, cut=0.1):
    """Mean without the lowest and highest `cut` fraction: robust to a loaded machine."""
    values = sorted(values)
    k = int(len(values) * cut)
    kept = values[k:len(values) - k] or values
    return sum(kept) / len(kept)


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


def measure_slack_and_handover(samples, duration_s):
    """(timer slack s, hand-over period s, hand-overs): the slack sampled around the hand-overs.

    wakeup_latency is derived from their difference, and this host's timer lateness drifts
    over minutes, so half of the slack samples are taken just before and half just after.
    """
    late = timed_wait_lateness(samples // 2)
    period, handovers = measure_handover(duration_s)
    late += timed_wait_lateness(samples - samples // 2)
    return max(0.0, trimmed_mean(late)) / 1e9, period, handovers


def _spin_runs(stop_ns, gap_ns, out, k):
    """Runs of a CPU-bound loop: gaps longer than gap_ns are times without the GIL."""
    now = time.monotonic_ns
    runs = []
    start = last = now()
    while last < stop_ns:
        t = now()
        if t - last > gap_ns:
            runs.append((start, last))
            start = t
        last = t
    runs.append((start, last))
    out[k] = runs


def measure_handover(duration_s, interval_s=0.005):
    """Mean period (s) between GIL hand-overs of two CPU-bound threads, and the count."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(interval_s)
    out = [None, None]
    stop = time.monotonic_ns() + int(duration_s * 1e9)
    threads = [threading.Thread(target=_spin_runs, args=(stop, 50_000, out, k)) for k in (0, 1)]
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


def probe_child(stamps, hold_s):
    """A child's first and last lines; it lives hold_s so the parent is already in join()."""
    stamps[0] = time.monotonic_ns()
    time.sleep(hold_s)
    stamps[1] = time.monotonic_ns()


def probe_process(context, hold_s=0.02):
    """(start, join) in ns: Process.start() to the child's first line; its last line to join()."""
    stamps = context.RawArray("q", 2)
    process = context.Process(target=probe_child, args=(stamps, hold_s))
    start = time.monotonic_ns()
    process.start()
    process.join()
    joined = time.monotonic_ns()
    if process.exitcode != 0:
        raise RunFailed(f"a {context.get_start_method()} probe process exited with {process.exitcode}")
    return stamps[0] - start, joined - stamps[1]


def measure_processes(quick):
    """Mean start and join times (s) per start method, forkserver's first start separately.

    forkserver_first is a start that must bring the forkserver up: the server is stopped
    before each such sample (as a fresh program would have none).
    """
    counts = {"fork": 4 if quick else 10, "spawn": 2 if quick else 5, "forkserver": 2 if quick else 5}
    starts, joins = {}, {}
    for method in START_METHODS:
        context = multiprocessing.get_context(method)
        first = []
        if method == "forkserver":
            for _ in range(1 if quick else 3):
                stop_forkserver()
                first.append(probe_process(context))
            starts["forkserver_first"] = trimmed_mean([s for s, _ in first]) / 1e9
        samples = [probe_process(context) for _ in range(counts[method])]
        starts[method] = trimmed_mean([s for s, _ in samples]) / 1e9
        joins[method] = trimmed_mean([j for _, j in samples + first]) / 1e9
    order = ("fork", "spawn", "forkserver_first", "forkserver")
    return {m: starts[m] for m in order}, joins


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


def fmt_duration(seconds):
    """A duration with a unit and up to 4 significant digits (e.g. 48.5us, 3.1ms)."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{float(f'{seconds / scale:.4g}'):g}{unit}"
    return f"{float(f'{seconds * 1e9:.4g}'):g}ns"


def fmt_rate(value):
    """A large rate in scientific notation with 4 significant digits: 2.1e+9 (a YAML float)."""
    mantissa, exponent = f"{value:.3e}".split("e")
    mantissa = mantissa.rstrip("0")
    mantissa += "0" if mantissa.endswith(".") else ""
    return f"{mantissa}e{'+' if int(exponent) >= 0 else '-'}{abs(int(exponent))}"


def fmt_number(value):
    return f"{float(f'{value:.4g}'):g}"


def command_calibrate(args):
    """The `calibrate` subcommand: measures this host and writes its machine profile."""
    quick = args.quick
    began = time.monotonic()
    load = OtherLoad()
    host = host_facts(multiprocessing.get_start_method())
    cpu_unit = measure_cpu_unit_ns(samples=5 if quick else 7)
    native_rate, native_overhead = measure_native(samples=5 if quick else 7)
    native_ratio, cpu_ratio = measure_native_parallelism(0.05 if quick else 0.2)
    slack, period, handovers = measure_slack_and_handover(10 if quick else 100, 0.4 if quick else 3.0)
    handover_overhead = max(0.0, period - 0.005)
    drop = 5e-6
    wakeup = max(0.0, (handover_overhead - slack - drop) / 2)
    thread_start = measure_thread_start(20 if quick else 200)
    process_start, process_join = measure_processes(quick)
    pickle_rate, unpickle_rate = measure_pickle((4 if quick else 32) << 20, 3 if quick else 5)
    pipe_rate = measure_ipc("pipe", 16 if quick else 64, 1 << 20, 2 if quick else 5)
    queue_rate = measure_ipc("queue", 16 if quick else 64, 1 << 20, 2 if quick else 5)
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
        f"  # Process.start() to the first line of the target; forkserver_first starts the forkserver too; {trim}",
        "  process_start: {" + ", ".join(f"{m}: {fmt_duration(s)}" for m, s in process_start.items()) + "}",
        f"  # the target's last line to join() returning in the waiting parent, {trim}",
        "  process_join: {" + ", ".join(f"{m}: {fmt_duration(s)}" for m, s in process_join.items()) + "}",
        "  # pickle.dumps / pickle.loads of a list of distinct 64 KiB bytes objects (bytes of pickle per second)",
        f"  pickle_bytes_per_s: {fmt_rate(pickle_rate)}",
        f"  unpickle_bytes_per_s: {fmt_rate(unpickle_rate)}",
        "  # child to parent, 1 MiB messages: Connection.send_bytes/recv_bytes, and Queue.put/get (pickled)",
        f"  pipe_bytes_per_s: {fmt_rate(pipe_rate)}",
        f"  queue_bytes_per_s: {fmt_rate(queue_rate)}",
    ]
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
    run.add_argument("--out", required=True, metavar="DIR", help="output directory")
    cal = sub.add_parser("calibrate", help="measure this host into a machine profile")
    cal.add_argument("--out", required=True, metavar="FILE.yaml")
    cal.add_argument("--quick", action="store_true", help="shorter measurements (tests)")
    return p


def main(argv):
    args = parser().parse_args(argv)
    try:
        if args.command == "run":
            return command_run(args, argv)
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
