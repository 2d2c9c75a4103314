"""`run`: records every variant of a scenario, --repeat times, into trace files."""

import os
import shlex
import sys

from .common import PROG, ScenarioRefused
from .scenario import export_scenario
from .bounds import variant_bounds
from .validate import validate_export
from .layout import check_recordable
from .kernels import Calibration
from .echo_server import EchoServer
from .repetition import run_once
from .trace_writer import makespan_ns, other_data, trace_file_name, trace_text, write_text
from .host import OtherLoad, host_facts


def note_machine(variant, host):
    machine = variant.get("machine") or {}
    wanted = (machine.get("cores"), machine.get("smt"), machine.get("speed", 1.0))
    have = (host["physical_cores"], host["threads_per_core"], 1.0)
    if wanted != have:
        print(f"{PROG}: note: {variant['name']}{' [' + variant['variant'] + ']' if variant['variant'] else ''}: "
              f"the scenario's machine is {wanted[0]} cores x {wanted[1]} SMT at speed {wanted[2]:g}; "
              f"recording on this host ({have[0]} x {have[1]}): validate with the host's profile",
              file=sys.stderr)


def command_line(argv):
    return shlex.join(["scripts/record.py"] + list(argv))


def report_repetition(path, measured, others):
    print(f"{PROG}: {os.path.basename(path)}: makespan {makespan_ns(measured) / 1e9:.6f} s", file=sys.stderr)
    if others > 0.1:
        print(f"{PROG}: warning: other processes used {others:.0%} of the CPUs during this run", file=sys.stderr)


def default_timeout(variant):
    """Seconds after which a run counts as stuck: generous, from the work the scenario does."""
    processes = sum(p["count"] for p in variant["processes"])
    return 60 + 10 * variant_bounds(variant)[1] + processes


def command_run(args, argv):
    """The `run` subcommand: returns the exit status."""
    variants = validate_export(export_scenario(args.scenario, args.set, args.switch_interval, args.variant))
    for v in variants:
        try:
            check_recordable(v, args.io)
        except ScenarioRefused as e:
            raise ScenarioRefused(f"variant {v['variant']}: {e}" if v["variant"] else str(e)) from None
    host = host_facts(args.start_method)
    for v in variants:
        note_machine(v, host)
    calibration = Calibration.measure()
    print(f"{PROG}: cpu unit {calibration.cpu_unit_ns:.2f} ns, native {calibration.native_iterations_per_s:.4g} "
          f"PBKDF2 iterations/s", file=sys.stderr)
    created = not os.path.isdir(args.out)
    os.makedirs(args.out, exist_ok=True)
    written = []  # (temporary, final)
    server = None
    try:
        server = EchoServer() if args.io == "echo" else None
        for v in variants:
            for k in range(args.repeat):
                load = OtherLoad()
                measured = run_once(v, calibration, args.io, server.port if server else None, args.start_method,
                                    args.timeout or default_timeout(v))
                others = load.share()
                recorder = dict(calibration.as_json(), io_mode=args.io, repetition=k, repetitions=args.repeat,
                                other_processes_cpu_share=round(others, 3), command=command_line(argv))
                final = os.path.join(args.out, trace_file_name(v, k))
                written.append((f"{final}.tmp.{os.getpid()}", final))
                write_text(written[-1][0], trace_text(v, measured, other_data(v, measured, host, recorder)))
                report_repetition(final, measured, others)
        for temporary, final in written:
            os.replace(temporary, final)
        written = []
        created = False
    finally:
        for temporary, _ in written:
            try:
                os.unlink(temporary)
            except OSError:
                pass
        if created:  # a failed run leaves no trace of itself, not even an empty directory
            try:
                os.rmdir(args.out)
            except OSError:
                pass
        if server:
            server.stop()
    return 0
