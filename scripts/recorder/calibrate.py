"""`calibrate` and `measure`: this host's machine profile (scenarios/profiles/*.yaml)."""

import datetime
import multiprocessing
import os
import platform
import sys
import time

import calibrate_calls
import calibrate_sockets

from .common import PROG
from .kernels import measure_cpu_unit_ns, measure_native
from .trace_writer import _js, write_atomically
from .host import OtherLoad, host_facts
from .measure_threads import (
    measure_native_parallelism, measure_slack_and_handover, measure_smt_yield,
    measure_thread_start, smt_sibling_pair)
from .measure_ipc import (
    PIPE_WAKEUP_BLOCKS, measure_ipc, measure_pickle, measure_pipe_copies,
    measure_pipe_wakeup, measure_pool_submit, measure_processes, pickle_overhead_bytes)
from .measure_sync import measure_asyncio_ops, measure_lock_release, measure_semaphore_ops


def semaphore_lines(acquire, release, wait, asyncio_op):
    """The profile's lines for measure_semaphore_ops()'s figures, with their method."""
    return [
        "  # threading.Semaphore(n): n acquire()s that find the value above 0, then n release()s nobody",
        "  # waits for; Condition(Lock()).wait(0) held (Condition.wait's Python, not blocking); half of an",
        "  # uncontended `async with asyncio.Semaphore()`: per call, less the empty loop, medians",
        f"  semaphore_acquire: {fmt_duration(acquire)}",
        f"  semaphore_release: {fmt_duration(release)}",
        f"  semaphore_wait: {fmt_duration(wait)}",
        f"  asyncio_semaphore_op: {fmt_duration(asyncio_op)}",
    ]


# Profile number formats: one definition, in calibrate_calls.
fmt_duration = calibrate_calls.fmt_duration
fmt_rate = calibrate_calls.fmt_rate


def fmt_number(value):
    return f"{float(f'{value:.4g}'):g}"


def lock_release_lines(wake, syscall):
    """The profile's lines for measure_lock_release()'s figures, with their method."""
    return [
        "  # threading.Lock.release() with a thread asleep in acquire() on it, less an uncontended release",
        "  # (futex_wake waking it), and os.getppid() less gc.isenabled() (a null system call, the futex_wake",
        "  # of a 3.11 release whose waiter is awake already): medians",
        f"  lock_release_wake: {fmt_duration(wake)}",
        f"  lock_release_syscall: {fmt_duration(syscall)}",
    ]


def command_measure(args):
    """The `measure` subcommand: one measurement alone, printed as profile lines (to add a new
    key to an existing profile without re-calibrating the whole host)."""
    load = OtherLoad()
    if args.what == "semaphore":
        lines = semaphore_lines(*measure_semaphore_ops(200_000, 7))
    else:
        lines = lock_release_lines(*measure_lock_release(500))
    print(f"  # measured alone by scripts/record.py measure {args.what} on "
          f"{datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')} with "
          f"{platform.python_version()}; other processes used {load.share():.0%} of the CPUs meanwhile")
    print("\n".join(lines))
    return 0


