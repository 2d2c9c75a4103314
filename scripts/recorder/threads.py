"""Step execution in a scenario thread: its program bound to its process's locks, channels and
connections, and the thread's function."""

import os
import time
import traceback

from .common import ThreadResult
from .program import ASYNCIO, CONSUME, GET, IO, LOCK, OFFLOAD, PUT, UNLOCK
from .runner import fixed_io_arg, make_io_arg, make_runner
from .channels import ChannelDeadlock
from .asyncio_step import LoopExecutor, make_asyncio_step, make_offload
from .echo_server import connect_echo, make_echo_call


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
