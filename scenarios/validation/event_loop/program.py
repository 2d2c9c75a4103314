#!/usr/bin/env python3
"""asyncio, two ways:
  gather  asyncio.gather of --tasks requests of 20 ms: asyncio.sleep, or a request over a new
          connection to a local TCP server that answers after 20 ms
  ticks   an event loop awaiting asyncio.sleep(1 ms) --ticks times, beside --cpu-threads threads
          counting down until it is done: how late the loop's timers run
"""
import argparse
import asyncio
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import servers  # noqa: E402
import vtrace  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", choices=("gather", "ticks"), default="gather")
    parser.add_argument("--what", choices=("sleep", "tcp"), default="sleep", help="gather: the request")
    parser.add_argument("--tasks", type=int, default=100)
    parser.add_argument("--ticks", type=int, default=200)
    parser.add_argument("--cpu-threads", type=int, default=1)
    parser.add_argument("--interval", type=float, default=5.0, help="sys.setswitchinterval, in ms")
    parser.add_argument("--trace", help="write the trace here (default: print a summary)")
    args = parser.parse_args()
    trace = vtrace.Trace("event_loop", args)
    sys.setswitchinterval(args.interval / 1000)

    async def request(port):
        if args.what == "sleep":
            await asyncio.sleep(0.02)
        else:
            await servers.request_async(port, 20)

    async def gather(port):
        await asyncio.gather(*(request(port) for _ in range(args.tasks)))

    async def ticks():
        with trace.span("loop"):
            for _ in range(args.ticks):
                with trace.span("tick"):
                    await asyncio.sleep(0.001)

    with servers.DelayServer() as port:
        trace.start()
        if args.mode == "gather":
            with trace.span("run"):
                asyncio.run(gather(port))
        else:
            stop = threading.Event()
            workers = [trace.thread(trace.cpu_until, f"cpu[{i}]", stop) for i in range(args.cpu_threads)]
            with trace.span("run"):
                asyncio.run(ticks())
            stop.set()
            for w in workers:
                w.join()
            loop = next(s for s in trace.spans if s[2] == "loop")
            trace.work["loop_s"] = (loop[4] - loop[3]) / 1e9
        trace.finish()
    trace.write()


if __name__ == "__main__":
    main()
