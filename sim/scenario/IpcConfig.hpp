#pragma once

#include "sim/scenario/ChannelKind.hpp"
#include "sim/scenario/WakeupCurve.hpp"

namespace gilsim {

// One kind of connected stream socket (README "Sockets"): each sock.send and sock.recv call, whole
// (its few tens of ns of Python and its system call), run with the GIL released, and the bytes
// that may be in flight before a sender blocks.
struct SocketCosts {
  double send = 0;    // s per sock.send (sendall of a message that fits)
  double recv = 0;    // s per sock.recv that finds bytes
  double buffer = 0;  // bytes in flight before a send blocks
};

// Costs of moving Python objects between threads, interpreters and processes (README "Processes
// and IPC", where each default's source is given).
struct IpcConfig {
  double pickle_bandwidth = 4e9;     // bytes/s: pickling a bytes-like payload is a memory copy
  double unpickle_bandwidth = 4e9;   // bytes/s
  double pickle_per_object = 50e-9;  // s per object in the payload (lists of small objects)
  double unpickle_per_object = 60e-9;
  double pickle_overhead = 22;       // bytes the pickle adds around a payload (opcodes, frame, length)
  // Per call, whatever the size (README "Per-call costs"): ForkingPickler.dumps and pickle.loads
  // (GIL held), and a payload's bytes beyond pickle_cache_size, pickled at the large rates (the
  // copy no longer stays in the CPU's caches, and its buffer is fresh memory). Defaults: medians
  // of 3 runs of scripts/calibrate_calls.py on the project's VM (CPython 3.11.2, 2026-12-03).
  double pickle_call = 3.41e-6;             // s
  double unpickle_call = 185e-9;            // s
  double pickle_cache_size = 16777216;      // bytes
  double pickle_large_bandwidth = 1.035e9;  // bytes/s
  double unpickle_large_bandwidth = 9.783e8;  // bytes/s
  // Connection.send_bytes / recv_bytes: their Python around the system calls (GIL held), and
  // each os.write / os.read (GIL released, on a core). recv_bytes reads twice: header, body.
  double send_call = 1.227e-6;              // s
  double recv_call = 1.444e-6;              // s
  double write_syscall = 333.9e-9;          // s
  double read_syscall = 340.6e-9;           // s
  // multiprocessing.Queue.put (semaphore, Condition, deque append, notify of the feeder) and
  // the Python of Queue.get around recv_bytes and loads (read lock, semaphore release).
  double mp_queue_put = 1.081e-6;           // s
  double mp_queue_get = 1.204e-6;           // s
  // An OS pipe (models/ipc/PipeBuffer): its capacity, the copies in and out, and wake-ups.
  double pipe_buffer = 65536;             // bytes: pipe(7), 16 pages since Linux 2.6.11
  double pipe_write_bandwidth = 1.15e10;  // bytes/s: Connection.send_bytes copying into the buffer
  double pipe_read_bandwidth = 7.4e9;     // bytes/s: Connection.recv_bytes copying out of it
  // s after being woken until a process blocked on a pipe (or its locks) runs, by how long it
  // was blocked: medians measured on the project's VM (README "Pipes")
  WakeupCurve pipe_wakeup{{{100e-6, 12e-6}, {1e-3, 45e-6}, {10e-3, 120e-6}}};
  double queue_op = 5e-6;            // s of Python in queue.Queue.put/get (Condition, deque)
  // Sockets: medians of three runs of `scripts/calibrate_sockets.py --runs 3` on the project's VM
  // (CPython 3.11.2, Linux 6.18, 2026-12-03T17:15Z, before the script measured wake-ups). Buffers: an AF_UNIX stream sender's
  // net.core.wmem_default (socket(7)); for TCP the receiver's tcp_rmem default plus the sender's
  // initial tcp_wmem (tcp(7)), before autotuning grows them.
  SocketCosts unix_socket{2.647e-6, 2.773e-6, 212992};
  SocketCosts tcp_socket{4.018e-6, 2.244e-6, 131072 + 16384};
  // s after being woken until a process blocked on a socket runs, by how long it was blocked
  // (beyond the send and recv calls): medians of three runs of scripts/calibrate_sockets.py on
  // the project's VM, 2026-12-03T17:25Z (README "Sockets"); measured on a socketpair, used for TCP
  WakeupCurve socket_wakeup{{{30e-6, 27.56e-6}, {100e-6, 29.85e-6}, {1e-3, 38.48e-6}, {10e-3, 75.28e-6}}};
  const SocketCosts& socket(ChannelKind kind) const { return kind == ChannelKind::TcpSocket ? tcp_socket : unix_socket; }
  // How long a process blocked on a channel of this kind takes to run once woken.
  const WakeupCurve& wakeup(ChannelKind kind) const { return is_socket(kind) ? socket_wakeup : pipe_wakeup; }
};

}  // namespace gilsim
