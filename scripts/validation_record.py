#!/usr/bin/env python3
"""Records the validation suite's programs: scripts/validation record [CASE[/RUN-PATTERN]]...

With --calibrate (scripts/validation record without a selection), first calibrates this host
into scenarios/validation/host/profile.yaml with Debian's /usr/bin/python3 (scripts/record.py
calibrate), on a quiet machine, again while calibration reports other processes above
QUIET_SHARE: profile and traces are then made together, on one host and interpreter.

For every run of every case (gilsim validate --case C --list), runs the case's program with the
run's arguments, --repeat times, in the interpreter the profile was calibrated with (its
host.python_executable), writing <case>/traces/<run>.rep<k>.trace.json.gz (gzip: a convoy run's spans take 15 MB of JSON). Before each attempt it
waits for the machine to be quiet (other processes below QUIET_SHARE of the CPUs over a second,
at most --wait seconds); a repetition the program itself finds noisy (otherData.noise.noisy) is
run again, up to --attempts times, and kept marked noisy only if every attempt was (gilsim
validate drops it). The traces of a run are replaced only once all its repetitions are done.
Standard library only.
"""
import argparse
import fnmatch
import gzip
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUITE = os.path.join(ROOT, "scenarios", "validation")
QUIET_SHARE = 0.05
CALIBRATION_PYTHON = "/usr/bin/python3"  # Debian's optimised CPython (README "The validation suite")


def cpu_busy():
    with open("/proc/stat", encoding="utf-8") as f:
        fields = [int(x) for x in f.readline().split()[1:9]]
    return sum(fields) - fields[3] - fields[4], time.monotonic()


def wait_quiet(limit_s, quiet_s=1.0):
    """(seconds waited, busy share of the last half second) once the CPUs were busy less than
    QUIET_SHARE for quiet_s in a row (half-second samples), or after limit_s."""
    began, quiet = time.monotonic(), 0.0
    while True:
        busy0, t0 = cpu_busy()
        time.sleep(0.5)
        busy1, t1 = cpu_busy()
        share = (busy1 - busy0) / os.sysconf("SC_CLK_TCK") / ((t1 - t0) * (os.cpu_count() or 1))
        quiet = quiet + (t1 - t0) if share < QUIET_SHARE else 0.0
        if quiet >= quiet_s or time.monotonic() - began > limit_s:
            return time.monotonic() - began, share


def calibrate(profile, args):
    """Calibrates into `profile` once the machine is quiet and stays quiet while it measures."""
    for attempt in range(3 * args.attempts):
        wait_quiet(args.wait, quiet_s=5.0)  # calibration takes 15 s: start in a long quiet stretch
        subprocess.run([CALIBRATION_PYTHON, os.path.join(ROOT, "scripts", "record.py"), "calibrate", "--out", profile],
                       check=True)
        with open(profile, encoding="utf-8") as f:
            head = f.read(400)
        share = float(head.split("other processes used ")[1].split("%")[0]) / 100
        if share < QUIET_SHARE:
            return
        print(f"validation record: calibration was noisy (others {share:.0%}): again", file=sys.stderr)
    sys.exit("validation record: error: the machine never stayed quiet through a calibration")


def profile_python(profile):
    with open(profile, encoding="utf-8") as f:
        for line in f:
            if line.strip().startswith("python_executable:"):
                return json.loads(line.split(":", 1)[1].strip())
    sys.exit(f"validation record: error: {profile} has no host.python_executable: calibrate first "
             "(scripts/validation calibrate)")


def list_case(gilsim, case):
    out = subprocess.run([gilsim, "validate", "--case", case, "--list"], check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout)


def record_run(python, program, traces, run, args):
    """Records one run's repetitions; returns (quiet repetitions, noisy kept, attempts)."""
    temporary, quiet, noisy, attempts = [], 0, 0, 0
    for k in range(args.repeat):
        for attempt in range(args.attempts):
            attempts += 1
            waited, share = wait_quiet(args.wait)
            if share >= QUIET_SHARE:
                print(f"  {run['name']} rep{k}: the machine stayed busy ({share:.0%}) for {waited:.0f} s; recording anyway",
                      file=sys.stderr)
            path = os.path.join(traces, f"{run['name']}.rep{k}.new.trace.json.gz")
            subprocess.run([python, program, *run["args"], "--trace", path], check=True, timeout=600)
            with gzip.open(path, "rt", encoding="utf-8") as f:
                noise = json.load(f)["otherData"]["noise"]
            if not noise["noisy"] or attempt + 1 == args.attempts:
                break
            print(f"  {run['name']} rep{k}: noisy (others {noise['others_cpu_share']:.1%}, steal "
                  f"{noise['steal_share']:.1%}): again", file=sys.stderr)
        temporary.append(path)
        quiet += not noise["noisy"]
        noisy += noise["noisy"]
    for old in os.listdir(traces):
        if old.startswith(run["name"] + ".rep") and old.endswith((".trace.json", ".trace.json.gz")) and ".new." not in old:
            os.unlink(os.path.join(traces, old))
    for path in temporary:
        os.replace(path, path.replace(".new.trace.json.gz", ".trace.json.gz"))
    return quiet, noisy, attempts


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("selection", nargs="*", help="CASE or CASE/RUN-PATTERN (default: every case)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--attempts", type=int, default=5, help="tries per repetition while it is noisy")
    parser.add_argument("--wait", type=float, default=120, help="longest wait for a quiet machine, seconds")
    parser.add_argument("--calibrate", action="store_true", help="calibrate the host first (host/profile.yaml)")
    parser.add_argument("--gilsim", default=os.path.join(os.environ.get("GILSIM_BUILD", os.path.join(ROOT, "build")), "gilsim"))
    args = parser.parse_args()
    cases = sorted(d for d in os.listdir(SUITE) if os.path.isfile(os.path.join(SUITE, d, "case.yaml")))
    wanted = [s.split("/", 1) for s in args.selection] or [[c] for c in cases]
    began = time.monotonic()
    if args.calibrate:
        calibrate(os.path.join(SUITE, "host", "profile.yaml"), args)
    python = profile_python(os.path.join(SUITE, "host", "profile.yaml"))
    totals = [0, 0, 0]
    for item in wanted:
        if item[0] not in cases:
            sys.exit(f"validation record: error: no case '{item[0]}' (cases: {', '.join(cases)})")
        listed = list_case(args.gilsim, os.path.join(SUITE, item[0], "case.yaml"))
        os.makedirs(listed["traces"], exist_ok=True)
        for run in listed["runs"]:
            if len(item) > 1 and not fnmatch.fnmatchcase(run["name"], item[1]):
                continue
            t = time.monotonic()
            result = record_run(python, listed["program"], listed["traces"], run, args)
            totals = [a + b for a, b in zip(totals, result)]
            print(f"{item[0]}/{run['name']}: {result[0]} quiet, {result[1]} noisy kept, {result[2]} attempts, "
                  f"{time.monotonic() - t:.1f} s", file=sys.stderr)
    print(f"validation record: {totals[0]} quiet repetitions, {totals[1]} noisy kept (validate drops them), "
          f"{totals[2]} attempts in {time.monotonic() - began:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
