#!/usr/bin/env python3
"""A small reference model: CPython 3.11's GIL (Python/ceval_gil.h, FORCE_SWITCHING) on ONE CPU
scheduled by an EEVDF-lite run queue (Linux 6.6-6.18 kernel/sched/fair.c rules), to derive the
GIL run lengths of two pinned CPU-bound threads and the one-CPU convoy rates.

Kernel rules modelled (all tasks nice 0, default slice, one cfs_rq, no cgroups):
  * vruntime advances with CPU time (weight 1024); V = mean vruntime of queued entities
    (curr and sched_delayed ones included): avg_vruntime().
  * eligible(se) <=> V >= se.v (entity_eligible); deadline = v + slice (update_deadline,
    place_entity); slice = sysctl_sched_base_slice (0.70 ms * (1 + ilog2(min(ncpus, 8)))).
  * update_curr() on ticks and on every wake-up on this CPU: past the deadline -> new deadline
    and resched if another entity is queued (6.17+: also when !protect_slice(curr)).
  * periodic tick every TICK (HZ=250: 4 ms), HRTICK off: a slice end is only seen by
    update_curr() at a tick or at a wake-up on this CPU.
  * RUN_TO_PARITY: at pick, vprot = deadline; pick_eevdf returns curr while curr is eligible
    and curr.v < vprot.
  * wake-up preemption (check_preempt_wakeup_fair): resched iff pick_eevdf(protect) picks the
    woken task; with --waker-ineligible-resched (6.19, backported to 6.18.y stable as part of
    "sched/fair: Reimplement NEXT_BUDDY"): also resched when the wake-up comes from task context
    and the waker (curr) is not eligible.
  * PLACE_LAG: a waking task keeps the lag it had when it blocked (inflated by (W+w)/W);
    entity_lag() clamps it to +-max(2*slice, TICK).
  * DELAY_DEQUEUE + DELAY_ZERO: a task that blocks while not eligible stays queued until it
    is picked (then dequeued with its lag clipped to <= 0) or woken (lag clipped to <= 0).
  * user-space tasks: a resched takes effect at once (return to user mode), whatever the
    preemption model (PREEMPT_NONE only delays preemption of kernel code).

GIL rules modelled (take_gil/drop_gil of CPython 3.11):
  * a waiter blocks in COND_TIMED_WAIT(interval); a timer expiry wakes it (hard-irq context,
    +SLACK of timer slack); it then sets gil_drop_request if the GIL is still held and
    switch_number did not change, and waits again;
  * the holder notices the drop request after REACT of its CPU time, drops the GIL
    (COND_SIGNAL wakes one waiter, task context) and, FORCE_SWITCHING, blocks on switch_cond
    until another thread took the GIL; the taker signals switch_cond (task context).
Not modelled: the gil->mutex and switch_mutex contention micro-steps, other processes,
interrupts other than the tick and the timers.

usage: eevdf_gil_sim.py pinned --interval MS [--waker-ineligible-resched]
       eevdf_gil_sim.py convoy --io sleep|echo --interval MS [--cpu-threads 0|1]
"""
import argparse
import heapq
import itertools

US = 1000
MS = 1000 * US


class Cfg:
    tick = 4 * MS
    slice = 1400 * US          # 0.70 ms * (1 + ilog2(2)), the 2-CPU value on 6.15+
    slack = 50 * US            # default timer slack (init_task.timer_slack_ns)
    react = 5 * US             # holder's CPU time until its eval breaker sees the request
    step = 5 * US              # CPU time of one GIL protocol step (futex syscall + checks)
    waker_ineligible_resched = False
    phase = 0                  # first tick at this offset


class Task:
    def __init__(self, name, prog):
        self.name, self.prog = name, prog
        self.v = 0
        self.deadline = Cfg.slice
        self.vlag = 0
        self.vprot = 0
        self.queued = False      # on the run queue (runnable, or sched_delayed)
        self.delayed = False
        self.blocked = False
        self.timer_gen = 0
        self.wake_reason = None
        self.action = None       # current ('cpu', remaining) or ('python',)
        self.gen = None


