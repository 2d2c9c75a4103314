"""Step execution of asyncio steps: the loop's coroutines, and the ThreadPoolExecutor their
run_in_executor calls run on."""

import asyncio
import collections
import concurrent.futures
import hashlib
import threading
import time

from .common import NATIVE_DIGEST, NATIVE_PASSWORD, NATIVE_SALT, ThreadResult
from .kernels import cpu_kernel
from .program import CPU, GET, IO, LOCK, NATIVE, NATIVE_THREADS, OFFLOAD, PUT, REPEAT, SLEEP, UNLOCK
from .runner import make_io_arg, native_parallel
from .channels import ChannelDeadlock
from .echo_server import ECHO_REQUEST, connect_echo, make_echo_call


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
