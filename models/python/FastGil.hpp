#pragma once
#include <unordered_map>
#include <vector>

#include <simgrid/s4u.hpp>

#include "models/python/Gil.hpp"
#include "models/python/WaiterRing.hpp"

namespace gilsim {

// CPython's "new GIL" as an event-driven state machine (--gil-model fast, the default). It
// computes what ReferenceGil's actors would do instead of letting them do it:
//  - A waiter's timed waits form a chain ending at chain + k × period. A timeout matters only if
//    no switch happened since its wait began (it sets the drop request) or if the GIL is
//    unlocked (the waiter takes it); every other timeout just re-queues the waiter. Since every
//    chain has the same period, the waiters are kept in a ring ordered by phase (WaiterRing) and
//    each of these questions is answered in O(log n) when it is asked, never per timeout.
//  - Time is cut into epochs at each switch (a take by another thread). In an epoch, a waiter's
//    first wait that counts is the one begun after the switch; the drop request comes when the
//    earliest of them ends, and which waiters set it (CPython's per-call `drop_requested`) is
//    settled when the epoch ends.
//  - The holder waits on its bytecode job with a deadline: the epoch's drop request. A thread
//    arriving with an earlier one rings the holder's doorbell.
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
  FastGil(int process, uint64_t stream, const GilConfig& config, uint64_t seed, Machine& machine, Timeline& timeline);

  void take(int thread) override;
  void drop(int thread, bool final_release) override;
  void yield(int thread) override;
  void run_python(int thread, double work, const StateChange& enter) override;

 private:
  enum class Status {
    Outside,     // not in take_gil() (running, in a blocking call, or not started)
    Holder,      // granted the GIL
    Queued,      // in a chain of timed waits (in one of the rings)
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
    double entry = 0;           // when its chain of waits began (its place in the FIFO)
    double chain = 0;           // entry + entry_offset: its waits end at chain + k x period
    uint64_t chain_switch = 0;  // switch_number_ when the chain began (new in that epoch)
    uint64_t order = 0;         // chains begun at the same instant queue in call order
    double entry_offset = 0;
    double wakeup_latency = 0;
  };
  struct PendingEntry {
    int thread;
    double at;
  };

  ThreadSlot& slot(int thread);
  bool chain_is_new(const ThreadSlot& s) const { return s.chain_switch == switch_number_; }
  WaiterRing& ring_of(const ThreadSlot& s) { return chain_is_new(s) ? new_waiters_ : old_waiters_; }
  bool has_waiters() const { return !old_waiters_.empty() || !new_waiters_.empty(); }
  // The earliest end of any waiter's wait strictly after `t`.
  WaiterRing::End earliest_end_after(double t) const;
  // While the GIL is unlocked: the earliest timeout since it was, which takes it.
  const WaiterRing::End& first_timeout_since_unlock();
  // When the waiter's first wait that counts in this epoch ends: the first wait of a chain
  // begun in the epoch, else the wait begun at the first end after the epoch's switch.
  double counting_end(const ThreadSlot& s) const;
  // The epoch's drop request, if it has not been made yet: the earliest counting end.
  double epoch_request();
  // Invalidates the answers above, which hold until a waiter comes or goes, or an epoch ends.
  void waiters_changed() { ++waiters_version_; }
  // Applies every event up to `now` in time order.
  void advance(double now);
  // A switch ends the epoch: waiters whose counting wait ended by then set the drop request.
  void close_epoch(double at);
  void grant(int thread, double at);
  // Begins a chain of timed waits at `at`.
  void begin_chain(int thread, double at);
  // A thread that finds the GIL locked at `now` begins waiting; the holder learns if the drop
  // request now comes earlier.
  void enqueue(int thread, double now);
  // Takes a waiter out of its ring at `now`, noting whether it set the drop request before.
  void dequeue(int thread, double now, bool ended_now);
  // drop_gil() up to FORCE_SWITCHING: unlock, signal the FIFO's first waiter.
  void unlock_and_signal(double now);
  // The condition variable's first waiter: the one whose current wait began first.
  int first_in_line(double now) const;
  // The earliest instant a waiter's timeout will set the drop request, if nothing changes.
  double next_drop_request();
  // While the GIL is unlocked: the earliest timeout or pending entry, which takes it.
  double next_take();
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
  double epoch_start_ = 0;   // when the latest switch happened
  bool epoch_requested_ = false;  // the epoch's drop request has been made
  double unlocked_at_ = 0;   // when the GIL was last unlocked
  uint64_t next_order_ = 0;
  // Cached answers, valid while their version equals waiters_version_.
  uint64_t waiters_version_ = 1;
  uint64_t request_version_ = 0;
  double request_cache_ = 0;
  uint64_t timeout_version_ = 0;
  WaiterRing::End timeout_cache_;
  int switch_waiter_ = -1;
  bool holder_waiting_ = false;  // the holder waits on its job until holder_deadline_
  double holder_deadline_ = 0;
  WaiterRing old_waiters_;  // chains begun before the latest switch
  WaiterRing new_waiters_;  // chains begun since
  std::vector<PendingEntry> pending_;
  std::unordered_map<int, ThreadSlot> slots_;
  std::vector<int> to_resume_;  // threads to resume at the next flush(), in order
  std::size_t resumed_ = 0;     // how many of to_resume_ flush() has resumed
  bool ring_holder_ = false;
};

}  // namespace gilsim