class Cpu:
    def __init__(self, tasks, until, trace=None):
        self.now = 0
        self.ev = []
        self.seq = itertools.count()
        self.curr = None
        self.tasks = tasks
        self.until = until
        self.exec_start = 0
        self.run_gen = 0
        self.need_resched = False
        self.trace = trace
        for t in tasks:
            t.gen = t.prog(t, self)
            t.queued = True
            t.v = 0
            t.deadline = Cfg.slice
        self.push(Cfg.phase, "tick", None)

    # ---------- event queue
    def push(self, at, kind, data):
        heapq.heappush(self.ev, (at, next(self.seq), kind, data))

    # ---------- EEVDF helpers
    def queued(self):
        return [t for t in self.tasks if t.queued]

    def V(self):
        q = self.queued()
        return sum(t.v for t in q) / len(q) if q else 0

    def eligible(self, t):
        return self.V() >= t.v - 1e-6

    def protect(self, t):
        return t.v < t.vprot

    def update_curr(self):
        c = self.curr
        if c is None:
            return
        d = self.now - self.exec_start
        self.exec_start = self.now
        if d <= 0:
            return
        c.v += d
        resched = False
        if c.v >= c.deadline:
            c.deadline = c.v + Cfg.slice
            resched = True
        if len(self.queued()) > 1 and (resched or not self.protect(c)):
            self.need_resched = True

    def pick(self, protect=True):
        q = self.queued()
        if not q:
            return None
        if len(q) == 1:
            return q[0]
        c = self.curr if (self.curr is not None and self.curr.queued) else None
        if c is not None and not self.eligible(c):
            c = None
        if protect and c is not None and self.protect(c):
            return c
        el = [t for t in q if t is not self.curr and self.eligible(t)]
        best = min(el, key=lambda t: t.deadline) if el else None
        if best is None or (c is not None and c.deadline < best.deadline):
            best = c
        return best

    def lag_clamp(self, lag):
        lim = max(2 * Cfg.slice, Cfg.tick)
        return max(-lim, min(lim, lag))

    # ---------- wake-up and block
    def wake(self, t, in_task):
        if not t.blocked:
            return
        t.blocked = False
        t.timer_gen += 1  # cancels its timer
        self.update_curr()
        if t.delayed:                      # requeue_delayed_entity, DELAY_ZERO
            t.delayed = False
            lag = self.V() - t.v
            if lag > 0:
                t.v = self.V()
                # deadline kept (PLACE_REL_DEADLINE does not apply to sleep)
        else:                              # place_entity, PLACE_LAG
            q = self.queued()
            W = len(q)
            lag = t.vlag * (W + 1) / W if W else 0
            t.v = self.V() - lag if W else (self.curr.v if self.curr else t.v)
            t.deadline = t.v + Cfg.slice
            t.queued = True
        if self.curr is None:
            self.need_resched = True
            return
        c = self.curr
        if Cfg.waker_ineligible_resched and in_task and not self.eligible(c):
            self.need_resched = True
        elif self.pick(protect=True) is t:
            self.need_resched = True

    def block(self, t, timeout):
        self.update_curr()
        t.blocked = True
        if timeout is not None:
            t.timer_gen += 1
            self.push(self.now + timeout + Cfg.slack, "timer", (t, t.timer_gen))
        if not self.eligible(t):           # DELAY_DEQUEUE
            t.delayed = True
        else:
            t.vlag = self.lag_clamp(self.V() - t.v)
            t.queued = False
        self.need_resched = True

    # ---------- schedule
    def schedule(self):
        self.update_curr()
        self.need_resched = False
        while True:
            n = self.pick(protect=True)
            if n is not None and n.delayed:  # picked a delayed entity: finish its dequeue
                n.vlag = min(0, self.lag_clamp(self.V() - n.v))
                n.delayed = False
                n.queued = False
                continue
            break
        if n is not self.curr:
            if self.trace is not None:
                self.trace.append((self.now, n.name if n else "idle"))
            self.curr = n
            if n is not None:
                n.vprot = n.deadline          # set_protect_slice, equal slices
        # re-picking the running task does not call set_next_entity: vprot is kept
        self.exec_start = self.now
        self.run_gen += 1
        if n is not None:
            self.dispatch(n)

    def dispatch(self, t):
        """Run t's current action until it needs time; schedule its completion event."""
        while True:
            if t.action is None:
                try:
                    t.action = next(t.gen)
                except StopIteration:
                    t.queued = False
                    t.blocked = True
                    self.need_resched = True
                    return
            kind = t.action[0]
            if kind == "cpu":
                self.push(self.now + t.action[1], "done", (t, self.run_gen))
                t.started = self.now
                return
            if kind == "python":
                if GIL.drop_request and GIL.holder is t:
                    t.action = ("cpu", Cfg.react)
                    continue
                self.push(self.until + 1, "done", (t, self.run_gen))
                t.started = self.now
                return
            if kind == "block":
                t.action = None
                self.block(t, t_timeout(t))
                return
            raise ValueError(kind)

    def account_partial(self, t):
        """t is being switched out (or preempted) mid-action: keep the remaining CPU time."""
        if t.action and t.action[0] == "cpu":
            t.action = ("cpu", max(0, t.action[1] - (self.now - t.started)))

    def run(self):
        self.schedule()
        while self.ev:
            at, _, kind, data = heapq.heappop(self.ev)
            if at > self.until:
                break
            self.now = at
            if kind == "tick":
                self.push(at + Cfg.tick, "tick", None)
                self.update_curr()
            elif kind == "timer":
                t, g = data
                if g != t.timer_gen or not t.blocked:
                    continue
                t.wake_reason = "timeout"
                self.wake(t, in_task=False)
            elif kind == "done":
                t, g = data
                if g != self.run_gen or t is not self.curr:
                    continue
                t.action = None
                self.dispatch(t)
            if self.need_resched or self.curr is None:
                prev = self.curr
                if prev is not None and not prev.blocked:
                    self.account_partial(prev)
                self.schedule()


