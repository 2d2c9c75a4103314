#!/usr/bin/env python3
"""Where does an echo thread beside a CPU-bound thread wait for the GIL: at send, at recv, or both?
A socketpair echo to a child process; the I/O thread times send() and recv() separately for
--seconds, beside --cpu-threads CPU-bound threads at --interval ms. Prints percentiles of each."""
import argparse, multiprocessing, os, socket, statistics, sys, threading, time

def echo(sock, other):
    other.close()
    while True:
        b = sock.recv(1)
        if not b:
            return
        sock.send(b)

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cpu-threads", type=int, default=1)
    p.add_argument("--interval", type=float, default=5.0)
    p.add_argument("--seconds", type=float, default=1.0)
    a = p.parse_args()
    mine, theirs = socket.socketpair()
    child = multiprocessing.get_context("fork").Process(target=echo, args=(theirs, mine))
    child.start()
    theirs.close()
    sys.setswitchinterval(a.interval / 1000)
    stop = False
    def spin():
        x = 0
        while not stop:
            for _ in range(1000):
                x = (x * 1103515245 + 12345) & 0x7FFFFFFF
    cpus = [threading.Thread(target=spin) for _ in range(a.cpu_threads)]
    for t in cpus:
        t.start()
    sends, recvs = [], []
    pc = time.perf_counter_ns
    deadline = pc() + int(a.seconds * 1e9)
    while pc() < deadline:
        t0 = pc(); mine.send(b"x"); t1 = pc(); mine.recv(1); t2 = pc()
        sends.append(t1 - t0); recvs.append(t2 - t1)
    stop = True
    for t in cpus:
        t.join()
    mine.close(); child.join()
    q = lambda xs, f: sorted(xs)[int(f * (len(xs) - 1))] / 1e3
    for name, xs in (("send", sends), ("recv", recvs)):
        print(f"{name}: n={len(xs)} p10 {q(xs,.1):.1f} p50 {q(xs,.5):.1f} p90 {q(xs,.9):.1f} us; "
              f"over 1 ms: {sum(x > 1e6 for x in xs) / len(xs):.0%}")

if __name__ == "__main__":
    main()
