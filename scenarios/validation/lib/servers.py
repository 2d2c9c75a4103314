"""A local delay server for the validation programs: each request is answered after a delay.

A real TCP server in another process (so that it has its own GIL), serving every connection in
its own thread, as socketserver.ThreadingTCPServer does: a client sends one line with the delay
in milliseconds and reads one byte back. Started with fork before the run, stopped after it.
"""
import multiprocessing
import socket
import socketserver
import time


class _Handler(socketserver.BaseRequestHandler):
    def handle(self):
        data = b""
        while not data.endswith(b"\n"):
            chunk = self.request.recv(64)
            if not chunk:
                return
            data += chunk
        time.sleep(float(data) / 1000)
        self.request.sendall(b"x")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024


def _serve(ready):
    with _Server(("127.0.0.1", 0), _Handler) as server:
        ready.send(server.server_address[1])
        server.serve_forever()


class DelayServer:
    """with DelayServer() as port: ... requests to ("127.0.0.1", port)."""

    def __enter__(self):
        ctx = multiprocessing.get_context("fork")
        here, there = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(there,), name="delay-server", daemon=True)
        self.process.start()
        self.port = here.recv()
        return self.port

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.join()


def request(port, delay_ms):
    """One request over a new connection: connect, send, wait for the answer, close."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(f"{delay_ms}\n".encode())
        sock.recv(1)


async def request_async(port, delay_ms):
    import asyncio
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"{delay_ms}\n".encode())
    await writer.drain()
    await reader.readexactly(1)
    writer.close()
    await writer.wait_closed()
