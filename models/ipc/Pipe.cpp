#include "models/ipc/Pipe.hpp"

#include <stdexcept>

namespace gilsim {
namespace {

// Connection._send_bytes: a message above this size is written after its header, in a second
// write; smaller ones are concatenated with it (one write).
constexpr double kConcatenatedUpTo = 16384;
constexpr double kLargeMessage = 0x7fffffff;  // above: a 4-byte -1, then an 8-byte length

void acquire(ThreadingLock& lock, int thread) {
  if (!lock.try_acquire(thread)) lock.acquire_blocking(thread);
}

// A socket's recv: the call's cost, then the copy of what it returns (both after any wake-up).
PipeBuffer::Copy after_call(const PipeBuffer::Copy& copy, const Pipe::Syscall& syscall) {
  return [&copy, &syscall](double bytes) {
    syscall();
    copy(bytes);
  };
}

}  // namespace

Pipe::Pipe(std::string name, ChannelKind kind, int writers, const IpcConfig& ipc)
    : name_(std::move(name)),
      kind_(kind),
      pickle_overhead_(is_socket(kind) ? 0 : ipc.pickle_overhead),
      write_lock_(name_ + " wlock", ipc.wakeup(kind)),
      read_lock_(name_ + " rlock", ipc.wakeup(kind)),
      buffer_(is_socket(kind) ? ipc.socket(kind).buffer : ipc.pipe_buffer, ipc.wakeup(kind), writers) {}

double Pipe::header_bytes(double pickled) const {
  if (socket()) return 0;
  return pickled > kLargeMessage ? 12 : 4;
}

double Pipe::wire_bytes(const Message& message) const {
  const double pickled = pickled_bytes(message);
  return header_bytes(pickled) + pickled;
}

// One os.write per buffer_.write: a blocking write to a pipe returns once all of its bytes are in.
void Pipe::send(int thread, const Message& message, const PipeBuffer::Copy& copy, const Syscall& syscall) {
  if (socket()) {  // sock.sendall: no lock, one call (a message longer than the buffer streams through it)
    // The loader refuses empty socket messages: a 0-byte read would look like end of file.
    if (message.bytes < 1) throw std::logic_error("socket channel '" + name_ + "': a message of less than 1 byte");
    in_flight_.push_back(message);
    syscall();
    buffer_.write(message.bytes, copy);
    return;
  }
  acquire(write_lock_, thread);
  in_flight_.push_back(message);  // its header is the next thing readers find
  const double pickled = pickled_bytes(message);
  const double header = header_bytes(pickled);
  if (pickled > kConcatenatedUpTo) {
    syscall();
    buffer_.write(header, copy);
    syscall();
    buffer_.write(pickled, copy);
  } else {
    syscall();
    buffer_.write(header + pickled, copy);
  }
  write_lock_.release(thread);
}

// Connection._recv: os.read until `bytes` have arrived, each read returning what the pipe holds.
bool Pipe::read_exactly(double bytes, const PipeBuffer::Copy& copy, const Syscall& syscall) {
  while (bytes > 0) {
    syscall();
    const double got = buffer_.read(bytes, copy);
    if (got == 0) return false;
    bytes -= got;
  }
  return true;
}

bool Pipe::receive_header(int thread, Message& message, const PipeBuffer::Copy& copy, const Syscall& syscall) {
  acquire(read_lock_, thread);
  if (socket()) {
    // sock.recv: what has arrived of the oldest message (the rest in receive_body). Its cost runs
    // once bytes are there, before the copy: a blocked recv dequeues and copies after its wake-up.
    const double got = buffer_.read([&] { return in_flight_.front().bytes; }, after_call(copy, syscall));
    if (got == 0) {
      read_lock_.release(thread);
      return false;
    }
    message = in_flight_.front();
    in_flight_.pop_front();
    body_left_ = message.bytes - got;
    return true;
  }
  if (!read_exactly(4, copy, syscall)) {  // end of file: every writer has finished and nothing is left
    read_lock_.release(thread);
    return false;
  }
  // The previous reader read its whole message under the lock: these bytes start the oldest
  // message in flight.
  message = in_flight_.front();
  in_flight_.pop_front();
  const double pickled = pickled_bytes(message);
  body_left_ = header_bytes(pickled) - 4 + pickled;
  return true;
}

void Pipe::receive_body(int thread, const PipeBuffer::Copy& copy, const Syscall& syscall) {
  if (socket()) {  // one sock.recv per arrival, each paid once its bytes are there
    for (double left = body_left_; left > 0;) {
      const double got = buffer_.read(left, after_call(copy, syscall));
      if (got == 0) break;
      left -= got;
    }
  } else {
    read_exactly(body_left_, copy, syscall);
  }
  body_left_ = 0;
  read_lock_.release(thread);
}

}  // namespace gilsim
