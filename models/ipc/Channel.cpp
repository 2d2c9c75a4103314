#include "models/ipc/Channel.hpp"

#include "models/machine/OsThreads.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim {

Channel::Channel(std::string name, ChannelKind kind, int writers)
    : name_(std::move(name)),
      kind_(kind),
      writers_(writers),
      mutex_(sg4::Mutex::create()),
      changed_(sg4::ConditionVariable::create()) {}

void Channel::deliver(const Message& message) {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  messages_.push_back(message);
  waker_ = os::current_thread();
  changed_->notify_one();
}

bool Channel::receive(Message& out) {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  if (messages_.empty() && writers_ > 0) {
    os::block();
    while (messages_.empty() && writers_ > 0) changed_->wait(lock);
    if (os::scheduled()) {  // a threading.Condition: the putter's futex wake-up
      lock.unlock();
      os::wake(WakeKind::Task, waker_, 0);
      lock.lock();
    }
  }
  if (messages_.empty()) return false;
  out = messages_.front();
  messages_.pop_front();
  return true;
}

bool Channel::try_receive(Message& out) {
  if (messages_.empty()) return false;
  out = messages_.front();
  messages_.pop_front();
  return true;
}

void Channel::writer_finished() {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  if (--writers_ == 0) changed_->notify_all();
}

}  // namespace gilsim
