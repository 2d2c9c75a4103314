"""Instances: processes and threads named and numbered as the simulator lays them out
(sim/engine/WorkloadLayout.cpp), and what only a run on this host can refuse."""

import os

from .common import MAX_STEP_EXECUTIONS
from .scenario import MAX_ECHO_CONNECTIONS, _require, coroutine_kinds, cpu_set, loop_steps
from .bounds import channel_use, executor_draws, random_draws, variant_bounds


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
