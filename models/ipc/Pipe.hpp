#pragma once
#include <deque>
#include <functional>
#include <string>

#include "models/ipc/Channel.hpp"
#include "models/ipc/PipeBuffer.hpp"
#include "models/python/ThreadingLock.hpp"
#include "sim/scenario/IpcConfig.hpp"

namespace gilsim {

// A multiprocessing pipe as SimpleQueue (kind pipe) and Queue (kind mp_queue) use it
// (Lib/multiprocessing/queues.py, connection.py). Pickled messages go through one OS pipe
// (PipeBuffer): Connection.send_bytes writes one at a time under the write lock, recv_bytes reads
// one at a time under the read lock. Both locks are multiprocessing.Locks, POSIX semaphores like
// threading.Lock, whose blocked waiters wake with the pipe's wake-up latency.
// A socket channel (kind unix_socket or tcp_socket) is one direction of a connected stream socket
// in the same shape: raw bytes, no pickle and no length header, one sock.send per message and one
// sock.recv per read, through a buffer of the socket's size (README "Sockets"). Readers still take
// whole messages one at a time: the model keeps message boundaries that a real stream does not.
class Pipe {
 public:
  Pipe(std::string name, ChannelKind kind, int writers, const IpcConfig& ipc);

  const std::string& name() const { return name_; }
  ChannelKind kind() const { return kind_; }

  // A system call's own cost, run before each os.write and os.read (README "Per-call costs").
  using Syscall = std::function<void()>;

  // Bytes a message puts in the pipe: its pickle (payload + pickle_overhead) and length header.
  double wire_bytes(const Message& message) const;
  // `with wlock: send_bytes(pickled)`: returns once every byte is in the pipe.
  void send(int thread, const Message& message, const PipeBuffer::Copy& copy, const Syscall& syscall);
  // `with rlock: recv_bytes()`, up to the length header: blocks until a message starts, or
  // returns false (read lock released) once the pipe is closed.
  bool receive_header(int thread, Message& message, const PipeBuffer::Copy& copy, const Syscall& syscall);
  // The rest of recv_bytes: reads the message's bytes as they arrive (one os.read per chunk the
  // pipe holds), then releases the read lock.
  void receive_body(int thread, const PipeBuffer::Copy& copy, const Syscall& syscall);
  // A writing thread has finished: once every one has and the pipe is empty, it is closed.
  void writer_finished() { buffer_.close_write_end(); }

 private:
  double pickled_bytes(const Message& message) const { return message.bytes + pickle_overhead_; }
  double header_bytes(double pickled) const;
  bool socket() const { return is_socket(kind_); }
  // Connection._recv: read() until `bytes` have arrived; false at end of file before any.
  bool read_exactly(double bytes, const PipeBuffer::Copy& copy, const Syscall& syscall);

  std::string name_;
  ChannelKind kind_;
  double pickle_overhead_;
  ThreadingLock write_lock_;
  ThreadingLock read_lock_;
  PipeBuffer buffer_;
  std::deque<Message> in_flight_;  // messages whose header is written, oldest first
  double body_left_ = 0;           // of the message being received
};

}  // namespace gilsim
