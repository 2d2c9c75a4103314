#!/usr/bin/env python3
"""Measures what starting and joining a process costs on this host with each start method, and
prints it as lines of a machine profile's `calibration:` section (README "Calibration"):

    scripts/calibrate_start.py [--quick]

`scripts/record.py calibrate` runs this file in a subprocess of its own; run alone, it prints the
three keys to put into an existing profile without re-measuring the rest.

- process_start: Process.start() to the first line of the target, per start method; for
  forkserver also `forkserver_first`, a start that must bring the server up (the server is stopped
  before each such sample, as a fresh program has none).
- process_start_call: the Process.start() call itself (until it returns in the parent): the
  parent's share of a start; the child's share is the rest of process_start.
- process_join: the target's last line to join() returning in the waiting parent.

Why a file of its own: with spawn and forkserver the child re-imports the parent's main module
(Lib/multiprocessing/spawn.py, _fixup_main_from_path; the forkserver imports it once, as its
preload), and with fork the child copies the parent's page tables. Measured from the recorder
(3,000 lines, a dozen modules) a spawn start took 134.6 ms where a small program's takes 50-80 ms
(scenarios/validation/mp_start). This module imports only what a small multiprocessing program
does (multiprocessing, time), so the figures are the interpreter's own cost: a program whose
main module imports more pays its imports on top (README "Process start and join").
Standard library only; needs a quiet machine.
"""
import multiprocessing
import time

START_METHODS = ("fork", "spawn", "forkserver")


def trimmed_mean(values, cut=0.1):
    """Mean without the lowest and highest `cut` fraction: robust to a loaded machine."""
    values = sorted(values)
    k = int(len(values) * cut)
    kept = values[k:len(values) - k] or values
    return sum(kept) / len(kept)


def probe_child(connection, hold_s):
    """The child's first and last lines; it lives hold_s so the parent is already in join()."""
    first = time.monotonic_ns()
    time.sleep(hold_s)
    last = time.monotonic_ns()
    connection.send((first, last))  # after `last`: a few microseconds inside the join figure


def probe_process(context, hold_s=0.02):
    """(start, call, join) in ns: Process.start() to the child's first line; the start() call
    itself (the parent's share); the child's last line to join() returning."""
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(target=probe_child, args=(writer, hold_s))
    start = time.monotonic_ns()
    process.start()
    returned = time.monotonic_ns()
    process.join()
    joined = time.monotonic_ns()
    if process.exitcode != 0:
        raise SystemExit(f"a {context.get_start_method()} probe process exited with {process.exitcode}")
    first, last = reader.recv()
    reader.close()
    writer.close()
    return first - start, returned - start, joined - last


def stop_forkserver():
    """Stops this interpreter's forkserver (the method CPython's own tests use), so that the next
    forkserver start pays for bringing the server up."""
    from multiprocessing import forkserver
    stop = getattr(forkserver._forkserver, "_stop", None)  # pylint: disable=protected-access
    if stop is not None:
        stop()


def measure(quick):
    """({method: start s}, {method: start() call s}, {method: join s}), means without the top and
    bottom 10%; starts also has forkserver_first (which bring the server up)."""
    counts = {"fork": 4 if quick else 10, "spawn": 2 if quick else 5, "forkserver": 2 if quick else 5}
    starts, calls, joins = {}, {}, {}
    for method in START_METHODS:
        context = multiprocessing.get_context(method)
        first = []
        if method == "forkserver":
            for _ in range(1 if quick else 3):
                stop_forkserver()
                first.append(probe_process(context))
            starts["forkserver_first"] = trimmed_mean([s for s, _, _ in first]) / 1e9
        samples = [probe_process(context) for _ in range(counts[method])]
        starts[method] = trimmed_mean([s for s, _, _ in samples]) / 1e9
        calls[method] = trimmed_mean([c for _, c, _ in samples]) / 1e9
        joins[method] = trimmed_mean([j for _, _, j in samples + first]) / 1e9
    order = ("fork", "spawn", "forkserver_first", "forkserver")
    return {m: starts[m] for m in order}, calls, joins


def main():
    import argparse
    import json
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    parser.add_argument("--json", action="store_true", help="print {start: {...}, call: {...}, join: {...}} in seconds")
    args = parser.parse_args()
    starts, calls, joins = measure(args.quick)
    if args.json:
        print(json.dumps({"start": starts, "call": calls, "join": joins}))
        return
    import calibrate_calls
    fmt = calibrate_calls.fmt_duration
    print("  # Process.start() to the first line of the target, from a main module importing only multiprocessing")
    print("  # (scripts/calibrate_start.py); forkserver_first starts the forkserver too; mean without the top and bottom 10%")
    print("  process_start: {" + ", ".join(f"{m}: {fmt(s)}" for m, s in starts.items()) + "}")
    print("  # the Process.start() call itself, the parent's share of the start (warm forkserver), same means")
    print("  process_start_call: {" + ", ".join(f"{m}: {fmt(s)}" for m, s in calls.items()) + "}")
    print("  # the target's last line to join() returning in the waiting parent, mean without the top and bottom 10%")
    print("  process_join: {" + ", ".join(f"{m}: {fmt(s)}" for m, s in joins.items()) + "}")


if __name__ == "__main__":
    main()
