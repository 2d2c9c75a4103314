#include "models/ipc/CompletionQueue.hpp"

#include <cmath>

#include "models/machine/OsThreads.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim {

CompletionQueue::CompletionQueue(double wake_latency)
    : mutex_(sg4::Mutex::create()), changed_(sg4::ConditionVariable::create()), wake_latency_(wake_latency) {}

void CompletionQueue::complete(int task) {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  done_.push_back(task);
  changed_->notify_all();
}

std::deque<int> CompletionQueue::wait_for_completions(double deadline) {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  bool woken = false;
  bool blocked = false;
  while (done_.empty() && sg4::Engine::get_clock() < deadline) {
    if (!blocked) {
      os::block();
      blocked = true;
      continue;  // checked again: the block may let a completion come first
    }
    if (std::isinf(deadline)) changed_->wait(lock);
    else changed_->wait_until(lock, deadline);
    woken = !done_.empty();
  }
  // The selector returns once the OS runs the loop's thread again: woken through its self-pipe
  // by a completion, or by its timer.
  if (woken || (blocked && os::scheduled())) {
    lock.unlock();
    os::wake(woken ? WakeKind::Sync : WakeKind::Timer, -1, woken ? wake_latency_ : 0);
    lock.lock();
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