def command_calibrate(args):
    """The `calibrate` subcommand: measures this host and writes its machine profile."""
    quick = args.quick
    began = time.monotonic()
    load = OtherLoad()
    host = host_facts(multiprocessing.get_start_method())
    cpu_unit = measure_cpu_unit_ns(samples=5 if quick else 7)
    native_rate, native_overhead = measure_native(samples=5 if quick else 7)
    native_ratio, cpu_ratio = measure_native_parallelism(0.05 if quick else 0.2)
    slack, period, handovers = measure_slack_and_handover(10 if quick else 100, 0.4 if quick else 3.0, cpu_unit)
    handover_overhead = max(0.0, period - 0.005)
    drop = 5e-6
    wakeup = max(0.0, (handover_overhead - slack - drop) / 2)
    thread_start = measure_thread_start(20 if quick else 200)
    process_start, process_start_call, process_join = measure_processes(quick)
    pickle_rate, unpickle_rate = measure_pickle((4 if quick else 32) << 20, 3 if quick else 5)
    pipe_rate = measure_ipc("pipe", 16 if quick else 64, 1 << 20, 2 if quick else 5)
    queue_rate = measure_ipc("queue", 16 if quick else 64, 1 << 20, 2 if quick else 5)
    pipe_capacity, pipe_write_rate, pipe_read_rate = measure_pipe_copies(50 if quick else 500)
    wakeups = {b: measure_pipe_wakeup(b, max(5, round((0.02 if quick else 0.3) / b))) for b in PIPE_WAKEUP_BLOCKS}
    asyncio_step, asyncio_lock_op, asyncio_queue_op = measure_asyncio_ops(20_000 if quick else 200_000, 3 if quick else 7)
    pool_submit = measure_pool_submit(50 if quick else 200, 3 if quick else 7)
    lock_wake, lock_syscall = measure_lock_release(50 if quick else 500)
    semaphore_ops = measure_semaphore_ops(20_000 if quick else 200_000, 3 if quick else 7)
    per_call = calibrate_calls.calibration_lines(quick)
    sockets = calibrate_sockets.calibration_lines(quick)
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
        f"  python_executable: {_js(host['python_executable'])}",
        f"  python_cflags: {_js(host['python_cflags'])}",
        "  # sha1 of sysconfig CONFIG_ARGS (the interpreter's configure options), first 12 hex digits",
        f"  python_config_sha1: {_js(host['python_config_sha1'])}",
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
        f"  # Process.start() to the first line of the target, from a main module importing only multiprocessing (scripts/calibrate_start.py); forkserver_first starts the forkserver too; {trim}",
        "  process_start: {" + ", ".join(f"{m}: {fmt_duration(s)}" for m, s in process_start.items()) + "}",
        f"  # the Process.start() call itself, the parent's share of the start (warm forkserver), {trim}",
        "  process_start_call: {" + ", ".join(f"{m}: {fmt_duration(s)}" for m, s in process_start_call.items()) + "}",
        f"  # the target's last line to join() returning in the waiting parent, {trim}",
        "  process_join: {" + ", ".join(f"{m}: {fmt_duration(s)}" for m, s in process_join.items()) + "}",
        "  # pickle.dumps / pickle.loads of a list of distinct 64 KiB bytes objects (bytes of pickle per second)",
        f"  pickle_bytes_per_s: {fmt_rate(pickle_rate)}",
        f"  unpickle_bytes_per_s: {fmt_rate(unpickle_rate)}",
        "  # child to parent, 1 MiB messages: Connection.send_bytes/recv_bytes, and Queue.put/get (pickled);",
        "  # end to end, for comparison (the model streams large messages through the pipe buffer)",
        f"  pipe_bytes_per_s: {fmt_rate(pipe_rate)}",
        f"  queue_bytes_per_s: {fmt_rate(queue_rate)}",
        "  # len(ForkingPickler.dumps((bytes(65536), []))) - 65536: the pickle's bytes around a payload",
        f"  pickle_overhead_bytes: {pickle_overhead_bytes()}",
        "  # fcntl(F_GETPIPE_SZ) of a new pipe",
        f"  pipe_buffer_bytes: {pipe_capacity}",
        "  # Connection.send_bytes, then recv_bytes, of a message filling the empty pipe (capacity - 4 bytes",
        "  # and the 4-byte header), nobody blocked on the other end: bytes of pipe per second, medians",
        f"  pipe_write_bytes_per_s: {fmt_rate(pipe_write_rate)}",
        f"  pipe_read_bytes_per_s: {fmt_rate(pipe_read_rate)}",
        "  # send_bytes(b'x') to recv_bytes returning in a process blocked on the empty pipe for 100us,",
        f"  # 1ms and 10ms (the sender spinning meanwhile), {trim}",
        "  pipe_wakeup: {" + ", ".join(f"{fmt_duration(b)}: {fmt_duration(w)}" for b, w in wakeups.items()) + "}",
        "  # a task's `await asyncio.sleep(0)` round trip through the event loop; half of an uncontended",
        "  # `async with asyncio.Lock()` and of a Queue put_nowait + get_nowait, less the empty loop: medians",
        f"  asyncio_task_step: {fmt_duration(asyncio_step)}",
        f"  asyncio_lock_op: {fmt_duration(asyncio_lock_op)}",
        f"  asyncio_queue_op: {fmt_duration(asyncio_queue_op)}",
        "  # ProcessPoolExecutor(2, fork).submit() on running workers, batches of submits: median",
        f"  process_pool_submit: {fmt_duration(pool_submit)}",
        *lock_release_lines(lock_wake, lock_syscall),
        *semaphore_lines(*semaphore_ops),
    ] + per_call + sockets
    directory = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(directory, exist_ok=True)
    write_atomically(args.out, "\n".join(lines) + "\n")
    print(f"{PROG}: wrote {args.out} ({time.monotonic() - began:.1f} s)", file=sys.stderr)
    return 0
