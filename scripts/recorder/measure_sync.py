"""`calibrate`'s measurements of synchronisation: asyncio operations, semaphores and a
threading.Lock's release()."""

import asyncio
import gc
import os
import statistics
import threading
import time


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
