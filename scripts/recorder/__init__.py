"""The real-CPython recorder behind scripts/record.py (the command line: cli.py).

Modules, in the order a run uses them: common (names, limits, errors); scenario, bounds,
validate, layout (the exported scenario: what the recorder cannot execute, what a run does at
most, refusals, and the process and thread instances with their random draws, which `gilsim
export --layout` lays out: the recorder keeps no copy of the simulator's layout or RNG); kernels (the cpu and native kernels and their
calibration); program, runner, channels, asyncio_step, threads (step execution); echo_server
(--io echo); plans, process_threads, children, repetition (one repetition); trace_writer; host;
run (`run`); measure_threads, measure_ipc, measure_sync, calibrate (`calibrate`, `measure`).

How the steps run (fidelity first: each is one real thing CPython does, sized by calibration):

- cpu: S     pure-Python bytecode: a fixed LCG loop (`cpu_kernel`) of round(S / cpu_unit)
             iterations. Never a wall-clock deadline: a thread that waits for the GIL must take
             longer, as in the simulator. cpu_unit_ns is measured at the start of every run
             (median of 7 single-threaded timings). The loop reads the clock every CPU_CHUNK
             iterations; a gap over GIL_PAUSE_NS between two reads is a pause (the thread lost
             the GIL or its CPU), and the stretches between pauses are the thread's GIL runs,
             written as "python" state spans (docs/trace-format.md). The calibration times the
             same loop, reads included, so they do not lengthen the steps (they cost nothing
             measurable: 67.6-68.6 ns per iteration against 69.5-71.0 ns for the plain loop).
- native: S  ONE call of hashlib.pbkdf2_hmac('sha256', ...) with calibrated iterations. CPython
             runs OpenSSL's PKCS5_PBKDF2_HMAC between Py_BEGIN/END_ALLOW_THREADS: one GIL drop
             and one take, as the simulator models. Verified on the reference host (2 cores):
             two threads doing it concurrently take 1.03-1.13x the time of one, while two
             threads running the cpu kernel take 2.03-2.07x. (sha256 over a buffer would also
             release the GIL, but a long step would need a buffer as large as its bytes;
             pbkdf2 is pure computation in constant memory.) The calibration is stored
             honestly as native_iterations_per_s (PBKDF2 iterations, not bytes) plus the fixed
             per-call overhead.
  {threads: K}  native code with internal threads (BLAS): K concurrent pbkdf2 calls of 1/K of
             the work each, in K helper threads the calling thread starts and joins (it waits
             in join() without the GIL); one `native` span. The helpers are Python threads:
             each takes the GIL to start and around its call, which BLAS threads never do.
- io         `--io sleep`: time.sleep(latency). `--io echo`: a blocking sendall/recv on a TCP
             connection to a delay/echo server on 127.0.0.1, which runs in a separate process
             (its own GIL) started before the run; the request carries the latency, the server
             waits that long and echoes. Each scenario thread keeps one connection, opened by
             whoever starts the thread before starting it.
             Latencies are the simulator's draws: `gilsim export --layout` gives each thread the
             first uniforms of its random stream, and each random io call takes the next one as
             it is about to run, mapped as Latency::sample does (inside a consume body their
             number depends on the messages the thread receives).
- sleep: S   time.sleep(S).
- lock/unlock  threading.Lock().acquire() / .release(), one lock per name and process.
- repeat     a Python for loop.
- put/get/consume  on channels: queue.Queue (one per process), multiprocessing.SimpleQueue
             (`pipe`) and multiprocessing.Queue (`mp_queue`, with its real feeder thread), made
             before any process starts. A put sends a payload of `bytes` bytes and `objects`
             small ints (pickled unless it is a queue.Queue). A channel closes, as in the
             simulator, when every thread that puts to it has finished: each writer sends a marker
             when it ends, and the reader that takes the last one tells the other readers.
             consume: one span per receive (to the message unpickled), the closing one included,
             as the simulator writes them. A get on a closed channel fails the run (the simulator
             reports a deadlock); a run still going after --timeout fails too (a writer blocked
             on a full pipe: real pipes are bounded, the simulator's channels are not).
- asyncio    asyncio.run() of a main() gathering `tasks` coroutines that run the step's
             program (or the `coroutines` kinds, `count` of each): cpu and native block the
             loop; lock/unlock are asyncio.Locks and put/get/consume asyncio.Queue operations on
             the loop's `queues`, which close as the simulator's do (the last coroutine that puts
             to one puts a marker when it returns; a consumer that gets it puts it back for the
             next and stops; a get that gets it fails the run); io and sleep are awaited (asyncio.sleep,
             or with --io echo a stream to the echo server on one connection per task);
             run_in_executor awaits loop.run_in_executor() on the loop thread's
             ThreadPoolExecutor of `executor_threads` threads (0: Python's default, min(32,
             os.cpu_count() + 4)), whose blocking function runs its steps as a thread does. One
             `asyncio` span, as in the simulator. The executor's threads start lazily, on
             submits, as in CPython (the simulator has them from time 0); they are recorded as
             the simulator's "<loop>-executor[i]" (i-th started), one "executor worker" span
             from their first line to their exit, when the loop thread ends. Their random io
             latencies come from the simulator's stream of that executor thread.

Processes, laid out exactly as the simulator does (sim/engine/WorkloadLayout.cpp):
- One process instance and no start_method: its threads are threading.Threads of this
  process, started one after another by the main thread, which then waits in join().
- Several instances: each is a multiprocessing child. A process without a start_method is,
  in the simulator, running at time 0: the recorder starts it before t0 (with --start-method),
  lets it open its connections, and releases it at t0; its main thread then starts that
  instance's threads and joins them. A process with a start_method is started at t0 with that
  method by the recorder's main thread, which plays the simulator's synthesized parent
  process "main" / thread "MainThread" (process and thread 0, which shifts every other index
  and RNG stream by one): Process.start() of each such instance in order, then join() of each,
  recorded as `process_start` and `join` steps with the simulator's labels (a processes
  strategy's pool marks its own parent process, whose MainThread does that while the pool's
  task and result handlers run in the recorder's process too). Before a run that
  starts processes with forkserver, the interpreter's forkserver is stopped so that the first
  start pays for the server, as the simulator models it.
- Children leave their spans in a file (pickle) when their threads are done and exit; the
  parent reads them after the run. A pipe would make a child's exit, hence a measured
  join(), wait for the parent to read, and the parent would compete for the CPUs meanwhile.
- sys.setswitchinterval() is applied in every process that runs scenario threads, and the
  garbage collector is off there during the run, so the recorder's growing span lists cannot
  trigger collections the scenario would not have.
- The echo server is infrastructure, always forked before anything else.

Refused before anything runs (exit 2, nothing written): step kinds and keys the recorder does
not know (so a new simulator feature is never silently mis-executed), among them
concurrent.futures.ProcessPoolExecutor (executor_map, and asyncio steps with a process-pool
executor) and, in coroutines, put/get/consume on thread or process channels (blocking calls
that stall the loop); interpreter queues and
several sub-interpreters in a process, random io latencies in asyncio coroutines (the
simulator draws them in the order its schedule begins the awaits), a get on a channel nobody
writes, a pipe nobody reads, a build (default / free-threaded) other than this Python's, and
runs too large to record (see MAX_*).

Times: t0 is time.monotonic_ns() just before the first thread or process of the run is started
or released (CLOCK_MONOTONIC is system-wide on Linux, so children's raw timestamps share it;
the parent subtracts t0 when it writes the trace). A thread's "start" span runs from the
parent's Thread.start() / Process.start() call (or the release, for a process running from
time 0) to the first line of the thread's function; MainThread's is [t0, t0]. A step span runs
from just before the step's call to just after it returns, which for a GIL-releasing call
includes taking the GIL back. `iteration` is the step's execution count in its thread, which
is the enclosing repeat's iteration for a step inside one repeat; this is what the simulator
writes (the innermost repeat's iteration would give duplicate keys for nested repeats, and
consume bodies run as many times as messages come).
"""

import os
import sys

# vtrace (host facts, shared with the validation suite's programs), and the recorder's sibling
# scripts calibrate_calls (per-call IPC and Pool costs) and calibrate_start (process start, a
# light module), which are also runnable alone.
_SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for _path in (os.path.join(os.path.dirname(_SCRIPTS), "scenarios", "validation", "lib"), _SCRIPTS):
    if _path not in sys.path:
        sys.path.insert(0, _path)
