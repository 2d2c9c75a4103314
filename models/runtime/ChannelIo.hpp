#pragma once
#include <functional>
#include <string>

#include "models/ipc/Channel.hpp"
#include "models/ipc/Pipe.hpp"
#include "models/runtime/ThreadContext.hpp"

namespace gilsim {

// Thrown when a thread waits on a channel that can never deliver: the thread stops there and
// the end-of-run check reports it with the other blocked threads.
struct ChannelClosed {
  std::string channel;
};

// A Python thread's side of its channels (README "Channels"): put and get as CPython does them
// for each kind, paying pickling with the GIL held and pipe copies with it released.
class ChannelIo {
 public:
  explicit ChannelIo(ThreadContext& thread) : thread_(thread) {}

  void put(const PutStep& step);
  // Takes the next message (blocking with the GIL released when none is ready) and pays for
  // reading and unpickling it; false when the channel is closed.
  bool receive(const std::string& channel, Message& message);
  // `taken` runs once the message is off the channel, before it is unpickled.
  bool receive(Channel& channel, Message& message, const std::function<void()>& taken = {});
  bool receive(Pipe& pipe, Message& message, const std::function<void()>& taken = {});
  // Throws ChannelClosed when nothing can ever be received.
  void get(const GetStep& step);
  // Sends a pickled message through a pipe (GIL released, blocking while the pipe is full).
  void send(Pipe& pipe, const Message& message);
  // A multiprocessing.Queue's feeder thread: pickles what is buffered and sends it, until the
  // buffer is closed.
  void feed_pipe(Channel& buffer, Pipe& pipe);
  // A finished thread no longer writes to its channels: readers may see them close.
  void finish_writing(const std::vector<Step>& program);

  double pickle_cost(const Message& m) const;
  double unpickle_cost(const Message& m) const;
  // A system call's own cost (os.write, os.read), on a core with the GIL released.
  void run_syscall(double seconds);

 private:
  // Copies of pipe data at `bandwidth`, run on a core by this thread.
  PipeBuffer::Copy copy_at(double bandwidth);

  ThreadContext& thread_;
};

}  // namespace gilsim
