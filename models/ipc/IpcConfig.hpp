#pragma once

namespace gilsim {

// Costs of moving Python objects between threads, interpreters and processes (README "IPC").
struct IpcConfig {
  double pickle_bandwidth = 4e9;     // bytes/s: pickling a bytes-like payload is a memory copy
  double unpickle_bandwidth = 4e9;   // bytes/s
  double pickle_per_object = 50e-9;  // s per object in the payload (lists of small objects)
  double unpickle_per_object = 60e-9;
  double pipe_bandwidth = 1.5e9;     // bytes/s through an OS pipe, Connection.send_bytes
  double pipe_latency = 20e-6;       // s from the end of a write to the reader holding the message
  double queue_op = 5e-6;            // s of Python in queue.Queue.put/get (Condition, deque)
};

}  // namespace gilsim
