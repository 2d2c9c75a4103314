#pragma once
#include <vector>

#include <simgrid/s4u.hpp>

namespace gilsim {

// Wakes an actor that waits on its CPU job without touching the job. Cancelling the job would
// throw in the waiter, and every SimGrid exception captures a backtrace (~7 us): the fast GIL
// engine rings instead. The bell is a 1-flop exec kept suspended on an infinitely fast host, so
// resuming it completes it at the same simulated instant. The bell belongs to the actor that
// armed it, and SimGrid resumes every activity of an actor that is resumed after
// Actor::suspend(): an actor with an armed bell must park on something else (a semaphore).
class Doorbell {
 public:
  explicit Doorbell(simgrid::s4u::Host* host) : host_(host) {}

  // The activity to wait on beside the job; creates it if the last one was answered.
  const simgrid::s4u::ExecPtr& arm();
  void ring();
  // The wait returned because of the bell: the next wait needs a new one.
  void answered();
  void disarm();
  // {job, bell} for Exec::wait_any_for, reusing this thread's vector (no allocation per wait).
  const std::vector<simgrid::s4u::ExecPtr>& with(const simgrid::s4u::ExecPtr& job);

 private:
  simgrid::s4u::Host* host_;
  simgrid::s4u::ExecPtr exec_;
  bool rung_ = false;
  std::vector<simgrid::s4u::ExecPtr> waitset_;
};

}  // namespace gilsim
