#include "models/asyncio/CompletionQueue.hpp"

#include <cmath>

namespace sg4 = simgrid::s4u;

namespace gilsim {

CompletionQueue::CompletionQueue() : mutex_(sg4::Mutex::create()), changed_(sg4::ConditionVariable::create()) {}

void CompletionQueue::complete(int task) {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  done_.push_back(task);
  changed_->notify_all();
}

std::deque<int> CompletionQueue::wait_for_completions(double deadline) {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  while (done_.empty() && sg4::Engine::get_clock() < deadline) {
    if (std::isinf(deadline)) changed_->wait(lock);
    else changed_->wait_until(lock, deadline);
  }
  std::deque<int> done;
  done.swap(done_);
  return done;
}

std::deque<int> CompletionQueue::take_completions() {
  std::deque<int> done;
  done.swap(done_);
  return done;
}

}  // namespace gilsim
