"""Step execution, compiled: programs as nested tuples of step codes with kernel sizes computed
before the run."""

from .scenario import LEAF_KINDS, coroutine_kinds, walk_steps


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
