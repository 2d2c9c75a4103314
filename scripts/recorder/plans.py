"""One repetition's plans: each thread's compiled program and random draws, made in the
recorder's process and handed to whichever process runs the thread."""

import os

from .bounds import channel_use
from .layout import echo_connections, executor_workers, scenario_threads
from .program import compile_program


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

    uniforms are the thread's stream's first draws, as `gilsim export --layout` gives them: each
    random io takes the next one when it runs, so the k-th random latency the thread draws is the
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


def thread_plans(process, calibration, io_mode):
    plans = []
    for t in scenario_threads(process):
        puts, gets = channel_use(t.program)
        tasks, offload = echo_connections(t.program)
        executor = None
        if t.executors:
            draws = t.executors[0].random_draws
            executor = ExecutorPlan(executor_workers(t.program, os.cpu_count() or 1), [e.index for e in t.executors],
                                    [list(e.uniforms) for e in t.executors] if draws else [], offload)
        plans.append(ThreadPlan(t.index, f"{t.process_name}/{t.name}", compile_program(t.program, calibration),
                                list(t.uniforms),
                                sorted(puts), sorted(gets), executor, tasks if io_mode == "echo" else 0,
                                t.affinity))
    return plans
