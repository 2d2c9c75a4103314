"""Trace writing (docs/trace-format.md; the layout mirrors sim/trace/ChromeTraceWriter.cpp)."""

import collections
import json
import os

from .common import STEP_TID_BASE
from .layout import instances
from .kernels import CPU_CHUNK, GIL_PAUSE_NS


def us(ns):
    """Microseconds with exactly 3 decimals, from integer nanoseconds."""
    sign = "-" if ns < 0 else ""
    ns = abs(ns)
    return f"{sign}{ns // 1000}.{ns % 1000:03d}"


def _js(text):
    return json.dumps(text, ensure_ascii=False)


def metadata_events(layout):
    """process_name / thread_name (and sort index) metadata, like the simulator's step tracks."""
    lines = []
    for process in layout:
        pid = process.index + 1
        tid = STEP_TID_BASE + process.threads[0].index + 1 if process.threads else 0
        head = f'{{"ph":"M","pid":{pid},"tid":{tid},"name":'
        lines.append(f'{head}"process_name","args":{{"name":{_js(process.name)}}}}}')
        lines.append(f'{head}"process_sort_index","args":{{"sort_index":{pid}}}}}')
        for t in process.threads:
            for tid, name, order in ((t.index + 1, t.name, 0), (STEP_TID_BASE + t.index + 1, t.name + " steps", 1)):
                head = f'{{"ph":"M","pid":{pid},"tid":{tid},"name":'
                lines.append(f'{head}"thread_name","args":{{"name":{_js(name)}}}}}')
                lines.append(f'{head}"thread_sort_index","args":{{"sort_index":{2 * (t.index + 1) + order}}}}}')
    return lines


def numbered_spans(spans):
    """(index, iteration, begin, end) per span: a step's iteration is how many times the thread
    executed it before (the simulator's definition)."""
    executions = collections.Counter()
    out = []
    for index, begin, end in spans:
        out.append((index, executions[index], begin, end))
        executions[index] += 1
    return out


def step_events(thread, start_ns, first_ns, numbered, t0):
    """The thread's start span, then one complete event per executed step."""
    head = f'{{"ph":"X","pid":{thread.process_index + 1},"tid":{STEP_TID_BASE + thread.index + 1},"ts":'
    args = f',"args":{{"process":{_js(thread.process_name)},"thread":{_js(thread.name)},"step":'
    kinds = [kind for kind, _ in thread.table]
    labels = [_js(label) for _, label in thread.table]
    lines = [f'{head}{us(start_ns - t0)},"dur":{us(first_ns - start_ns)},"name":"start","cat":"step"'
             f'{args}"start","step_index":-1,"iteration":0}}}}']
    for index, iteration, begin, end in numbered:
        lines.append(f'{head}{us(begin - t0)},"dur":{us(end - begin)},"name":"{kinds[index]}","cat":"step"'
                     f'{args}{labels[index]},"step_index":{index},"iteration":{iteration}}}}}')
    return lines


def gil_run_events(thread, numbered, runs, t0):
    """One "python" state span per GIL run of the thread's cpu steps, on its state track as the
    simulator writes them, with the step it belongs to (each run lies inside one cpu step)."""
    head = f'{{"ph":"X","pid":{thread.process_index + 1},"tid":{thread.index + 1},"ts":'
    cpu_steps = iter([s for s in numbered if thread.table[s[0]][0] == "cpu"])
    lines = []
    index = iteration = step_end = None
    for begin, end in runs:
        while step_end is None or step_end < end:
            index, iteration, _, step_end = next(cpu_steps)
        lines.append(f'{head}{us(begin - t0)},"dur":{us(end - begin)},"name":"python","cat":"state",'
                     f'"args":{{"step_index":{index},"iteration":{iteration}}}}}')
    return lines


def trace_text(variant, measured, other_data):
    """Threads in the simulator's order; those the recorder cannot see (a multiprocessing.Queue's
    feeder, executor threads that never started) have no spans, as validation expects."""
    layout = instances(variant)
    lines = metadata_events(layout)
    for thread in (t for p in layout for t in p.threads):
        if thread.index in measured.threads:
            result = measured.threads[thread.index]
            numbered = numbered_spans(result.spans)
            lines += step_events(thread, result.start, result.first, numbered, measured.t0)
            lines += gil_run_events(thread, numbered, result.runs, measured.t0)
    return ('{"displayTimeUnit":"ms","traceEvents":[\n' + ",\n".join(lines) + "\n],\n"
            + '"otherData":' + json.dumps(other_data, separators=(",", ":"), ensure_ascii=False) + "}\n")


def other_data(variant, measured, host, recorder):
    return {"source": "measured", "scenario": variant["name"], "variant": variant["variant"],
            "cores": host["physical_cores"], "smt": host["threads_per_core"],
            "switch_interval_s": measured.switch_interval, "host": host, "recorder": recorder,
            "gil_runs": {"steps": "cpu", "min_pause_ns": GIL_PAUSE_NS, "chunk_iterations": CPU_CHUNK}}


def makespan_ns(measured):
    return max(max((end for _, _, end in r.spans), default=r.first) for r in measured.threads.values()) - measured.t0


def trace_file_name(variant, repetition):
    middle = f".{variant['variant']}" if variant["variant"] else ""
    return f"{variant['name']}{middle}.rep{repetition}.trace.json"


def write_text(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def write_atomically(path, text):
    """Writes text to path via a temporary file in the same directory and a rename."""
    temporary = f"{path}.tmp.{os.getpid()}"
    write_text(temporary, text)
    os.replace(temporary, path)
