#!/usr/bin/env python3
"""Reads a trace of docs/tools/ftrace_sched.sh and shows what named threads did, in microseconds.

    sched_timeline.py TRACE                       list the traced threads (tid, comm, event counts)
    sched_timeline.py TRACE -t IO=1234 -t CPU=1235 [--from-us A] [--to-us B]
                                                  their events, from A to B us after the first one
    sched_timeline.py TRACE -t IO=1234 ... --stats
                                                  per thread: wake-up latencies (sched_waking to
                                                  running) and system call durations, percentiles

A thread's events are its own system calls and switches, and the wake-ups that target it. Futex
operations are named (wait, wake, wait_bitset; +rt: CLOCK_REALTIME): in CPython 3.11 the GIL is a
mutex and two condition variables (Python/ceval_gil.c), so a GIL release that signals a sleeping
waiter shows as a futex wake by the releaser. Standard library only.
"""
import argparse
import re
import statistics
import sys
from collections import defaultdict

LINE = re.compile(r"\s*(?P<comm>.+?)-(?P<tid>\d+)\s+\[(?P<cpu>\d+)\]\s+\S+\s+(?P<ts>[\d.]+): "
                  r"(?P<event>\w+)(?P<sep>[:(]| ->) ?(?P<rest>.*)")
FUTEX_OPS = {0: "wait", 1: "wake", 9: "wait_bitset", 10: "wake_bitset"}


def futex_op(rest):
    found = re.search(r"op: (0x[0-9a-f]+|\d+)", rest)
    if not found:
        return ""
    op = int(found.group(1), 0)
    name = FUTEX_OPS.get(op & 0x7F, f"op{op & 0x7F}")
    return name + ("+rt" if op & 0x100 else "")


def parse(path):
    """Events as dicts: t (seconds), tid, cpu, event, rest (sys_enter_* as 'sys_X', exits as 'exit_X')."""
    events = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                continue
            event, sep = m["event"], m["sep"]
            if sep == "(":  # a system call's entry: sys_sendto(fd: 3, ...)
                event = event
            elif sep == " ->":  # its exit: sys_sendto -> 0x1
                event = "exit_" + event[4:]
            events.append({"t": float(m["ts"]), "tid": m["tid"], "comm": m["comm"], "cpu": int(m["cpu"]),
                           "event": event, "rest": m["rest"]})
    if not events:
        sys.exit(f"sched_timeline: error: {path} has no trace events (was it written by ftrace_sched.sh?)")
    return events


def target(rest):
    found = re.search(r"\bpid=(\d+)", rest)
    return found.group(1) if found else None


def list_threads(events):
    counts = defaultdict(lambda: defaultdict(int))
    comms = {}
    for e in events:
        counts[e["tid"]][e["event"]] += 1
        comms[e["tid"]] = e["comm"]
    print(f"{'tid':>8} {'comm':16} {'switches':>8} {'futex':>7} {'sendto':>7} {'recvfrom':>8}")
    for tid, c in sorted(counts.items(), key=lambda item: -sum(item[1].values())):
        if tid == "0":
            continue
        print(f"{tid:>8} {comms[tid][:16]:16} {c['sched_switch']:8} {c['sys_futex']:7} {c['sys_sendto']:7} "
              f"{c['sys_recvfrom']:8}")


def involves(e, names):
    if e["tid"] in names:
        return True
    if e["event"] in ("sched_waking", "sched_wakeup", "sched_migrate_task"):
        return target(e["rest"]) in names
    if e["event"] == "sched_switch":
        return any(re.search(rf"(prev|next)_pid={tid}\b", e["rest"]) for tid in names)
    return False


def describe(e, names):
    rest = e["rest"]
    if e["event"] == "sys_futex":
        rest = f"{futex_op(rest)} {re.search(r'uaddr: (0x[0-9a-f]+)', rest).group(1)[-4:]}"
    elif e["event"] in ("sys_sendto", "sys_recvfrom"):
        rest = re.sub(r",? ?(buff|ubuf|addr|addr_len|flags): [^,)]+", "", rest).rstrip(")")
    elif e["event"] == "sched_switch":
        prev = re.search(r"prev_pid=(\d+).*prev_state=(\S+)", rest)
        nxt = re.search(r"next_pid=(\d+)", rest)
        rest = f"{names.get(prev.group(1), prev.group(1))} ({prev.group(2)}) -> {names.get(nxt.group(1), nxt.group(1))}"
    elif e["event"] in ("sched_waking", "sched_wakeup", "sched_migrate_task"):
        tid = target(rest)
        cpu = re.search(r"(target_cpu|dest_cpu)=(\d+)", rest)
        rest = f"{names.get(tid, tid)} on cpu {cpu.group(2) if cpu else '?'}"
    return rest


def show(events, names, from_us, to_us):
    mine = [e for e in events if involves(e, names)]
    if not mine:
        sys.exit("sched_timeline: error: none of the named threads is in the trace (list them without -t)")
    origin = mine[0]["t"]
    for e in mine:
        at = (e["t"] - origin) * 1e6
        if at < from_us or at > to_us:
            continue
        who = names.get(e["tid"], "idle" if e["tid"] == "0" else e["tid"])
        print(f"{at:12.1f} cpu{e['cpu']} {who:6} {e['event']:18} {describe(e, names)}")


def percentiles(values):
    values = sorted(values)
    pick = lambda q: values[min(len(values) - 1, int(q * len(values)))]
    return f"n={len(values):5}  p10 {pick(0.1):8.1f}  median {statistics.median(values):8.1f}  p90 {pick(0.9):8.1f} us"


def stats(events, names):
    waking = {}
    latencies = defaultdict(list)
    entered = {}
    calls = defaultdict(list)
    for e in events:
        if e["event"] == "sched_waking" and target(e["rest"]) in names:
            waking[target(e["rest"])] = e["t"]
        elif e["event"] == "sched_switch":
            nxt = re.search(r"next_pid=(\d+)", e["rest"]).group(1)
            if nxt in waking:
                latencies[nxt].append((e["t"] - waking.pop(nxt)) * 1e6)
        if e["tid"] not in names:
            continue
        if e["event"].startswith("sys_"):
            label = e["event"][4:] + (f" {futex_op(e['rest'])}" if e["event"] == "sys_futex" else "")
            entered[e["tid"]] = (label, e["t"])
        elif e["event"].startswith("exit_") and e["tid"] in entered:
            label, t = entered.pop(e["tid"])
            calls[(e["tid"], label)].append((e["t"] - t) * 1e6)
    for tid, name in names.items():
        if latencies[tid]:
            print(f"{name:6} wake-up (waking -> running)  {percentiles(latencies[tid])}")
        for (who, label), durations in sorted(calls.items()):
            if who == tid:
                print(f"{name:6} {label:28} {percentiles(durations)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trace")
    parser.add_argument("-t", "--thread", action="append", default=[], metavar="NAME=TID")
    parser.add_argument("--from-us", type=float, default=0.0)
    parser.add_argument("--to-us", type=float, default=float("inf"))
    parser.add_argument("--stats", action="store_true")
    args = parser.parse_args()
    events = parse(args.trace)
    if not args.thread:
        list_threads(events)
        return
    names = {}
    for item in args.thread:
        name, _, tid = item.partition("=")
        if not name or not tid.isdigit():
            parser.error(f"--thread {item!r}: expected NAME=TID, e.g. IO=1234")
        names[tid] = name
    if args.stats:
        stats(events, names)
    else:
        show(events, names, args.from_us, args.to_us)


if __name__ == "__main__":
    main()
