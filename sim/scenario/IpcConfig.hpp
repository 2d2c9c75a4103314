#pragma once

#include "sim/scenario/WakeupCurve.hpp"

namespace gilsim {

// Costs of moving Python objects between threads, interpreters and processes (README "Processes
// and IPC", where each default's source is given).
struct IpcConfig {
  double pickle_bandwidth = 4e9;     // bytes/s: pickling a bytes-like payload is a memory copy
  double unpickle_bandwidth = 4e9;   // bytes/s
  double pickle_per_object = 50e-9;  // s per object in the payload (lists of small objects)
  double unpickle_per_object = 60e-9;
  double pickle_overhead = 22;       // bytes the pickle adds around a payload (opcodes, frame, length)
  // An OS pipe (models/ipc/PipeBuffer): its capacity, the copies in and out, and wake-ups.
  double pipe_buffer = 65536;             // bytes: pipe(7), 16 pages since Linux 2.6.11
  double pipe_write_bandwidth = 1.15e10;  // bytes/s: Connection.send_bytes copying into the buffer
  double pipe_read_bandwidth = 7.4e9;     // bytes/s: Connection.recv_bytes copying out of it
  // s after being woken until a process blocked on a pipe (or its locks) runs, by how long it
  // was blocked: medians measured on the project's VM (README "Pipes")
  WakeupCurve pipe_wakeup{{{100e-6, 12e-6}, {1e-3, 45e-6}, {10e-3, 120e-6}}};
  double queue_op = 5e-6;            // s of Python in queue.Queue.put/get (Condition, deque)
};

}  // namespace gilsim