# ---------------- GIL (shared by the threads of one process)
class Gil:
    def reset(self):
        self.locked = False
        self.holder = None
        self.last_holder = None
        self.switch_number = 0
        self.drop_request = False
        self.cond_waiters = []
        self.switch_waiter = None
        self.runs = []          # (holder name, start, end)
        self.t_acq = 0


GIL = Gil()
_TIMEOUT = {}


def t_timeout(t):
    return _TIMEOUT.pop(t, None)


def block(t, timeout=None):
    _TIMEOUT[t] = timeout
    return ("block",)


def take_gil(t, cpu, interval):
    """Generator steps of take_gil(); returns when t holds the GIL."""
    yield ("cpu", Cfg.step)
    while GIL.locked:
        saved = GIL.switch_number
        GIL.cond_waiters.append(t)
        t.wake_reason = None
        yield block(t, interval)
        if t in GIL.cond_waiters:
            GIL.cond_waiters.remove(t)
        yield ("cpu", Cfg.step)
        if t.wake_reason == "timeout" and GIL.locked and GIL.switch_number == saved:
            GIL.drop_request = True
    GIL.locked = True
    GIL.holder = t
    GIL.t_acq = cpu.now
    if GIL.last_holder is not t:
        GIL.last_holder = t
        GIL.switch_number += 1
    if GIL.switch_waiter is not None:     # COND_SIGNAL(switch_cond)
        w, GIL.switch_waiter = GIL.switch_waiter, None
        w.wake_reason = "signal"
        cpu.wake(w, in_task=True)
    GIL.drop_request = False


def drop_gil(t, cpu, forced):
    GIL.runs.append((t.name, GIL.t_acq, cpu.now))
    GIL.locked = False
    GIL.holder = None
    if GIL.cond_waiters:                  # COND_SIGNAL(gil->cond): one waiter
        w = GIL.cond_waiters.pop(0)
        w.wake_reason = "signal"
        cpu.wake(w, in_task=True)
    if forced and GIL.drop_request:
        if GIL.last_holder is t:
            GIL.drop_request = False
            GIL.switch_waiter = t
            yield block(t, None)
    yield ("cpu", Cfg.step)


def cpu_thread(interval):
    def prog(t, cpu):
        yield from take_gil(t, cpu, interval)
        while True:
            yield ("python",)              # runs until it sees gil_drop_request
            yield from drop_gil(t, cpu, forced=True)
            yield from take_gil(t, cpu, interval)
    return prog


# ---------------- convoy I/O threads
IO_COUNT = [0]


def sleep_thread(interval, sleep):
    def prog(t, cpu):
        yield from take_gil(t, cpu, interval)
        while True:
            yield ("cpu", 3 * US)          # loop body in Python
            yield from drop_gil(t, cpu, forced=False)
            yield block(t, sleep)          # clock_nanosleep
            yield ("cpu", 2 * US)
            yield from take_gil(t, cpu, interval)
            IO_COUNT[0] += 1
    return prog


class Sock:
    def __init__(self):
        self.data = {}
        self.reader = {}


SOCK = Sock()


