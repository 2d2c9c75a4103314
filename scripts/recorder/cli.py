"""Command line: record.py's subcommands and exit statuses (0, 1 failed, 2 refused, 130)."""

import argparse
import math
import sys

from .common import IO_MODES, PROG, RunFailed, START_METHODS, ScenarioRefused
from .run import command_run
from .calibrate import command_calibrate, command_measure


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    return value


def positive_float(text):
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0 or not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a number of seconds > 0, got {text!r}")
    return value


def parser():
    p = argparse.ArgumentParser(prog=PROG, description="Record gilsim scenarios on real CPython; calibrate the host.")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="execute a scenario and write measured traces")
    run.add_argument("scenario", help="scenario YAML file")
    run.add_argument("--set", action="append", default=[], metavar="K=V", help="passed to gilsim export")
    run.add_argument("--switch-interval", metavar="D", help="passed to gilsim export, e.g. 5ms")
    run.add_argument("--variant", action="append", default=[], metavar="NAME", help="only this variant (repeatable)")
    run.add_argument("--repeat", type=positive_int, default=3, metavar="N", help="repetitions per variant (3)")
    run.add_argument("--io", choices=IO_MODES, default="sleep", help="how io steps block (sleep)")
    run.add_argument("--start-method", choices=START_METHODS, default="fork",
                     help="multiprocessing start method for process instances (fork)")
    run.add_argument("--timeout", type=positive_float, metavar="S",
                     help="fail a repetition that has not finished after S seconds (a get that can never be "
                          "served, a writer blocked on a full pipe); default: 60 s + 10x the scenario's work")
    run.add_argument("--out", required=True, metavar="DIR", help="output directory")
    cal = sub.add_parser("calibrate", help="measure this host into a machine profile")
    cal.add_argument("--out", required=True, metavar="FILE.yaml")
    cal.add_argument("--quick", action="store_true", help="shorter measurements (tests)")
    one = sub.add_parser("measure", help="run one calibration measurement alone and print its profile lines")
    one.add_argument("what", choices=("lock_release", "semaphore"),
                     help="lock_release: lock_release_wake and lock_release_syscall; semaphore: semaphore_acquire, "
                          "semaphore_release, semaphore_wait and asyncio_semaphore_op")
    return p


def main(argv):
    args = parser().parse_args(argv)
    try:
        if args.command == "run":
            return command_run(args, argv)
        if args.command == "measure":
            return command_measure(args)
        return command_calibrate(args)
    except ScenarioRefused as e:
        print(f"{PROG}: error: {args.scenario}: {e}", file=sys.stderr)
        return 2
    except (RunFailed, OSError) as e:
        where = f"{args.scenario}: " if args.command == "run" else ""
        print(f"{PROG}: error: {where}{e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
