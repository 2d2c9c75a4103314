#pragma once
#include <simgrid/s4u.hpp>

#include "models/python/Gil.hpp"

namespace gilsim {

// CPython's "new GIL" (Python/ceval_gil.c, 3.2 to 3.13) ported literally (--gil-model reference):
//  - take(): a thread that finds the GIL locked waits on `cond_` with a timeout of the switch
//    interval; if it times out and no switch happened meanwhile (switch_number unchanged), it
//    sets the drop request, which the holder sees at its next eval-breaker check.
//  - drop(): unlocks and signals one waiter; if a drop was requested (FORCE_SWITCHING), the
//    dropper waits on `switch_cond_` until another thread has taken the GIL.
// OS effects are explicit parameters: timer slack on timed waits, the latency of a woken thread,
// the holder's eval-breaker latency, and per-thread timer offsets that break timeout ties.
// SimGrid actors run one at a time between simcalls, so a single s4u::Mutex stands for both of
// CPython's mutexes (gil->mutex and gil->switch_mutex), taken only around condition waits:
// elsewhere every read-modify-write is atomic already, and a simcall would only let actors
// acting at the same instant interleave differently.
class ReferenceGil final : public Gil {
 public:
  ReferenceGil(int process, uint64_t stream, const GilConfig& config, uint64_t seed, Machine& machine,
               Timeline& timeline);

  void take(int thread) override;
  void drop(int thread, bool final_release) override;
  void yield(int thread) override;
  void run_python(int thread, double work, const StateChange& enter) override;

 private:
  // Runs `work` seconds of the holder's bytecode in a new job. Returns true when done, or false
  // with the work `left` when a drop request stopped it at an eval-breaker check.
  bool run_bytecode(int thread, double work, double& left);
  void request_drop();
  // drop_gil(); `on_request`: the eval breaker answering a drop request (a forced hand-over).
  void release(int thread, bool final_release, bool on_request);
  void take_locked(int thread, bool drop_requested);

  simgrid::s4u::MutexPtr mutex_;
  simgrid::s4u::ConditionVariablePtr cond_;
  simgrid::s4u::ConditionVariablePtr switch_cond_;
  bool locked_ = false;
  int last_holder_ = -1;
  uint64_t switch_number_ = 0;
  bool drop_request_ = false;
  int cond_waiters_ = 0;    // threads in a timed wait on cond_
  int switch_waiters_ = 0;  // droppers waiting on switch_cond_
  int waiting_holder_ = -1;  // the holder, while it waits on its bytecode job
  int signaller_ = -1;       // the thread whose drop() last signalled cond_
  double request_time_ = 0;  // when the pending drop request was set
};

}  // namespace gilsim
