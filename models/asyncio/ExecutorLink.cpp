#include "models/asyncio/ExecutorLink.hpp"

#include <cmath>

namespace sg4 = simgrid::s4u;

namespace gilsim {

ExecutorLink::ExecutorLink()
    : work_("executor", ChannelKind::Queue, 1),
      mutex_(sg4::Mutex::create()),
      changed_(sg4::ConditionVariable::create()) {}

void ExecutorLink::complete(int task) {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  done_.push_back(task);
  changed_->notify_all();
}

std::deque<int> ExecutorLink::wait_for_completions(double deadline) {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  while (done_.empty() && sg4::Engine::get_clock() < deadline) {
    if (std::isinf(deadline)) changed_->wait(lock);
    else changed_->wait_until(lock, deadline);
  }
  std::deque<int> done;
  done.swap(done_);
  return done;
}

std::deque<int> ExecutorLink::take_completions() {
  std::deque<int> done;
  done.swap(done_);
  return done;
}

}  // namespace gilsim
