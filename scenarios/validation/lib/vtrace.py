"""Spans, GIL runs, host facts and noise figures for the validation programs.

The programs of scenarios/validation/<case>/program.py are plain standard-library Python, written
as a user or a blog author would write the experiment. They use this module only to stamp what
they measure and to write it in gilsim's trace format (docs/trace-format.md, "Program traces"):

    trace = vtrace.Trace("convoy", args)       # args: argparse namespace with .trace
    ...set-up (servers, children, calibration)...
    trace.start()                               # t0: the run begins
    with trace.span("echo"):                    # one span of the current thread
        sock.send(b"x"); sock.recv(1)
    trace.cpu(iterations)                       # a CPU-bound loop, with its GIL runs
    trace.request("http", sent, replied)        # one request's latency (a load generator's)
    trace.finish()                              # after every thread and child has ended
    trace.write()

GIL runs. A CPU-bound loop reads the clock every CHUNK iterations; two reads more than PAUSE_NS
apart mean the thread did not run in between (it lost the GIL, or its CPU for long), and each stretch
without such a pause is one GIL run, from its first to its last read (as scripts/record.py
detects them). `cpu()` is Beazley's countdown loop with those reads; `RunClock` adds them to a
loop of the program's own (the lock experiment's increments).

Noise. A run is noisy when other processes, or the hypervisor (steal), took more than NOISY_SHARE
of the CPUs during it, or when the CPU's speed (the countdown's time per iteration, measured
after a warm-up when the program starts and again when it finishes) changed by more than
MAX_DRIFT: on the project's VM it changes by up to 1.5x from one second to the next. Niced processes count: with autogroup scheduling (Linux's default,
/proc/sys/kernel/sched_autogroup_enabled), a nice-19 build of another session competes with the
same weight as this program, and was seen to pause its CPU-bound loops for half of their time.
The figures (others at any nice level, the niced part of it, steal) and the verdict go into
otherData.noise, with every traced thread's run-queue wait (/proc/thread-self/schedstat).
scripts/validation record re-runs noisy repetitions; gilsim validate never uses them.

Standard library only. Times are time.perf_counter_ns(): CLOCK_MONOTONIC, shared by processes.
"""
import glob
import gzip
import hashlib
import json
import math
import os
import platform
import statistics
import sys
import sysconfig
import threading
import time

CHUNK = 100           # loop iterations between two clock reads (~2.5 us of countdown)
# A longer gap between two reads is a pause: the run ended. Not the recorder's 50 us: on the
# project's VM, other processes' brief wake-ups preempt a CPU-bound thread (with its GIL) every
# few ms even on a quiet host: in the first campaign's quiet gil_handover runs, same-thread pauses
# were 71 us (median), 177 us (p95), 604 us (p99), 96% under 200 us; a GIL loss lasts at least
# the other thread's run (a switch interval, >= 1 ms there). Both sides merge runs over it.
PAUSE_NS = 200_000
NOISY_SHARE = 0.05    # other processes' or steal share of all CPUs above which a run is noisy
RESOLUTION_TICKS = 3  # ... unless it is within this many clock ticks of /proc's accounting
MAX_DRIFT = 0.10      # the CPU's speed before and after the run differs more: a noisy run
WARM_UP_S = 0.2       # spinning before the first measurement (warm_up)
STEP_TID = 2_000_000  # docs/trace-format.md: a thread's span track is its state track + this

now = time.perf_counter_ns


# ---------------------------------------------------------------------------------------------
# CPU-bound work and its calibration

def countdown(n):
    """Beazley's CPU-bound loop (Understanding the Python GIL, 2010)."""
    while n > 0:
        n -= 1


class RunClock:
    """GIL-run detection for a loop of the program's own: call tick() every few iterations."""

    def __init__(self):
        self.runs = []
        self.start = self.last = now()

    def tick(self):
        t = now()
        if t - self.last > PAUSE_NS:
            self.runs.append((self.start, self.last))
            self.start = t
        self.last = t

    def close(self):
        self.runs.append((self.start, self.last))
        return self.runs


