#!/usr/bin/env python3
"""Regenerates the outputs the README shows after `$ command` lines, by running the commands.

    scripts/readme_outputs.py [README.md]

Each code block without a language whose lines start with `$ ` is rewritten: every output line the
README shows after a command is replaced by the line of the command's output that starts with the
same word (the row of the same variant, thread or header), so the README keeps showing the rows it
chose, with today's figures. A line without such a counterpart is kept and reported. Run from the repository root after scripts/gilsim has
built gilsim; tests/scripts/readme_commands.py checks the result. Standard library only.
"""
import os
import re
import subprocess
import sys


def run(command):
    """The command's output, with this checkout's absolute path shortened to /… as the README does."""
    done = subprocess.run(command, shell=True, capture_output=True, text=True)
    text = (done.stdout + done.stderr).replace(os.getcwd() + "/", "/\u2026/")
    return text.rstrip("\n").split("\n")


def rewrite(body):
    lines = body.split("\n")
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith("$ "):
            out.append(line)
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].startswith("$ "):
            j += 1
        shown = lines[i + 1:j]
        trailing_blank = bool(shown) and shown[-1] == ""
        shown = [l for l in shown if l != ""] if trailing_blank else shown
        fresh = run(line[2:])
        used = set()
        updated = []
        for old in shown:
            key = old.split()[0] if old.strip() else None
            match = next((k for k, new in enumerate(fresh)
                          if k not in used and key and new.split() and new.split()[0] == key), None)
            if key in (None, "...", "\u2026") or match is None:
                if key not in (None, "...", "\u2026"):
                    print(f"readme_outputs: kept {old!r} (no line of `{line[2:]}` starts with {key!r})", file=sys.stderr)
                updated.append(old)
            else:
                used.add(match)
                updated.append(fresh[match])
        out += [line] + updated + ([""] if trailing_blank else [])
        i = j
    return "\n".join(out)


def main(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"```\n(\$ .*?)```", lambda m: "```\n" + rewrite(m.group(1).rstrip("\n")) + "\n```", text, flags=re.S)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "README.md")
