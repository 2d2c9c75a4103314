"""Instances: processes and threads named and numbered as the simulator lays them out, read from
`gilsim export --layout` (sim/loader/LayoutJson.cpp: the recorder keeps no copy of the layout
or of the random streams), and what only a run on this host can refuse."""

import os

from .common import MAX_STEP_EXECUTIONS
from .scenario import MAX_ECHO_CONNECTIONS, _require, coroutine_kinds, loop_steps


class ThreadInstance:
    """One thread of the run, named and numbered as docs/trace-format.md says.

    role: "program" (runs `program`, a thread of the scenario), "main" (the parent's MainThread),
    "executor" (a ThreadPoolExecutor worker of `loop`'s run_in_executor) or "feeder" (a
    multiprocessing.Queue's feeder thread: real, but internal to multiprocessing, so never
    recorded); the simulator's ProcessPoolExecutor threads are "pool_manager", "pool_feeder" and
    "pool_worker", which the recorder refuses before it lays anything out.
    """

    def __init__(self, index, process_index, process_name, name, program, table, role="program", affinity=(),
                 uniforms=(), random_draws=0):
        self.index = index  # global thread index: RNG stream, tid
        self.process_index = process_index
        self.process_name = process_name
        self.name = name
        self.program = program  # exported JSON steps (None unless role is "program")
        self.table = table  # (kind, label) of each step by step index
        self.role = role
        self.executors = []  # a loop thread's executor threads, by worker number
        self.affinity = list(affinity)  # os.sched_setaffinity() of the process and the thread ([]: none)
        self.uniforms = uniforms  # the first draws of its random stream (None: more than exported)
        self.random_draws = random_draws  # how many it may draw, at most


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


def instances(variant):
    """Process instances in order, with global thread indices, from the variant's exported layout.

    When any process has a start_method, a parent process "main" with one thread "MainThread"
    comes first (process 0, thread 0), unless a process is marked `parent`, whose first thread
    MainThread is then; its steps start every such process instance in order, then join each. A
    loop thread that uses run_in_executor is followed by its executor threads "NAME-executor[i]",
    and each process instance's threads by a "QueueFeederThread C" per multiprocessing.Queue C it
    puts to.
    """
    layout = variant.get("layout")
    _require(isinstance(layout, dict), "gilsim export",
             "the export has no layout: this gilsim is older than the recorder (it needs `export --layout`)")
    result = []
    by_index = {}
    for p in layout["processes"]:
        process = ProcessInstance(p["index"], p["name"], p["start_method"], p["synthesized"], p["parent"])
        for t in p["threads"]:
            program = None
            if t["program"] is not None:
                spec, thread = t["program"]
                program = variant["processes"][spec]["threads"][thread]["program"]
            instance = ThreadInstance(t["index"], process.index, process.name, t["name"], program,
                                      [tuple(step) for step in t["steps"]], t["role"], t["affinity"],
                                      t["uniforms"], t["random_draws"])
            by_index[instance.index] = instance
            if t["loop_thread"] >= 0:
                by_index[t["loop_thread"]].executors.append(instance)
            process.threads.append(instance)
        result.append(process)
    return result


def scenario_threads(process):
    return [t for t in process.threads if t.role == "program"]


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
    """The real ThreadPoolExecutor size for a loop thread on a host with `cpus`: its asyncio
    steps' executor_threads, or Python's default min(32, os.cpu_count() + 4)
    (Lib/concurrent/futures/thread.py), for the loops that offload work."""
    threads = 0
    for step in program:
        if step["kind"] == "asyncio" and any(s["kind"] == "run_in_executor" for s in loop_steps(step)):
            threads = max(threads, step["executor_threads"] or min(32, cpus + 4))
        elif step["kind"] in ("repeat", "consume"):  # loops in these bodies run on the thread too
            threads = max(threads, executor_workers(step["steps"], cpus))
    return threads


def check_recordable(variant, io_mode):
    """What only a run on this host decides: echo connections, and random latencies in
    run_in_executor on executor threads the simulator does not have. Raises ScenarioRefused."""
    host_cpus = os.cpu_count() or 1
    connections = 0
    for process in instances(variant):
        for t in scenario_threads(process):
            tasks, offload = echo_connections(t.program)
            workers = executor_workers(t.program, host_cpus)
            connections += 1 + tasks + (workers if offload else 0)
            draws = t.executors[0].random_draws if t.executors else 0
            if draws:
                _require(workers <= len(t.executors), f"{process.name}/{t.name}",
                         f"its run_in_executor functions draw random io latencies, and this host's default executor "
                         f"has {workers} threads where the simulated machine has {len(t.executors)}: the extra "
                         f"threads have no simulated random stream (set executor_threads)")
                _require(draws <= MAX_STEP_EXECUTIONS, f"{process.name}/{t.name}",
                         f"{draws:.0f} random io latencies per executor thread; the recorder draws at most "
                         f"{MAX_STEP_EXECUTIONS}")
            _require(t.random_draws <= MAX_STEP_EXECUTIONS, f"{process.name}/{t.name}",
                     f"{t.random_draws:.0f} random io latencies; the recorder draws at most {MAX_STEP_EXECUTIONS}")
    _require(io_mode != "echo" or connections <= MAX_ECHO_CONNECTIONS, "workload",
             f"--io echo would open {connections} connections to the echo server (one per thread, asyncio task "
             f"and executor thread doing io); the recorder opens at most {MAX_ECHO_CONNECTIONS}: use --io sleep")