def cpu_loop(n, runs, stop=None):
    """countdown(n), or until stop.is_set() when n is math.inf, reading the clock every CHUNK
    iterations (RunClock); appends its GIL runs to `runs`."""
    clock, stopped = RunClock(), stop.is_set if stop is not None else bool
    while n > 0 and not stopped():
        k = CHUNK if n > CHUNK else n
        n -= k
        while k > 0:
            k -= 1
        clock.tick()
    runs.extend(clock.close())


def warm_up(seconds=WARM_UP_S):
    """Spins for `seconds`: a vCPU that was idle runs this loop up to 2.5x slower at first."""
    end = now() + int(seconds * 1e9)
    while now() < end:
        cpu_loop(10_000, [])


def calibrate_cpu(samples=5, target_ns=20_000_000):
    """ns per countdown iteration (clock reads included), median of timings of ~20 ms alone."""
    cpu_loop(50_000, [])
    n = 200_000
    t = now()
    cpu_loop(n, [])
    n = max(n, int(n * target_ns / max(1, now() - t)))
    times = []
    for _ in range(samples):
        t = now()
        cpu_loop(n, [])
        times.append(now() - t)
    return statistics.median(times) / n


# ---------------------------------------------------------------------------------------------
# Host facts and noise

def read_text(path):
    """A small file's stripped text, or None when it cannot be read."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return None


def host_facts():
    """What a trace must share with the machine profile (gilsim validate checks it)."""
    base = "/sys/devices/system/cpu"
    cores = set()
    for entry in sorted(os.listdir(base)):
        if entry.startswith("cpu") and entry[3:].isdigit():
            core = (read_text(f"{base}/{entry}/topology/physical_package_id"), read_text(f"{base}/{entry}/topology/core_id"))
            if None not in core:
                cores.add(core)
    logical = os.cpu_count() or 1
    physical = len(cores) or logical
    model = next((line.split(":", 1)[1].strip() for line in (read_text("/proc/cpuinfo") or "").splitlines()
                  if line.startswith("model name")), platform.machine())
    config = sysconfig.get_config_var("CONFIG_ARGS") or ""
    return {"cpu_model": model, "logical_cpus": logical, "physical_cores": physical,
            "threads_per_core": max(1, round(logical / physical)),
            "python_executable": os.path.realpath(sys.executable), "python_version": platform.python_version(),
            "python_implementation": platform.python_implementation(),
            "python_cflags": " ".join((sysconfig.get_config_var("PY_CFLAGS") or "").split()),
            "python_config_sha1": hashlib.sha1(config.encode()).hexdigest()[:12],
            "kernel": platform.release()}


def _proc_stat(pid):
    """(ppid, utime + stime + cutime + cstime in ticks) of a process, or None when it is gone."""
    text = read_text(f"/proc/{pid}/stat")
    if not text:
        return None
    fields = text[text.rfind(")") + 2:].split()
    return int(fields[1]), sum(int(x) for x in fields[11:15])


def _own_ticks():
    """CPU ticks used by this process and its descendants (reaped ones through cutime)."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            s = _proc_stat(int(entry))
            if s:
                stats[int(entry)] = s
    mine, frontier, total = {os.getpid()}, [os.getpid()], 0
    while frontier:
        pid = frontier.pop()
        total += stats.get(pid, (0, 0))[1]
        for child, (ppid, _) in stats.items():
            if ppid == pid and child not in mine:
                mine.add(child)
                frontier.append(child)
    return total


def _cpu_line():
    fields = [int(x) for x in (read_text("/proc/stat") or "cpu 0").splitlines()[0].split()[1:9]]
    fields += [0] * (8 - len(fields))
    user, nice, system, _, _, _, _, steal = fields
    # Interrupt time (irq, softirq) belongs to no process: loopback TCP is mostly softirq work of
    # this very program, which would otherwise count as someone else's.
    return user + system, nice, steal


