"""Scenario validation: refuses what the recorder cannot execute, before anything runs."""

import platform
import sys

from .common import MAX_PROCESSES, MAX_STEP_EXECUTIONS, MAX_THREADS, ScenarioRefused
from .scenario import CHANNEL_KINDS, UNSUPPORTED, _check_keys, _require, validate_steps
from .bounds import channel_gets, channel_use, variant_bounds
from .host import python_has_gil


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


def validate_variant(v):
    """Refuses what the recorder cannot execute, before anything runs: keys it does not know, a
    Python or build other than this one, names that cannot name a trace file, features and sizes
    it does not run. The scenario itself is valid: `gilsim export` has checked it as the simulator
    does, and the recorder does not check it again.

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
    _require((build == "default") == gil_enabled, "runtime.build",
             f"the scenario wants the {build} build but this Python ({platform.python_version()}, "
             f"{sys.executable}) {'has' if gil_enabled else 'has no'} GIL: run record.py with "
             f"{'a free-threaded python (e.g. python3.13t)' if gil_enabled else 'a default-build python'}")
    _require("semaphores" not in v, "workload.semaphores", UNSUPPORTED["acquire"])
    processes = v.get("processes")

    total_processes = total_threads = 0
    for p, process in enumerate(processes):
        at = f"workload.processes[{p}]"
        # `parent`: the process whose MainThread starts the others (a strategy's multiprocessing.Pool)
        _check_keys(process, ("name", "count", "start_method", "parent", "affinity", "threads"), at)
        threads = process.get("threads")
        for t, thread in enumerate(threads):
            tat = f"{at}.threads[{t}]"
            _check_keys(thread, ("name", "count", "interpreter", "affinity", "program"), tat)
            validate_steps(thread.get("program"), tat + ".program")
            total_threads += process["count"] * thread["count"]
        interpreters = sorted({thread.get("interpreter", "main") for thread in threads})
        _require(len(interpreters) == 1, at,
                 f"threads in several sub-interpreters ({', '.join(map(str, interpreters))}) are not supported by "
                 f"the recorder: this Python has no per-interpreter GIL to run them with")
        total_processes += process["count"]
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
