#!/usr/bin/env python3
"""Request latency of a small line-protocol server on 127.0.0.1 under a fixed open-loop load.

The server (this process) answers each line with the same line after a fixed amount of Python
work (Beazley's countdown, --work-ms of it as timed alone before the run), either
  asyncio  asyncio.start_server: one coroutine per connection on one event loop, or
  threads  socketserver.ThreadingTCPServer: one thread per connection,
optionally beside --background CPU-bound threads (the countdown until the run ends), at the
switch interval --interval.

A load generator in another process opens --connections keep-alive connections and sends
--requests requests at a fixed --rate, request k at (k + 1) / rate after the start, round-robin
over the connections: open loop, a sender thread that never waits for replies, and one receiver
thread per connection. Each request's latency is measured client side, from its send to its
reply. Without --trace, prints a summary (p50 and p99 of the latencies).
"""
import argparse
import asyncio
import itertools
import multiprocessing
import os
import socket
import socketserver
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import vtrace  # noqa: E402

now = time.perf_counter_ns


# ---------------------------------------------------------------------------------------------
# The load generator (a child process)

def receive(sock, expected, replied):
    """Reads `expected` reply lines from one connection, stamping each request's reply."""
    reader = sock.makefile("rb")
    for _ in range(expected):
        line = reader.readline()
        if not line:
            raise RuntimeError("the server closed a connection before replying to every request")
        replied[int(line)] = now()
    reader.close()


def load_generator(trace, port, args, pipe):
    trace.child("client")
    connections = [socket.create_connection(("127.0.0.1", port)) for _ in range(args.connections)]
    for sock in connections:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    pipe.send("connected")
    t0 = pipe.recv()  # the run's start (perf_counter_ns: the same clock in every process)
    sent, replied = [0] * args.requests, [0] * args.requests
    receivers = []
    for c, sock in enumerate(connections):
        expected = len(range(c, args.requests, args.connections))
        receivers.append(threading.Thread(target=receive, args=(sock, expected, replied), name=f"receiver[{c}]"))
        receivers[-1].start()
    period_ns = 1e9 / args.rate
    for k in range(args.requests):
        delay = (t0 + (k + 1) * period_ns - now()) / 1e9
        if delay > 0:
            time.sleep(delay)
        sent[k] = now()
        connections[k % args.connections].sendall(b"%d\n" % k)
    for r in receivers:
        r.join()
    for sock in connections:
        sock.close()
    trace.save_part()
    pipe.send(list(zip(sent, replied)))  # the parent writes them (trace.request), with or without --trace


# ---------------------------------------------------------------------------------------------
# The servers (this process)

def serve_asyncio(trace, listening, work, args, started):
    async def main():
        open_connections, done = [args.connections], asyncio.Event()

        async def handle(reader, writer):
            while line := await reader.readline():
                trace.cpu(work, name="handle")
                writer.write(line)
                await writer.drain()
            writer.close()
            open_connections[0] -= 1
            if open_connections[0] == 0:
                done.set()

        server = await asyncio.start_server(handle, sock=listening)
        started()
        with trace.span("run"):
            await done.wait()
        server.close()
        await server.wait_closed()

    asyncio.run(main())


def serve_threads(trace, server, client_done, started):
    serving = threading.Thread(target=server.serve_forever, name="serve")
    serving.start()
    started()
    with trace.span("run"):
        client_done()
    server.shutdown()
    serving.join()
    server.server_close()  # joins the handler threads (block_on_close)


def threaded_server(trace, work):
    names = itertools.count()

    class Handler(socketserver.StreamRequestHandler):
        # TCP_NODELAY, as asyncio sets it on every TCP transport (Lib/asyncio/selector_events.py,
        # _SelectorSocketTransport.__init__): no reply waits for the ACK of the previous one.
        disable_nagle_algorithm = True

        def handle(self):
            threading.current_thread().name = f"handler[{next(names)}]"
            for line in self.rfile:
                trace.cpu(work, name="handle")
                self.wfile.write(line)

    class Server(socketserver.ThreadingTCPServer):
        allow_reuse_address = True
        request_queue_size = 1024

    return Server(("127.0.0.1", 0), Handler)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", choices=("asyncio", "threads"), default="asyncio")
    parser.add_argument("--rate", type=float, default=50, help="requests per second, sent at fixed intervals")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--work-ms", type=float, default=2.0, help="Python work per request (countdown), in ms")
    parser.add_argument("--background", type=int, default=0, help="CPU-bound threads beside the server")
    parser.add_argument("--interval", type=float, default=5.0, help="sys.setswitchinterval, in ms")
    parser.add_argument("--trace", help="write the trace here (default: print a summary)")
    args = parser.parse_args()
    if args.rate <= 0 or args.requests < 1 or args.connections < 1 or args.work_ms <= 0 or args.background < 0:
        parser.error("--rate, --requests, --connections and --work-ms must be positive, --background >= 0")
    trace = vtrace.Trace("server_latency", args)
    sys.setswitchinterval(args.interval / 1000)

    # The request's Python, timed alone: what a user who profiles their handler would write down.
    work = max(1, round(args.work_ms * 1e6 / trace.cpu_unit_ns))
    timings = []
    for _ in range(21):
        t = now()
        vtrace.cpu_loop(work, [])
        timings.append(now() - t)
    trace.work["request_s"] = statistics.median(timings) / 1e9
    trace.work["request_iterations"] = work

    # Server socket and load generator before any thread exists (fork); the client's connections
    # wait in the listen backlog until the server accepts them.
    if args.server == "asyncio":
        listening = socket.create_server(("127.0.0.1", 0), backlog=1024)
        port = listening.getsockname()[1]
    else:
        server = threaded_server(trace, work)
        port = server.server_address[1]
    ctx = multiprocessing.get_context("fork")
    here, there = ctx.Pipe()
    client = ctx.Process(target=load_generator, args=(trace, port, args, there), name="load")
    client.start()
    if here.recv() != "connected":
        sys.exit("server_latency: the load generator did not connect")

    stop = threading.Event()
    workers = []

    def started():  # the run begins: background threads, then the load
        trace.start()
        workers.extend(trace.thread(trace.cpu_until, f"cpu[{i}]", stop) for i in range(args.background))
        here.send(trace.t0)

    def client_done():
        for sent, replied in here.recv():
            trace.request("http", sent, replied, thread="load", process="client")
        client.join()

    if args.server == "asyncio":
        serve_asyncio(trace, listening, work, args, started)
        client_done()
    else:
        serve_threads(trace, server, client_done, started)
    stop.set()
    for w in workers:
        w.join()
    if client.exitcode != 0:
        sys.exit(f"server_latency: the load generator failed (exit code {client.exitcode})")
    trace.work["run_s"] = (max(r[4] for r in trace.requests) - trace.t0) / 1e9
    trace.finish()
    trace.write()


if __name__ == "__main__":
    main()
