#!/usr/bin/env python3
"""Runs the README's commands verbatim, as a newcomer would, in a fresh copy of the repository.

The copy holds the repository's files only (no build outputs, no out/). GILSIM_BUILD points at an
existing build so that scripts/gilsim does not rebuild in the copy. Every command of the README's
`sh` blocks runs, and so does every `$ command` shown with its output; for those, each line the
README shows must appear in the output, except elisions ('...', '…'). Commands that cannot run
here are listed in SKIPPED with the reason. Exit status 0 when every command passed.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Command prefixes that are not run, and why.
SKIPPED = {
    "scripts/test": "the test suite itself, which runs this test",
    "scripts/bench": "a benchmark of minutes, not a test (README \"Benchmark\")",
    "scripts/record.py": "records real CPython runs: needs a quiet machine (tests/scripts/test_record_*.py test it)",
    "scripts/validation": "records real CPython runs (needs a quiet machine), or compares the whole suite, "
                          "which ctest runs run by run (validation.CASE.RUN)",
    "parallel --sshloginfile": "needs other hosts",
    "cat > sweep.sbatch": "needs Slurm (test_sweep.cpp runs its sed line)",
    "sbatch": "needs Slurm",
}
SYNOPSIS = re.compile(r"\b(SCENARIO|TRACE|DIR|FILE|NAME)\b|\[--")  # usage lines, not commands


def repository_files():
    """The files a fresh clone has (tracked, and new ones not ignored), relative to ROOT."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True)
    if listed.returncode == 0:
        return [f for f in listed.stdout.decode().split("\0") if f and os.path.isfile(os.path.join(ROOT, f))]
    files = []
    for base, dirs, names in os.walk(ROOT):
        dirs[:] = [d for d in dirs if not d.startswith("build") and d not in (".git", "out")]
        files += [os.path.relpath(os.path.join(base, n), ROOT) for n in names]
    return files


def commands(readme):
    """(command, shown output lines or None) in README order."""
    found = []
    for block in re.finditer(r"```(\w*)\n(.*?)```", readme, re.S):
        language, body = block.group(1), block.group(2)
        lines = body.splitlines()
        if language == "sh":
            if lines and lines[0].startswith("cat > "):  # a heredoc: one command
                found.append((lines[0], None))
                continue
            for line in lines:
                command = re.sub(r"\s+#.*$", "", line).strip()
                if command and not SYNOPSIS.search(command):
                    found.append((command, None))
        elif language == "":
            current = None
            for line in lines:
                if line.startswith("$ "):
                    current = (line[2:].strip(), [])
                    found.append(current)
                elif current:
                    current[1].append(line.rstrip())
    return found


def main():
    build = os.environ.get("GILSIM_BUILD", os.path.join(ROOT, "build"))
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    failures = 0
    with tempfile.TemporaryDirectory(prefix="gilsim_readme_") as copy:
        for name in repository_files():
            os.makedirs(os.path.dirname(os.path.join(copy, name)), exist_ok=True)
            shutil.copy2(os.path.join(ROOT, name), os.path.join(copy, name))
        env = dict(os.environ, GILSIM_BUILD=build)
        for command, shown in commands(readme):
            skip = next((reason for prefix, reason in SKIPPED.items() if command.startswith(prefix)), None)
            if skip:
                print(f"skipped: {command}  ({skip})")
                continue
            result = subprocess.run(["bash", "-c", command], cwd=copy, env=env, capture_output=True, text=True,
                                    timeout=900)
            missing = []
            if shown:
                produced = {line.rstrip() for line in result.stdout.splitlines()}
                missing = [line for line in shown
                           if line.strip() and "..." not in line and "…" not in line and line not in produced]
            if result.returncode != 0 or missing:
                failures += 1
                print(f"FAILED: {command} (exit {result.returncode})")
                for line in missing:
                    print(f"  README shows, output lacks: {line}")
                print("  stderr: " + result.stderr.strip().replace("\n", "\n          "))
            else:
                print(f"ok: {command}")
        # scripts/gilsim keeps the caller's folder: a path relative to it works.
        relative = subprocess.run(["../../scripts/gilsim", "export", "convoy.yaml"], cwd=os.path.join(copy, "scenarios", "seed"),
                                  env=env, capture_output=True, text=True)
        if relative.returncode != 0:
            failures += 1
            print("FAILED: scripts/gilsim export convoy.yaml from scenarios/seed: " + relative.stderr.strip())
        else:
            print("ok: scripts/gilsim takes paths relative to the caller's folder")
        # The README's pictures are what scripts/images draws now.
        fresh = os.path.join(copy, "fresh_images")
        drawn = subprocess.run(["scripts/images", fresh], cwd=copy, env=env, capture_output=True, text=True)
        for name in sorted(os.listdir(os.path.join(ROOT, "docs", "images"))):
            with open(os.path.join(ROOT, "docs", "images", name), "rb") as a:
                committed = a.read()
            path = os.path.join(fresh, name)
            current = open(path, "rb").read() if os.path.exists(path) else None
            if drawn.returncode != 0 or committed != current:
                failures += 1
                print(f"FAILED: docs/images/{name} is not what scripts/images draws now (run scripts/images)")
            else:
                print(f"ok: docs/images/{name} is current")
    print(f"{failures} command(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
