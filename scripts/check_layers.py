#!/usr/bin/env python3
"""Checks that every C++ file includes only headers of its own layer or of the layers below it.

    scripts/check_layers.py [ROOT] [--stamp FILE]

The build runs it before compiling anything (CMakeLists.txt), so a backwards include fails the
build with the file, the line and the layers involved. README "Architecture" draws the layers.
Standard library only.
"""
import pathlib
import re
import sys

# Layers from the bottom up, and what each may include: its own layer and those listed.
ALLOWED = {
    "util": set(),
    "scenario": {"util"},
    "timeline": {"util"},
    "loader": {"util", "scenario"},
    "machine": {"util", "scenario", "timeline"},
    "python": {"util", "scenario", "timeline", "machine"},
    "ipc": {"util", "scenario", "timeline", "machine", "python"},
    "asyncio": {"util", "scenario"},
    "runtime": {"util", "scenario", "timeline", "machine", "python", "ipc", "asyncio"},
    "executors": {"util", "scenario", "timeline", "machine", "python", "ipc", "asyncio", "runtime"},
    "engine": {"util", "scenario", "timeline", "machine", "python", "ipc", "asyncio", "runtime"},
    "outputs": {"util", "scenario", "timeline"},
    "sweep": {"util", "scenario", "timeline", "loader", "outputs"},
    # The validation suite's cases: program traces against simulations of their scenarios.
    "validation": {"util", "scenario", "timeline", "loader", "engine", "outputs"},
    "cli": {"util", "scenario", "timeline", "loader", "engine", "outputs", "sweep", "validation",
            "machine", "python", "ipc", "asyncio", "runtime"},
}
# Third-party headers each layer may use (every layer may use the standard and POSIX headers).
LIBRARIES = {"simgrid": {"machine", "python", "ipc", "asyncio", "runtime", "executors", "engine"},
             "yaml-cpp": {"loader", "outputs", "sweep", "validation"},
             "boost": {"cli", "outputs"},  # outputs: Boost.Math's t quantile (sim/trace/SeedSpread)
             "zlib": {"outputs"}}  # reading gzip traces (sim/trace/TraceInput)
LIBRARY_OF = {"simgrid/": "simgrid", "yaml-cpp/": "yaml-cpp", "boost/": "boost", "zlib.h": "zlib"}

FOLDERS = {"sim/util": "util", "sim/scenario": "scenario", "sim/timeline": "timeline", "sim/loader": "loader",
           "models/machine": "machine", "models/python": "python", "models/ipc": "ipc",
           "models/asyncio": "asyncio", "models/runtime": "runtime", "sim/engine": "engine",
           "sim/trace": "outputs", "sim/sweep": "sweep", "sim/validation": "validation", "sim/cli": "cli"}


def layer_of(path):
    """The layer of a source path relative to the root (None: not part of a layer)."""
    parts = path.split("/")
    if parts[:2] == ["models", "steps"]:
        # A step kind's folder spans three layers: its type, its format, its executors.
        name = parts[-1]
        if name.endswith("Format.cpp"):
            return "loader"
        if name.endswith("Executor.cpp"):
            return "executors"
        return "scenario"
    return FOLDERS.get("/".join(parts[:2]))


INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def check(root):
    errors = []
    for file in sorted(root.glob("sim/**/*.[ch]pp")) + sorted(root.glob("models/**/*.[ch]pp")):
        rel = file.relative_to(root).as_posix()
        layer = layer_of(rel)
        if layer is None:
            continue
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            quote, header = match.groups()
            if quote == '"':
                target = layer_of(header)
                if target is None or target == layer or target in ALLOWED[layer]:
                    continue
                errors.append(f"{rel}:{number}: error: layer '{layer}' includes {header} of layer '{target}'; "
                              f"'{layer}' may include only {', '.join(sorted(ALLOWED[layer] | {layer}))}")
            else:
                library = next((lib for prefix, lib in LIBRARY_OF.items() if header.startswith(prefix)), None)
                if library and layer not in LIBRARIES[library]:
                    errors.append(f"{rel}:{number}: error: layer '{layer}' includes <{header}>; {library} is for "
                                  f"{', '.join(sorted(LIBRARIES[library]))} only")
    return errors


def main(argv):
    args = [a for a in argv[1:] if a != "--stamp"]
    stamp = argv[argv.index("--stamp") + 1] if "--stamp" in argv else None
    if stamp:
        args.remove(stamp)
    root = pathlib.Path(args[0] if args else pathlib.Path(__file__).resolve().parent.parent)
    errors = check(root)
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        return 1
    if stamp:
        pathlib.Path(stamp).write_text("layers ok\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
