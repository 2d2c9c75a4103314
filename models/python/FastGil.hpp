#pragma once
#include <unordered_map>
#include <vector>

#include <simgrid/s4u.hpp>

#include "models/python/Gil.hpp"

namespace gilsim {

// CPython's "new GIL" as an event-driven state machine (--gil-model fast, the default). It
// computes what ReferenceGil's actors would do instead of letting them do it:
//  - A waiter's timed waits are a chain (entry, entry + timed_wait, ...) advanced lazily, in
//    the same floating-point steps as the reference's successive waits. A timeout matters only
//    if no switch happened since its wait began (it sets the drop request) or if the GIL is
//    unlocked (the waiter takes it); every other timeout just re-queues the waiter.
//  - The holder waits on its bytecode job with a deadline: the earliest timeout that will set
//    the drop request. A thread arriving with an earlier one rings the holder's doorbell.
//  - While the GIL is unlocked, the signalled waiter (awake during its wake-up latency) watches
//    for other waiters' timeouts, which take the GIL in the reference.
//  - A holder yielding to a drop request sleeps until it is granted the GIL: its re-entry into
//    take_gil() one wake-up latency after the switch is a pending entry, not an actor wake-up.
//  - A yielding holder's bytecode job is paused, not cancelled, and resumed when it holds the
//    GIL again: no exec is created or destroyed per hand-over.
// Threads parked in the GIL wait on their own semaphore (not Actor::suspend(), which would
// also resume the thread's paused job and armed doorbell when it wakes it). State changes are
// applied first and the resulting wake-ups flushed after, since any simcall lets other actors run.
class FastGil final : public Gil {
 public:
  using Gil::Gil;

  void take(int thread) override;
  void drop(int thread, bool final_release) override;
  void yield(int thread) override;
  void run_python(int thread, double work, const StateChange& enter) override;

 private:
  enum class Status {
    Outside,     // not in take_gil() (running, in a blocking call, or not started)
    Holder,      // granted the GIL
    Queued,      // in a timed wait (see waiters_)
    Waking,      // signalled, runs at wake_at (its actor sleeps until then, watching)
    Pending,     // a yielder that re-enters take_gil() at wake_at (see pending_)
    Entering,    // a pending yielder made an actor again: sleeps until wake_at, then takes
    SwitchWait,  // dropped on request, waits for another thread to take the GIL
    Released,    // that switch happened: sleeps the wake-up latency, then returns from drop()
  };
  struct ThreadSlot {
    simgrid::s4u::SemaphorePtr parking;  // released to wake the parked thread
    Status status = Status::Outside;
    bool yields = false;     // in SwitchWait from yield(): re-enters take_gil() when released
    bool requested = false;  // set the drop request during this take_gil() (CPython's local)
    double wake_at = 0;
    double timed_wait = 0;
    double wakeup_latency = 0;
  };
  struct Waiter {
    int thread;
    double entry;    // when its current timed wait began
    double timeout;  // entry + timed_wait
    double timed_wait;
    uint64_t entry_switch;  // switch_number_ when it began
    uint64_t order;         // entry order, for the condition variable's FIFO
  };
  struct PendingEntry {
    int thread;
    double at;
  };

  ThreadSlot& slot(int thread);
  // Applies every waiter event up to `now` in time order.
  void advance(double now);
  void grant(int thread, double at);
  void enqueue(int thread, double now);
  // drop_gil() up to FORCE_SWITCHING: unlock, signal the FIFO's first waiter.
  void unlock_and_signal(double now);
  // Recomputes the summaries of the waiters below if a waiter left.
  void refresh();
  // The earliest instant a waiter's timeout will set the drop request, if nothing changes.
  double next_drop_request();
  // The earliest timeout or pending entry: advance() has nothing to do before it.
  double next_event();
  // Runs the holder's job until it completes (true) or until the eval-breaker check that
  // answers a drop request, where the job is paused (false).
  bool run_until_drop_request(int thread, const CpuJobPtr& job);
  // Parks the calling thread until it holds the GIL, running its signalled wake-ups.
  void wait_for_grant(int thread);
  // Blocks the calling thread until resume_later() and flush() wake it.
  void park(ThreadSlot& s) { s.parking->acquire(); }
  void resume_later(int thread);
  void flush();

  bool locked_ = false;
  int holder_ = -1;
  int last_holder_ = -1;
  uint64_t switch_number_ = 0;
  bool drop_request_ = false;
  double request_time_ = 0;  // when the pending drop request was set
  int switch_waiter_ = -1;
  bool holder_waiting_ = false;  // the holder waits on its job until holder_deadline_
  double holder_deadline_ = 0;
  uint64_t next_order_ = 0;
  std::vector<Waiter> waiters_;
  // Summaries of waiters_, valid unless stale_ (a waiter left): recomputed in one pass when
  // needed, updated in place when a waiter arrives or a switch happens.
  bool stale_ = true;
  double waiters_event_ = 0;            // the earliest timeout
  double waiters_request_ = 0;          // the earliest timeout that will set the drop request
  double waiters_rearmed_request_ = 0;  // the same if a switch happened now
  int first_in_line_ = -1;              // the condition variable's first waiter (index)
  std::vector<PendingEntry> pending_;
  std::unordered_map<int, ThreadSlot> slots_;
  std::vector<int> to_resume_;  // threads to resume at the next flush(), in order
  bool ring_holder_ = false;
};

}  // namespace gilsim