def sock_send(t, cpu, peer):
    SOCK.data[peer] = SOCK.data.get(peer, 0) + 1
    r = SOCK.reader.pop(peer, None)
    if r is not None:
        r.wake_reason = "data"
        cpu.wake(r, in_task=True)


def sock_recv(t, cpu):
    while not SOCK.data.get(t.name):
        SOCK.reader[t.name] = t
        yield block(t, None)
    SOCK.data[t.name] -= 1


def echo_client(interval, peer):
    def prog(t, cpu):
        yield from take_gil(t, cpu, interval)
        while True:
            yield ("cpu", 3 * US)
            yield from drop_gil(t, cpu, forced=False)     # Py_BEGIN_ALLOW_THREADS
            yield ("cpu", 4 * US)                         # send() syscall
            sock_send(t, cpu, peer)
            yield from take_gil(t, cpu, interval)         # Py_END_ALLOW_THREADS
            yield ("cpu", 2 * US)
            yield from drop_gil(t, cpu, forced=False)
            yield ("cpu", 2 * US)                         # recv() syscall entry
            yield from sock_recv(t, cpu)
            yield ("cpu", 2 * US)
            yield from take_gil(t, cpu, interval)
            IO_COUNT[0] += 1
    return prog


def echo_server(client):
    # another process: its GIL is uncontended, only CPU time matters
    def prog(t, cpu):
        while True:
            yield from sock_recv(t, cpu)
            yield ("cpu", 8 * US)          # recv return + Python + send() syscall
            sock_send(t, cpu, client)
            yield ("cpu", 2 * US)
    return prog


def spinner():
    # another process's CPU-bound thread on the same CPU (its own GIL, never contended)
    def prog(t, cpu):
        while True:
            yield ("cpu", 1000 * MS)
    return prog


def quant(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["pinned", "convoy"])
    ap.add_argument("--interval", type=float, default=5.0)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--io", choices=["sleep", "echo"], default="sleep")
    ap.add_argument("--cpu-threads", type=int, default=1)
    ap.add_argument("--waker-ineligible-resched", action="store_true")
    ap.add_argument("--slice-ms", type=float, default=1.4)
    ap.add_argument("--tick-ms", type=float, default=4.0)
    ap.add_argument("--trace", action="store_true")
    ap.add_argument("--spinners", type=int, default=0,
                    help="CPU-bound threads of other processes on the same CPU (pinned mode)")
    a = ap.parse_args()
    Cfg.waker_ineligible_resched = a.waker_ineligible_resched
    Cfg.slice = int(a.slice_ms * MS)
    Cfg.tick = int(a.tick_ms * MS)
    iv = int(a.interval * MS)
    GIL.reset()
    until = int(a.seconds * 1e9)
    if a.mode == "pinned":
        tasks = [Task("A", cpu_thread(iv)), Task("B", cpu_thread(iv))]
        tasks += [Task(f"spin{k}", spinner()) for k in range(a.spinners)]
    else:
        tasks = []
        if a.io == "sleep":
            tasks.append(Task("io", sleep_thread(iv, 1 * MS)))
        else:
            tasks.append(Task("io", echo_client(iv, "srv")))
            tasks.append(Task("srv", echo_server("io")))
        for k in range(a.cpu_threads):
            tasks.append(Task(f"cpu{k}", cpu_thread(iv)))
    trace = [] if a.trace else None
    Cpu(tasks, until, trace).run()
    if a.mode == "pinned":
        lens = [(e - s) / MS for (_, s, e) in GIL.runs[2:]]
        print(f"sim pinned interval={a.interval}ms spinners={a.spinners} slice={a.slice_ms}ms tick={a.tick_ms}ms "
              f"waker_ineligible_resched={a.waker_ineligible_resched}: runs={len(lens)} "
              f"median {quant(lens, 0.5):.3f} p5 {quant(lens, 0.05):.3f} p95 {quant(lens, 0.95):.3f} "
              f"mean {sum(lens) / len(lens):.3f} ms")
    else:
        print(f"sim convoy io={a.io} cpu_threads={a.cpu_threads} interval={a.interval}ms "
              f"waker_ineligible_resched={a.waker_ineligible_resched}: "
              f"rate {IO_COUNT[0] / a.seconds:.1f}/s")
    if trace:
        for at, who in trace[:60]:
            print(f"  {at / MS:9.3f} ms -> {who}")


if __name__ == "__main__":
    main()
