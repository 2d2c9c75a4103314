#!/usr/bin/env python3
"""Measures what one small socket call costs on this host (README "Sockets"), and prints it as
lines of a machine profile's `calibration:` section, each with a comment saying how it was
measured:

    scripts/calibrate_sockets.py [--quick] [--runs N]

- unix_socket_send, unix_socket_recv: sock.send(b'x') on one end of socket.socketpair() (an
  AF_UNIX stream pair) while nobody waits on the other end, then sock.recv(1) of bytes already
  there, per call (batches of 100: the sends never fill the socket's buffer).
- tcp_socket_send, tcp_socket_recv: the same on a connected loopback TCP socket with
  TCP_NODELAY, as a client of a server on 127.0.0.1. A TCP send runs the whole loopback path,
  including the receiving socket's protocol work, in the sender's system call.

- socket_wakeup: from sock.send(b'x') to sock.recv(1) returning in a child process blocked on
  the socket pair for 30 us, 100 us, 1 ms and 10 ms (the sender spinning meanwhile, as a
  partner computing would), less the two calls above: how long a process blocked on a socket
  takes to run once woken. Mean without the top and bottom 10%.

Each call figure is the whole Python call (a C method of the socket object: a few tens of ns of
Python) and its system call, which releases the GIL; the model runs all of it with the GIL
released. The call figures are medians of timed batches, the wake-ups trimmed means (after a
warm-up byte); with --runs N, each is the median of N whole runs. Standard
library only; needs a quiet machine (run it under `chrt -f 50` when others use the CPUs).
"""
import multiprocessing
import socket
import statistics
import sys
import time

from calibrate_calls import fmt_duration, print_calibration
from calibrate_start import trimmed_mean

BATCH = 100  # calls per timed batch: 100 one-byte sends stay far below any socket buffer


def tcp_pair():
    """(client, server) ends of a loopback TCP connection, both with TCP_NODELAY."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname())
        try:
            server, _ = listener.accept()
        except OSError:
            client.close()
            raise
    try:
        for end in (client, server):
            end.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        client.close()
        server.close()
        raise
    return client, server


def send_recv_s(sender, receiver, samples):
    """(send, recv) seconds per call: batches of sender.send(b'x'), then receiver.recv(1) each."""
    sends, recvs = [], []
    for _ in range(samples):
        start = time.perf_counter_ns()
        for _ in range(BATCH):
            sender.send(b"x")
        middle = time.perf_counter_ns()
        for _ in range(BATCH):
            receiver.recv(1)
        sends.append((middle - start) / BATCH)
        recvs.append((time.perf_counter_ns() - middle) / BATCH)
    return statistics.median(sends) / 1e9, statistics.median(recvs) / 1e9


# Blocked times after which the socket wake-up is measured: on VMs it grows with the time the CPU
# spent idle, and the model interpolates between these in log(blocked time).
WAKEUP_BLOCKS = (30e-6, 100e-6, 1e-3, 10e-3)


def wakeup_child(sock, parent_end, stamps):
    """Blocks in recv(1) for each probe and stamps when it returns (the first byte is a warm-up)."""
    parent_end.close()  # so that the parent's end closing (or the parent dying) ends our recv
    for i in range(len(stamps)):
        if not sock.recv(1):
            return
        stamps[i] = time.monotonic_ns()


def measure_wakeup_s(blocked_s, samples):
    """Mean time (s) from sock.send(b'x') to sock.recv(1) returning in a child process blocked on
    the pair for blocked_s, without the top and bottom 10%."""
    context = multiprocessing.get_context("fork")
    mine, theirs = socket.socketpair()
    stamps = context.RawArray("q", samples + 1)  # stamp 0 answers a warm-up byte, not a probe
    try:
        child = context.Process(target=wakeup_child, args=(theirs, mine, stamps), daemon=True)
        child.start()
    finally:
        theirs.close()
    sent = []
    try:
        for i in range(samples + 1):
            if i:
                deadline = time.monotonic() + 10
                while stamps[i - 1] == 0:  # it has the previous byte: now it blocks again
                    if time.monotonic() > deadline or not child.is_alive():
                        raise SystemExit("calibrate_sockets: error: the wake-up probe process stopped answering")
            until = time.monotonic_ns() + blocked_s * 1e9
            while time.monotonic_ns() < until:
                pass
            sent.append(time.monotonic_ns())
            mine.send(b"x")
        child.join(10)
    finally:
        mine.close()
        if child.is_alive():
            child.terminate()
            child.join()
    if child.exitcode != 0:
        raise SystemExit(f"calibrate_sockets: error: the wake-up probe process exited with {child.exitcode}")
    return trimmed_mean([stamps[i] - sent[i] for i in range(1, samples + 1)]) / 1e9


def measure_all(quick):
    samples = 21 if quick else 201
    figures = {}
    for family, make in (("unix", socket.socketpair), ("tcp", tcp_pair)):
        sender, receiver = make()
        try:
            figures[f"{family}_socket_send"], figures[f"{family}_socket_recv"] = send_recv_s(sender, receiver, samples)
        finally:
            sender.close()
            receiver.close()
    calls = figures["unix_socket_send"] + figures["unix_socket_recv"]
    for blocked in WAKEUP_BLOCKS:
        probes = max(5, round((0.02 if quick else 0.3) / blocked))
        figures[f"wakeup {blocked}"] = max(0.0, measure_wakeup_s(blocked, probes) - calls)
    return figures


def calibration_lines(quick=False, runs=1):
    all_runs = [measure_all(quick) for _ in range(runs)]
    v = {key: statistics.median(r[key] for r in all_runs) for key in all_runs[0]}
    return [
        f"  # scripts/calibrate_sockets.py{f' --runs {runs}: medians of {runs} whole runs' if runs > 1 else ''}",
        "  # sock.send(b'x') with nobody waiting on the other end, then sock.recv(1) of bytes already",
        "  # there, batches of 100: on a socket.socketpair() (unix) and a loopback TCP connection with",
        "  # TCP_NODELAY (tcp); the whole call, run with the GIL released",
        f"  unix_socket_send: {fmt_duration(v['unix_socket_send'])}",
        f"  unix_socket_recv: {fmt_duration(v['unix_socket_recv'])}",
        f"  tcp_socket_send: {fmt_duration(v['tcp_socket_send'])}",
        f"  tcp_socket_recv: {fmt_duration(v['tcp_socket_recv'])}",
        "  # sock.send(b'x') to sock.recv(1) returning in a process blocked on a socket pair for 30us, 100us,",
        "  # 1ms and 10ms (the sender spinning meanwhile), less the two calls: mean without the top and",
        "  # bottom 10%",
        "  socket_wakeup: {" + ", ".join(f"{fmt_duration(b)}: {fmt_duration(v[f'wakeup {b}'])}" for b in WAKEUP_BLOCKS) + "}",
    ]


def main(argv):
    return print_calibration(__doc__, calibration_lines, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
