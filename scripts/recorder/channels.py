"""Channels as the simulator defines them: queue.Queue, multiprocessing.SimpleQueue (`pipe`) and
multiprocessing.Queue (`mp_queue`), closed once every writer thread has finished."""

import threading

from .bounds import channel_use
from .layout import scenario_threads


class ChannelDeadlock(Exception):
    """A get on a closed channel."""


WRITER_DONE = "__gilsim_writer_done__"
READER_STOP = "__gilsim_reader_stop__"
CHANNEL_CLOSED = ("closed",)  # what receive() returns once its channel is closed


class LocalCounter:
    """A counter shared by the threads of one process (multiprocessing.Value's interface)."""

    def __init__(self):
        self.value = 0
        self._lock = threading.Lock()

    def get_lock(self):
        return self._lock


class ChannelEnd:
    """A channel as the simulator defines it: closed once every writer thread has finished and it
    is empty. Each writer puts a marker when it ends (behind its messages, in the pipe or in its
    process's feeder buffer); the reader that takes the last one has seen the channel close and
    tells the other readers. `queue` is a queue.Queue, SimpleQueue or multiprocessing.Queue."""

    def __init__(self, queue, writers, readers, counter):
        self.queue, self.writers, self.readers, self.counter = queue, writers, readers, counter
        self.put = queue.put

    def receiver(self):
        """receive() for one reading thread: the next message, or CHANNEL_CLOSED from then on."""
        get, marker = self.queue.get, self._marker
        state = [self.writers == 0]  # closed for this thread

        def receive():
            if state[0]:
                return CHANNEL_CLOSED
            message = get()
            if message.__class__ is str:
                return marker(message, get, state)
            return message

        return receive

    def _marker(self, message, get, state):
        while message.__class__ is str:
            if message == READER_STOP:
                break
            with self.counter.get_lock():
                self.counter.value += 1
                last = self.counter.value == self.writers
            if last:  # every writer is done and nothing is left: closed
                for _ in range(self.readers - 1):
                    self.queue.put(READER_STOP)
                break
            message = get()
        else:
            return message
        state[0] = True
        return CHANNEL_CLOSED

    def writer_done(self):
        self.queue.put(WRITER_DONE)


def shared_channels(variant, layout, context):
    """Pipes and multiprocessing.Queues, made before any process starts, with their writer and
    reader thread counts over all processes (made with `context`, whose locks every start method
    of the run can inherit)."""
    writers, readers = {}, {}
    for p in layout:
        for t in scenario_threads(p):
            puts, gets = channel_use(t.program)
            for name in puts:
                writers[name] = writers.get(name, 0) + 1
            for name in gets:
                readers[name] = readers.get(name, 0) + 1
    ends = {}
    for channel in variant.get("channels", []):
        name, kind = channel["name"], channel["kind"]
        if kind == "queue" or (name not in writers and name not in readers):
            continue
        queue = context.SimpleQueue() if kind == "pipe" else context.Queue()
        ends[name] = ChannelEnd(queue, writers.get(name, 0), readers.get(name, 0), context.Value("i", 0))
    return ends
