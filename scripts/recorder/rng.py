"""The simulator's random draws (sim/util/Rng.hpp, models/io/Latency.cpp)."""

import math


MASK64 = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15


class SplitMix64:
    """splitmix64 exactly as sim/util/Rng.hpp, so the recorder draws the simulator's latencies."""

    __slots__ = ("state",)

    def __init__(self, seed):
        self.state = seed & MASK64

    @classmethod
    def for_stream(cls, seed, stream):
        """The stream of one entity (here: a thread, stream = its global index)."""
        mixer = cls(seed ^ ((GOLDEN_GAMMA * (stream + 1)) & MASK64))
        return cls(mixer.next())

    def next(self):
        self.state = (self.state + GOLDEN_GAMMA) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def uniform(self):
        """Uniform in [0, 1) with 53 bits, as Rng::uniform()."""
        return (self.next() >> 11) * 2.0**-53


def sample_latency(latency, rng):
    """One io latency in seconds; only random distributions draw (Latency::sample)."""
    distribution = latency["distribution"]
    if distribution == "fixed":
        return latency["latency_s"]
    if distribution == "uniform":
        a, b = latency["min_s"], latency["max_s"]
        return a + (b - a) * rng.uniform()
    return -latency["mean_s"] * math.log(1.0 - rng.uniform())


def _contains_io(steps):
    return any(s["kind"] == "io" or (s["kind"] == "repeat" and _contains_io(s["steps"])) for s in steps)


def draw_latencies(program, seed, stream):
    """Every io latency (seconds) of a thread's program of repeats and leaf steps, in execution
    order, from its RNG stream. (A run draws them as it goes, from pre-drawn uniforms: see
    ThreadPlan; this is the same sequence, computed ahead, for programs whose io runs a fixed
    number of times.)"""
    rng = SplitMix64.for_stream(seed, stream)
    out = []

    def walk(steps):
        for step in steps:
            if step["kind"] == "io":
                out.append(sample_latency(step["latency"], rng))
            elif step["kind"] == "repeat" and _contains_io(step["steps"]):
                for _ in range(step["count"]):
                    walk(step["steps"])

    walk(program)
    return out


def draw_uniforms(seed, stream, count):
    rng = SplitMix64.for_stream(seed, stream)
    return [rng.uniform() for _ in range(count)]
