#!/usr/bin/env python3
"""Convoy effect: an I/O loop beside K CPU-bound threads; prints the I/O loop's rate.

--io sleep : time.sleep(SLEEP_MS) per iteration
--io echo  : send 1 byte on a socketpair to a child process that echoes it, then recv 1 byte

usage: convoy.py --io sleep|echo [--cpu K] [--interval MS] [--seconds S] [--sleep-ms MS]
Confine it with `taskset -c 0 ...` (the child inherits the mask) or `taskset -c 0,1 ...`.
"""
import argparse
import os
import socket
import sys
import threading
import time


def cpu_loop(stop):
    x = 0
    while not stop.is_set():
        for _ in range(1000):
            x += 1


def echo_child(sock):
    recv, send = sock.recv, sock.send
    while True:
        b = recv(1)
        if not b:
            os._exit(0)
        send(b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--io", choices=["sleep", "echo"], required=True)
    ap.add_argument("--cpu", type=int, default=1, help="CPU-bound threads beside the I/O loop")
    ap.add_argument("--interval", type=float, default=5.0, help="switch interval, ms")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--sleep-ms", type=float, default=1.0)
    a = ap.parse_args()
    sys.setswitchinterval(a.interval / 1e3)
    child = None
    if a.io == "echo":
        ps, cs = socket.socketpair()
        child = os.fork()
        if child == 0:
            ps.close()
            echo_child(cs)
        cs.close()
    stop = threading.Event()
    ths = [threading.Thread(target=cpu_loop, args=(stop,)) for _ in range(a.cpu)]
    for t in ths:
        t.start()
    time.sleep(0.05)
    n = 0
    t0 = time.perf_counter()
    t_end = t0 + a.seconds
    if a.io == "sleep":
        d = a.sleep_ms / 1e3
        while time.perf_counter() < t_end:
            time.sleep(d)
            n += 1
    else:
        send, recv = ps.send, ps.recv
        while time.perf_counter() < t_end:
            send(b"x")
            recv(1)
            n += 1
    el = time.perf_counter() - t0
    stop.set()
    for t in ths:
        t.join()
    if child:
        ps.close()
        os.waitpid(child, 0)
    print(f"io={a.io} cpu_threads={a.cpu} cpus={sorted(os.sched_getaffinity(0))} "
          f"interval={a.interval}ms iterations={n} rate={n / el:.1f}/s period={el / max(n, 1) * 1e3:.3f}ms")


if __name__ == "__main__":
    main()
