#pragma once
#include <deque>
#include <vector>
#include <string>

#include <simgrid/s4u.hpp>

namespace gilsim {

// How a channel moves a message, which decides who pays what:
//  - Queue: queue.Queue between threads of one process: the object itself, no copy.
//  - Pipe: multiprocessing Connection/SimpleQueue: the writer pickles and sends the bytes
//    through an OS pipe (models/ipc/Pipe: GIL released); the reader copies them out, unpickles.
//  - MpQueue: multiprocessing.Queue: put() only buffers; the process's feeder thread pickles
//    and sends through an OS pipe (competing for the GIL); the reader copies out, unpickles.
//  - InterpreterQueue: between sub-interpreters of a process: pickled and unpickled, no pipe.
enum class ChannelKind { Queue, Pipe, MpQueue, InterpreterQueue };
const char* channel_kind_name(ChannelKind kind);

struct Step;

struct Message {
  double bytes = 0;
  double objects = 0;
  const std::vector<Step>* work = nullptr;  // an executor work item: the steps to run
  int task = -1;                             // ... for this asyncio task
};

// The messages in flight on one in-process channel (queue.Queue, an interpreter queue, a
// multiprocessing.Queue's feeder buffer, an executor's work queue), and when it is closed: every
// thread that puts to it has finished and nothing is left, so readers can stop. Pipes between
// processes are models/ipc/Pipe.
class Channel {
 public:
  Channel(std::string name, ChannelKind kind, int writers);

  const std::string& name() const { return name_; }
  ChannelKind kind() const { return kind_; }

  void deliver(const Message& message);  // the message is now readable
  // Blocks until a message is readable or the channel is closed; false when closed.
  bool receive(Message& out);
  bool try_receive(Message& out);  // never blocks
  void writer_finished();  // one putting thread is done with the channel

 private:
  std::string name_;
  ChannelKind kind_;
  int writers_;
  std::deque<Message> messages_;
  simgrid::s4u::MutexPtr mutex_;
  simgrid::s4u::ConditionVariablePtr changed_;
};

}  // namespace gilsim
