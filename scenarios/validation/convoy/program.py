#!/usr/bin/env python3
"""The convoy effect: an I/O thread beside CPU-bound threads (Beazley 2010; Skvortsov 2021,
"Python behind the scenes #13").

The I/O thread loops for --seconds on one of:
  sleep       time.sleep(1 ms)
  socketpair  a 1-byte echo to another process over a socketpair: send, then recv
  tcp         a TCP echo server thread of this process answering a client process: recv, then send
while --cpu-threads threads count down until it is done. Each I/O call loses the GIL, and getting
it back waits for the CPU-bound threads. With --pin the whole program (children included) is
confined to CPU 0, as `taskset -c 0` would. Before the run, the I/O alone is timed (the round
trip a user would measure first), for the scenario.
"""
import argparse
import multiprocessing
import os
import socket
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vtrace  # noqa: E402

ALONE_CALLS = 2000


def echo_peer(sock):
    """The other process of the socketpair: echoes every byte until the pair closes."""
    try:
        while True:
            data = sock.recv(1)
            if not data:
                return
            sock.send(data)
    except OSError:  # the program closed the pair mid-exchange: the run is over
        return


def tcp_client(port):
    """The client process: one request of 1 byte after another until the server closes."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while True:
                sock.send(b"x")
                if not sock.recv(1):
                    return
        except OSError:  # the server closed mid-exchange: the run is over
            return


class Io:
    """One I/O call of the chosen kind, and what it needs around it."""

    def __init__(self, kind):
        self.kind, self.child = kind, None
        ctx = multiprocessing.get_context("fork")
        if kind == "socketpair":
            self.sock, peer = socket.socketpair()
            self.child = ctx.Process(target=echo_peer, args=(peer,), name="peer")
            self.child.start()
            peer.close()
        elif kind == "tcp":
            server = socket.create_server(("127.0.0.1", 0))
            self.child = ctx.Process(target=tcp_client, args=(server.getsockname()[1],), name="client")
            self.child.start()
            self.sock, _ = server.accept()
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            server.close()

    def call(self):
        if self.kind == "sleep":
            time.sleep(0.001)
        elif self.kind == "socketpair":
            self.sock.send(b"x")
            self.sock.recv(1)
        else:
            data = self.sock.recv(1)
            self.sock.send(data)

    def close(self):
        if self.child:
            self.sock.shutdown(socket.SHUT_RDWR)  # the child holds a copy of this end too: close is not enough
            self.sock.close()
            self.child.join()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--io", choices=("sleep", "socketpair", "tcp"), default="sleep")
    parser.add_argument("--cpu-threads", type=int, default=1)
    parser.add_argument("--interval", type=float, default=5.0, help="sys.setswitchinterval, in ms")
    parser.add_argument("--seconds", type=float, default=1.0, help="how long the I/O thread loops")
    parser.add_argument("--pin", action="store_true", help="confine the program to CPU 0")
    parser.add_argument("--trace", help="write the trace here (default: print a summary)")
    args = parser.parse_args()
    if args.pin:
        os.sched_setaffinity(0, {0})
    trace = vtrace.Trace("convoy", args)
    io = Io(args.io)
    alone = []
    for _ in range(ALONE_CALLS if args.io != "sleep" else 200):
        t = time.perf_counter_ns()
        io.call()
        alone.append(time.perf_counter_ns() - t)
    trace.work["call_alone_s"] = statistics.median(alone) / 1e9
    sys.setswitchinterval(args.interval / 1000)
    name = "serve" if args.io == "tcp" else args.io

    trace.start()
    stop = threading.Event()
    workers = [trace.thread(trace.cpu_until, f"cpu[{i}]", stop) for i in range(args.cpu_threads)]

    def io_loop():
        deadline = time.perf_counter_ns() + int(args.seconds * 1e9)
        calls = 0
        while time.perf_counter_ns() < deadline:
            with trace.span(name):
                io.call()
            calls += 1
        stop.set()
        trace.work["io_calls"] = calls

    trace.thread(io_loop, "io").join()
    for w in workers:
        w.join()
    io.close()
    trace.finish()
    io_spans = [s for s in trace.spans if s[2] == name]
    trace.work["io_seconds"] = (io_spans[-1][4] - io_spans[0][3]) / 1e9
    trace.write()


if __name__ == "__main__":
    main()
