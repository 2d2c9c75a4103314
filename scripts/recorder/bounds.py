"""What a run does at most: trace spans, seconds of work and messages per channel, computed from
the exported programs before anything runs (the random draws come with the export's layout)."""

from .common import ScenarioRefused
from .scenario import coroutine_kinds


def latency_mean(latency):
    distribution = latency["distribution"]
    if distribution == "fixed":
        return latency["latency_s"]
    if distribution == "uniform":
        return (latency["min_s"] + latency["max_s"]) / 2
    return latency["mean_s"]


class Bounds:
    """What one pass over a program does, at most: trace spans (`lines`), seconds of work done
    alone (cpu, native, sleep, mean io) and messages put per channel. A consume counts its closing
    receive here; what it does per message is its channel's (see variant_bounds)."""

    __slots__ = ("lines", "seconds", "puts")

    def __init__(self):
        self.lines, self.seconds, self.puts = 0, 0.0, {}

    def add(self, other, times=1):
        self.lines += times * other.lines
        self.seconds += times * other.seconds
        for name, n in other.puts.items():
            self.puts[name] = self.puts.get(name, 0) + times * n

    def widen(self, other):
        self.lines = max(self.lines, other.lines)
        self.seconds = max(self.seconds, other.seconds)
        for name, n in other.puts.items():
            self.puts[name] = max(self.puts.get(name, 0), n)


def work_seconds(steps, messages=None):
    """Seconds of a coroutine's or a blocking function's steps, done one after the other; a consume
    body runs once per message its asyncio queue carries (`messages`)."""
    total = 0.0
    for step in steps:
        if step["kind"] in ("cpu", "native", "sleep"):
            total += step["seconds"]
        elif step["kind"] == "io":
            total += latency_mean(step["latency"])
        elif step["kind"] in ("run_in_executor", "repeat"):
            total += step.get("count", 1) * work_seconds(step["steps"], messages)
        elif step["kind"] == "consume":
            total += (messages or {}).get(step["channel"], 0) * work_seconds(step["steps"], messages)
    return total


def loop_puts(step):
    """{queue: items} an asyncio step's coroutines put on their loop's queues outside consume
    bodies: what the consumers can get, at most."""
    puts = {}

    def count_puts(steps, times):
        for s in steps:
            if s["kind"] == "put":
                puts[s["channel"]] = puts.get(s["channel"], 0) + times
            elif s["kind"] == "repeat":
                count_puts(s["steps"], times * s["count"])

    for _, count, program in coroutine_kinds(step):
        count_puts(program, count)
    return puts


def loop_seconds(step):
    """Seconds of an asyncio step's coroutines, done one after the other."""
    puts = loop_puts(step)
    return sum(count * work_seconds(program, puts) for _, count, program in coroutine_kinds(step))


def program_bounds(steps, bodies):
    """Bounds of one pass over `steps`; each consume widens bodies[channel] by its per-message bounds."""
    bounds = Bounds()
    for step in steps:
        kind = step["kind"]
        if kind == "repeat":
            bounds.add(program_bounds(step["steps"], bodies), step["count"])
            continue
        bounds.lines += 1
        if kind in ("cpu", "native", "sleep"):
            bounds.seconds += step["seconds"]
        elif kind == "io":
            bounds.seconds += latency_mean(step["latency"])
        elif kind == "put":
            bounds.puts[step["channel"]] = bounds.puts.get(step["channel"], 0) + 1
        elif kind == "asyncio":
            bounds.seconds += loop_seconds(step)
        elif kind == "consume":
            body = program_bounds(step["steps"], bodies)
            body.lines += 1  # the receive of each message is a span too
            bodies.setdefault(step["channel"], Bounds()).widen(body)
    return bounds


def variant_bounds(v):
    """(trace spans, seconds of work, {channel: messages}) of a whole run, at most.

    Every message is received once, by one consume or get: a channel's consume bodies run at
    most as often as it carries messages, which includes those put per message of other channels.
    """
    bodies, static, total = {}, {}, Bounds()
    for process in v["processes"]:
        for thread in process["threads"]:
            bounds = program_bounds(thread["program"], bodies)
            total.add(bounds, process["count"] * thread["count"])
    static = dict(total.puts)
    messages = dict(static)
    for _ in range(len(bodies) + 2):
        carried = dict(static)
        for name, body in bodies.items():
            for other, n in body.puts.items():
                carried[other] = carried.get(other, 0) + messages.get(name, 0) * n
        if carried == messages:
            break
        messages = carried
    else:
        raise ScenarioRefused("workload.channels: consume bodies put to the channels that feed them, in a cycle; "
                              "the recorder cannot bound such a run")
    lines, seconds = total.lines, total.seconds
    for name, body in bodies.items():
        lines += messages.get(name, 0) * body.lines
        seconds += messages.get(name, 0) * body.seconds
    return lines, seconds, messages


def channel_use(program):
    """(channels the program puts to, channels it gets from or consumes), through nested bodies."""
    puts, gets = set(), set()
    for step in program or ():
        if step["kind"] == "put":
            puts.add(step["channel"])
        elif step["kind"] in ("get", "consume"):
            gets.add(step["channel"])
        if step["kind"] in ("repeat", "consume"):
            p, g = channel_use(step["steps"])
            puts |= p
            gets |= g
    return puts, gets


def channel_gets(program):
    """Channels the program takes single messages from with `get` (which may wait forever)."""
    gets = set()
    for step in program or ():
        if step["kind"] == "get":
            gets.add(step["channel"])
        if step["kind"] in ("repeat", "consume"):
            gets |= channel_gets(step["steps"])
    return gets