class Noise:
    """Other processes' CPU time while the run lasts, from /proc/stat less our own tree."""

    def __init__(self):
        self.t = time.monotonic()
        self.cpu = _cpu_line()
        self.own = _own_ticks()

    def figures(self):
        t, cpu, own = time.monotonic(), _cpu_line(), _own_ticks()
        capacity = max(1e-9, (t - self.t) * (os.cpu_count() or 1) * os.sysconf("SC_CLK_TCK"))
        niced = cpu[1] - self.cpu[1]  # this program runs at nice 0: niced time is someone else's
        others = max(0, (cpu[0] - self.cpu[0]) - (own - self.own)) + niced
        share = lambda ticks: round(max(0.0, ticks / capacity), 4)
        figures = {"window_s": round(t - self.t, 4), "others_cpu_share": share(others),
                   "niced_cpu_share": share(niced), "steal_share": share(cpu[2] - self.cpu[2])}
        # /proc accounts in clock ticks (100 Hz): a few ticks of difference are its resolution
        limit = max(NOISY_SHARE * capacity, RESOLUTION_TICKS)
        figures["noisy"] = others > limit or cpu[2] - self.cpu[2] > limit
        figures["threshold"] = NOISY_SHARE
        return figures


def _schedstat():
    """(ns on a CPU, ns runnable but waiting for one) of the calling thread."""
    text = read_text("/proc/thread-self/schedstat")
    return tuple(int(x) for x in text.split()[:2]) if text else (0, 0)


# ---------------------------------------------------------------------------------------------
# The trace

class Span:
    __slots__ = ("trace", "name", "begin")

    def __init__(self, trace, name):
        self.trace, self.name = trace, name

    def __enter__(self):
        self.begin = now()
        return self

    def __exit__(self, *exc):
        self.trace.spans.append((self.trace.process, threading.current_thread().name, self.name, self.begin, now()))


def nearest_rank(ordered, p):
    """The smallest of the sorted values that a share p of them do not exceed, as gilsim's request
    summary and latency metrics compute percentiles (0.99 x 100 is 99.00000000000001 in binary)."""
    return ordered[max(0, math.ceil(p * len(ordered) - 1e-9) - 1)]


