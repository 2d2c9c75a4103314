#!/usr/bin/env python3
"""Messages between two processes through multiprocessing.Pipe() or multiprocessing.Queue:
  pingpong  the parent sends a message of --size bytes and waits for the child's echo, --count times
  stream    the parent sends --count messages; the child receives them all, then answers once
The child is forked and ready before the run begins.
"""
import argparse
import multiprocessing
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vtrace  # noqa: E402


class PipeEnds:
    """Pipe(): a duplex connection (a socketpair on Linux), one end per process."""

    def __init__(self, context):
        self.parent, self.child = context.Pipe()

    def parent_side(self):
        return self.parent.send, self.parent.recv

    def child_side(self):
        return self.child.send, self.child.recv


class QueueEnds:
    """Two multiprocessing.Queues, one per direction."""

    def __init__(self, context):
        self.down, self.up = context.Queue(), context.Queue()

    def parent_side(self):
        return self.down.put, self.up.get

    def child_side(self):
        return self.up.put, self.down.get


UNITS = {"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}
# Messages per run by size, so that a run takes about a second or less: (ping-pong, stream)
COUNTS = {1 << 10: (2000, 5000), 1 << 20: (100, 200), 10 << 20: (10, 30), 100 << 20: (1, 3)}


def size_in_bytes(text):
    number = text.rstrip("BKMGi")
    return int(number) * UNITS[text[len(number):] or "B"]


def child(ends, pattern, count):
    send, recv = ends.child_side()
    send(b"ready")
    if pattern == "pingpong":
        for _ in range(count):
            send(recv())
    else:
        for _ in range(count):
            recv()
        send(b"done")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--channel", choices=("pipe", "mp_queue"), default="pipe")
    parser.add_argument("--pattern", choices=("pingpong", "stream"), default="pingpong")
    parser.add_argument("--size", type=size_in_bytes, default="1KiB", help="bytes per message, e.g. 1KiB, 10MiB")
    parser.add_argument("--count", type=int, default=0, help="messages (default: by size, about a second)")
    parser.add_argument("--trace", help="write the trace here (default: print a summary)")
    args = parser.parse_args()
    trace = vtrace.Trace("mp_ipc", args)
    if not args.count:
        args.count = COUNTS.get(args.size, (100, 100))[args.pattern == "stream"]
    trace.work["count"] = args.count
    context = multiprocessing.get_context("fork")
    ends = PipeEnds(context) if args.channel == "pipe" else QueueEnds(context)
    process = context.Process(target=child, args=(ends, args.pattern, args.count), name="child")
    process.start()
    send, recv = ends.parent_side()
    recv()  # the child is ready
    message = b"x" * args.size

    trace.start()
    with trace.span("run"):
        if args.pattern == "pingpong":
            for _ in range(args.count):
                with trace.span("roundtrip"):
                    send(message)
                    recv()
        else:
            for _ in range(args.count):
                send(message)
            recv()
    process.join()
    trace.finish()
    trace.write()


if __name__ == "__main__":
    main()
