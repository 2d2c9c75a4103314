#pragma once
#include <simgrid/s4u.hpp>

#include "models/machine/Machine.hpp"
#include "models/python/GilConfig.hpp"
#include "sim/trace/Timeline.hpp"
#include "sim/util/Rng.hpp"

namespace gilsim {

// One process's GIL, CPython's "new GIL" (Python/ceval_gil.c, 3.2 to 3.13) ported literally:
//  - take(): a thread that finds the GIL locked waits on `cond_` with a timeout of the switch
//    interval; if it times out and no switch happened meanwhile (switch_number unchanged), it
//    sets the drop request, which the holder sees at its next eval-breaker check.
//  - drop(): unlocks and signals one waiter; if a drop was requested (FORCE_SWITCHING), the
//    dropper waits on `switch_cond_` until another thread has taken the GIL.
// OS effects are explicit parameters: timer slack on timed waits, the latency of a woken thread,
// the holder's eval-breaker latency, and a seeded jitter that breaks timeout ties.
// SimGrid actors run one at a time between simcalls, so a single s4u::Mutex stands for both of
// CPython's mutexes (gil->mutex and gil->switch_mutex) without changing any interleaving.
class Gil {
 public:
  // `stream` picks this GIL's jitter stream (its index among all GILs). A disabled GIL
  // (free-threaded build) lets every take() and drop() through at once.
  Gil(int process, uint64_t stream, const GilConfig& config, uint64_t seed, bool enabled, Machine& machine,
      Timeline& timeline);

  void take(int thread);
  void drop(int thread, bool final_release);

  bool drop_requested() const { return drop_request_; }
  // The holder's interruptible bytecode job, so a drop request can stop it (nullptr: none).
  void set_holder_job(CpuJobPtr job) { holder_job_ = std::move(job); }

 private:
  void request_drop();
  double timed_wait_duration();

  int process_;
  GilConfig config_;
  bool enabled_;
  Rng rng_;
  Machine& machine_;
  Timeline& timeline_;
  simgrid::s4u::MutexPtr mutex_;
  simgrid::s4u::ConditionVariablePtr cond_;
  simgrid::s4u::ConditionVariablePtr switch_cond_;
  bool locked_ = false;
  int last_holder_ = -1;
  uint64_t switch_number_ = 0;
  bool drop_request_ = false;
  CpuJobPtr holder_job_;
};

}  // namespace gilsim