class Trace:
    """Spans and GIL runs of one run of a program, written as one trace file."""

    def __init__(self, case, args, process="main"):
        self.case, self.args, self.process = case, args, process
        self.path = getattr(args, "trace", None)
        self.spans, self.runs, self.work, self.threads = [], [], {}, {}
        self.requests = []  # (process, thread, source, sent ns, replied ns)
        self.t0 = None
        # From here, so that the program's own measurements before the run (otherData.work) are
        # as quiet as the run itself.
        self.noise = Noise()
        # The host's speed, before and after (finish): this VM's vCPUs were seen to change speed
        # by 1.5x between runs of a few seconds (another guest on the host core's SMT sibling, or
        # frequency), invisibly to /proc; a run across such a change is noisy.
        warm_up()
        self.cpu_unit_ns = calibrate_cpu()

    def __getstate__(self):  # children get an empty trace (spawn pickles it), never re-calibrated
        state = dict(self.__dict__, spans=[], runs=[], requests=[], threads={}, noise=None)
        return state

    # -- recording
    def start(self):
        self.threads["MainThread"] = _schedstat()
        self.t0 = now()

    def span(self, name):
        return Span(self, name)

    def add(self, name, begin, end, thread=None):
        self.spans.append((self.process, thread or threading.current_thread().name, name, begin, end))

    def request(self, source, begin, end, thread=None, process=None):
        """One request of `source`, from its arrival (the client's send) to its completion (the
        reply read), in perf_counter_ns: what latency metrics read. `process` and `thread` name
        where it was measured (a load generator's times, handed to the parent)."""
        self.requests.append((process or self.process, thread or threading.current_thread().name, source, begin, end))

    def cpu(self, n, name="cpu", stop=None):
        """n iterations of the countdown (or until stop is set, with n = math.inf) as one span,
        with its GIL runs."""
        runs = []
        begin = now()
        cpu_loop(n, runs, stop)
        self.add(name, begin, now())
        self.add_runs(runs)

    def cpu_until(self, stop, name="cpu"):
        """The countdown until stop (a threading.Event) is set."""
        self.cpu(math.inf, name, stop)

    def add_loop(self, name, clock):
        """A loop timed by a RunClock, from the clock's creation to now, with its GIL runs."""
        runs = clock.close()
        self.add(name, runs[0][0], now())
        self.add_runs(runs)

    def add_runs(self, runs):
        thread = threading.current_thread().name
        self.runs.extend((self.process, thread, b, e) for b, e in runs)

    def thread(self, target, name, *args):
        """A started threading.Thread running target(*args), whose run-queue wait is recorded."""
        def run():
            before = _schedstat()
            try:
                target(*args)
            finally:
                after = _schedstat()
                self.threads[name] = (after[0] - before[0], after[1] - before[1])
        t = threading.Thread(target=run, name=name)
        t.start()
        return t

    # -- child processes
    def child(self, process):
        """Call first thing in a child process: it records its own spans under this name."""
        self.process = process
        self.spans, self.runs, self.requests, self.threads = [], [], [], {"MainThread": _schedstat()}

    def save_part(self):
        """Call last thing in a child process: leaves its spans for the parent's write()."""
        if not self.path:
            return
        after = _schedstat()
        before = self.threads.get("MainThread", (0, 0))
        self.threads["MainThread"] = (after[0] - before[0], after[1] - before[1])
        part = {"spans": self.spans, "runs": self.runs, "requests": self.requests,
                "threads": {f"{self.process}/{k}": v for k, v in self.threads.items()}}
        with open(f"{self.path}.part.{os.getpid()}", "w", encoding="utf-8") as f:
            json.dump(part, f)

    def finish(self):
        """Call after every thread and child process has ended."""
        after = _schedstat()
        before = self.threads["MainThread"]
        self.threads["MainThread"] = (after[0] - before[0], after[1] - before[1])
        unit_after = calibrate_cpu()
        self.noise = self.noise.figures()
        drift = unit_after / self.cpu_unit_ns - 1
        self.noise.update(cpu_unit_ns=round(self.cpu_unit_ns, 3), cpu_unit_after_ns=round(unit_after, 3),
                          speed_drift=round(drift, 4), max_drift=MAX_DRIFT)
        self.noise["noisy"] = self.noise["noisy"] or abs(drift) > MAX_DRIFT

    # -- output
    def write(self, switch_interval=None):
        """Writes the trace file (--trace), or prints a summary of the spans when there is none."""
        threads = {f"{self.process}/{k}": v for k, v in self.threads.items()}
        for part in sorted(glob.glob(f"{self.path}.part.*")) if self.path else []:
            with open(part, encoding="utf-8") as f:
                data = json.load(f)
            self.spans += [tuple(s) for s in data["spans"]]
            self.runs += [tuple(r) for r in data["runs"]]
            self.requests += [tuple(r) for r in data.get("requests", [])]
            threads.update({k: tuple(v) for k, v in data["threads"].items()})
            os.unlink(part)
        if not self.path:
            return self._summary()
        self.noise["runqueue_wait_s"] = {k: round(v[1] / 1e9, 6) for k, v in sorted(threads.items())}
        other = {"source": "measured", "format": "spans", "case": self.case, "argv": sys.argv[1:],
                 "switch_interval_s": switch_interval or sys.getswitchinterval(), "host": host_facts(),
                 "affinity": sorted(os.sched_getaffinity(0)), "work": self.work, "noise": self.noise,
                 "gil_runs": {"min_pause_ns": PAUSE_NS, "chunk_iterations": CHUNK,
                              "detected_in": "the program's CPU-bound loops (vtrace.cpu_loop, RunClock)"}}
        text = self._events() + '],\n"otherData":' + json.dumps(other, separators=(",", ":")) + "}\n"
        temporary = f"{self.path}.tmp.{os.getpid()}"
        if self.path.endswith(".gz"):  # gzip, with no time stamp in its header: the same trace, the same bytes
            with open(temporary, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
                f.write(text.encode("utf-8"))
        else:
            with open(temporary, "w", encoding="utf-8") as f:
                f.write(text)
        os.replace(temporary, self.path)

    def _events(self):
        tracks = {}
        for process, thread, *_ in self.spans + self.requests + [(r[0], r[1]) for r in self.runs]:
            tracks.setdefault((process, thread), None)
        processes = sorted({p for p, _ in tracks}, key=lambda p: (p != "main", p))
        pid = {p: i + 1 for i, p in enumerate(processes)}
        tid = {key: i + 1 for i, key in enumerate(sorted(tracks, key=lambda k: (pid[k[0]], k[1])))}
        us = lambda ns: f"{(ns - self.t0) / 1000:.3f}"
        lines = ['{"displayTimeUnit":"ms","traceEvents":[']
        body = []
        for p in processes:
            body.append(f'{{"ph":"M","pid":{pid[p]},"name":"process_name","args":{{"name":{json.dumps(p)}}}}}')
        for (p, t), k in tid.items():
            body.append(f'{{"ph":"M","pid":{pid[p]},"tid":{k},"name":"thread_name","args":{{"name":{json.dumps(t)}}}}}')
            body.append(f'{{"ph":"M","pid":{pid[p]},"tid":{STEP_TID + k},"name":"thread_name",'
                        f'"args":{{"name":{json.dumps(t + " spans")}}}}}')
        for p, t, name, b, e in sorted(self.spans, key=lambda s: (s[3], s[4])):
            body.append(f'{{"ph":"X","cat":"span","name":{json.dumps(name)},"pid":{pid[p]},"tid":{STEP_TID + tid[(p, t)]},'
                        f'"ts":{us(b)},"dur":{(e - b) / 1000:.3f},"args":{{"process":{json.dumps(p)},"thread":{json.dumps(t)}}}}}')
        for p, t, name, b, e in sorted(self.requests, key=lambda s: (s[3], s[4])):
            body.append(f'{{"ph":"X","cat":"request","name":{json.dumps(name)},"pid":{pid[p]},"tid":{STEP_TID + tid[(p, t)]},'
                        f'"ts":{us(b)},"dur":{(e - b) / 1000:.3f},"args":{{"process":{json.dumps(p)},"thread":{json.dumps(t)}}}}}')
        for p, t, b, e in sorted(self.runs, key=lambda r: (r[2], r[3])):
            body.append(f'{{"ph":"X","cat":"state","name":"python","pid":{pid[p]},"tid":{tid[(p, t)]},'
                        f'"ts":{us(b)},"dur":{(e - b) / 1000:.3f},"args":{{"process":{json.dumps(p)},"thread":{json.dumps(t)}}}}}')
        return lines[0] + "\n" + ",\n".join(body) + "\n"

    def _summary(self):
        by_name = {}
        for p, t, name, b, e in self.spans:
            by_name.setdefault(f"{p}/{t} {name}", []).append((e - b) / 1e6)
        for key, values in sorted(by_name.items()):
            print(f"{key}: {len(values)} span(s), median {statistics.median(values):.3f} ms, total {sum(values):.1f} ms")
        latencies = {}
        for p, t, name, b, e in self.requests:
            latencies.setdefault(f"{p}/{t} {name}", []).append((e - b) / 1e6)
        for key, values in sorted(latencies.items()):
            values.sort()
            print(f"{key}: {len(values)} request(s), p50 {nearest_rank(values, 0.5):.3f} ms, "
                  f"p99 {nearest_rank(values, 0.99):.3f} ms")
        print(f"noise: {self.noise}")
