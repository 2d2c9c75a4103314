#pragma once
#include <deque>
#include <vector>
#include <string>

#include <simgrid/s4u.hpp>

#include "sim/scenario/ChannelKind.hpp"

namespace gilsim {


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
  int waker_ = -1;  // the thread that last delivered a message
  std::deque<Message> messages_;
  simgrid::s4u::MutexPtr mutex_;
  simgrid::s4u::ConditionVariablePtr changed_;
};

}  // namespace gilsim
