"""What every part of the recorder shares: its name and paths, the start methods and io modes,
the limits of a real run, the native call, the two ways a command fails, and what a thread
records (ThreadResult, which children send back to the parent)."""

import collections
import os


PROG = "record.py"
SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # scripts/, where record.py is
REPO_ROOT = os.path.dirname(SCRIPTS)
GILSIM = os.path.join(REPO_ROOT, "scripts", "gilsim")

START_METHODS = ("fork", "spawn", "forkserver")
IO_MODES = ("sleep", "echo")

# What a real run can reasonably execute and record (the simulator's limits are far higher).
MAX_PROCESSES = 1000
MAX_THREADS = 10000
MAX_STEP_EXECUTIONS = 2_000_000  # each is one trace line of ~200 bytes

STEP_TID_BASE = 2000000
NATIVE_DIGEST, NATIVE_PASSWORD, NATIVE_SALT = "sha256", b"password", b"salt"


class ScenarioRefused(Exception):
    """The scenario cannot be recorded; raised before anything runs (exit 2)."""


class RunFailed(Exception):
    """Something failed while running (exit 1)."""


class ThreadResult(collections.namedtuple("ThreadResult", "start first spans runs")):
    """What a thread recorded: the Thread.start() / Process.start() stamp (None: its process's
    launch), its first line, its steps [(index, begin, end)] and its GIL runs [(begin, end)]."""

    __slots__ = ()
