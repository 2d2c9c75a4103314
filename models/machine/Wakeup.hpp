#pragma once
#include <mutex>

#include <simgrid/s4u.hpp>

#include "models/machine/OsThreads.hpp"

namespace gilsim {

// A blocked thread does not run at the instant it is woken: the OS takes a while to schedule it
// (a futex wake-up, an idle CPU leaving its sleep state). This is the one place where a thread
// blocked on a condition pays that delay, so the scheduler model has one place to land.
//
// Waits on `cond` (with `lock` held) until `ready()`. The kernel wakes the thread only for a
// change that satisfies it. If it had to block, it runs again once the OS schedules it: under
// fair sharing `latency(seconds blocked)` later, under the EEVDF model when its CPU is given to
// it (a `kind` wake-up by `*waker`, read once woken). If `ready()` no longer holds then (another thread took what
// it waited for meanwhile), it blocks again. Returns with `lock` held and `ready()` true.
template <class Ready, class Latency>
void block_then_wake(std::unique_lock<simgrid::s4u::Mutex>& lock, simgrid::s4u::ConditionVariable& cond,
                     Ready ready, Latency latency, WakeKind kind = WakeKind::Task, const int* waker = nullptr) {
  while (!ready()) {
    const double since = simgrid::s4u::Engine::get_clock();
    os::block();
    while (!ready()) cond.wait(lock);  // checked again: the block may let a notifier run first
    lock.unlock();
    os::wake(kind, waker ? *waker : -1, latency(simgrid::s4u::Engine::get_clock() - since));
    lock.lock();
  }
}

}  // namespace gilsim
