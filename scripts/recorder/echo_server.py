"""io: the delay/echo server of --io echo, a process that waits each request's latency and
echoes it, and the scenario threads' side of its connections."""

import multiprocessing
import os
import socket
import struct
import threading
import time

from .common import RunFailed


ECHO_REQUEST = struct.Struct("!Q")  # latency in ns, echoed back after that long


def connect_echo(port):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def make_echo_call(sock):
    """io_call(request): a blocking sendall, then recv until the echo is back (GIL released)."""
    sendall, recv_into = sock.sendall, sock.recv_into
    buffer = memoryview(bytearray(ECHO_REQUEST.size))
    size = ECHO_REQUEST.size

    def call(request):
        sendall(request)
        got = 0
        while got < size:
            n = recv_into(buffer[got:])
            if n == 0:
                raise ConnectionError("the echo server closed the connection")
            got += n

    return call


def _echo_connection(conn):
    """Server side of one connection: wait the requested latency, echo the request."""
    size = ECHO_REQUEST.size
    with conn:
        while True:
            data = b""
            while len(data) < size:
                chunk = conn.recv(size - len(data))
                if not chunk:
                    return
                data += chunk
            time.sleep(ECHO_REQUEST.unpack(data)[0] / 1e9)
            conn.sendall(data)


def echo_server_main(control):
    """The echo server process: a thread per connection; exits when the parent says so."""
    server = socket.create_server(("127.0.0.1", 0), backlog=1024)
    control.send(server.getsockname()[1])

    def accept():
        while True:
            conn, _ = server.accept()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=_echo_connection, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        control.recv()
    except EOFError:
        pass
    os._exit(0)


class EchoServer:
    """Starts the echo server process before any run and stops it at the end.

    It is infrastructure, not part of the scenario: always forked (cheap, and it leaves the
    forkserver and the start method under test alone).
    """

    def __init__(self):
        context = multiprocessing.get_context("fork")
        self.control, child = context.Pipe()
        self.process = context.Process(target=echo_server_main, args=(child,), name="gilsim-echo", daemon=True)
        self.process.start()
        child.close()
        if not self.control.poll(30):
            self.stop()
            raise RunFailed("the echo server did not start")
        self.port = self.control.recv()

    def stop(self):
        try:
            self.control.send(None)
        except OSError:
            pass
        self.process.join(5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()
