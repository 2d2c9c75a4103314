#!/usr/bin/env python3
"""I/O concurrency: N requests of 20 ms, done one after another, by a ThreadPoolExecutor of K
threads, or with asyncio.gather; each request a time.sleep (asyncio.sleep) or a real request to a
local TCP server that answers after 20 ms (a new connection per request).
"""
import argparse
import asyncio
import concurrent.futures
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import servers  # noqa: E402
import vtrace  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--latency", type=float, default=20.0, help="ms per request")
    parser.add_argument("--mode", choices=("sleep", "tcp"), default="sleep")
    parser.add_argument("--strategy", choices=("sequential", "threads", "asyncio"), default="sequential")
    parser.add_argument("--workers", type=int, default=10, help="ThreadPoolExecutor size")
    parser.add_argument("--trace", help="write the trace here (default: print a summary)")
    args = parser.parse_args()
    trace = vtrace.Trace("io_concurrency", args)
    seconds = args.latency / 1000

    with servers.DelayServer() as port:
        def one(_=None):
            with trace.span("request"):
                if args.mode == "sleep":
                    time.sleep(seconds)
                else:
                    servers.request(port, args.latency)

        async def one_async():
            with trace.span("request"):
                if args.mode == "sleep":
                    await asyncio.sleep(seconds)
                else:
                    await servers.request_async(port, args.latency)

        async def gather():
            await asyncio.gather(*(one_async() for _ in range(args.requests)))

        trace.start()
        with trace.span("run"):
            if args.strategy == "sequential":
                for _ in range(args.requests):
                    one()
            elif args.strategy == "threads":
                with concurrent.futures.ThreadPoolExecutor(args.workers, thread_name_prefix="worker") as pool:
                    list(pool.map(one, range(args.requests)))
            else:
                asyncio.run(gather())
        trace.finish()
    trace.write()


if __name__ == "__main__":
    main()
