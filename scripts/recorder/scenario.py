"""Scenario: `gilsim export`, and the checks of the programs it exports (what the recorder
executes; unknown step kinds and keys are refused)."""

import json
import math
import os
import subprocess
import sys

from .common import GILSIM, REPO_ROOT, RunFailed, ScenarioRefused


def export_scenario(scenario, sets, switch_interval, variants):
    """The resolved scenario JSON from `scripts/gilsim export` (the only way we read scenarios).

    scripts/gilsim runs from the repository root, so the path is made relative to it (or
    absolute) first; the user's overrides are passed through unchanged.
    """
    path = os.path.abspath(scenario)
    relative = os.path.relpath(path, REPO_ROOT)
    if not relative.startswith(os.pardir + os.sep):
        path = relative
    command = [GILSIM, "export", path, "--layout"]
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
