#pragma once
#include <cstdint>
#include <functional>
#include <unordered_map>

#include "models/machine/Machine.hpp"
#include "sim/scenario/GilConfig.hpp"
#include "sim/timeline/Timeline.hpp"

namespace gilsim {

// One interpreter's GIL as its Python threads see it. Two engines implement CPython's "new GIL"
// protocol (Python/ceval_gil.c) with identical timelines (tests/sim/test_gil_models_agree.cpp):
// ReferenceGil, a literal port on actors and condition variables, and FastGil, an event-driven
// state machine that only wakes the threads whose state changes. NoGil is the free-threaded build.
class Gil {
 public:
  // `stream` is this GIL's index among all GILs: it picks its threads' timer offsets.
  Gil(int process, uint64_t stream, const GilConfig& config, uint64_t seed, Machine& machine, Timeline& timeline)
      : process_(process), stream_(stream), config_(config), seed_(seed), machine_(machine), timeline_(timeline) {}
  virtual ~Gil() = default;
  Gil(const Gil&) = delete;
  Gil& operator=(const Gil&) = delete;

  // take_gil(): returns holding the GIL.
  virtual void take(int thread) = 0;
  // drop_gil(): before a blocking call (FORCE_SWITCHING applies) or at thread exit (final).
  virtual void drop(int thread, bool final_release) = 0;
  // The eval breaker's answer to a drop request: drop_gil() then take_gil().
  virtual void yield(int thread) = 0;
  // Tells a thread which state it is in while it runs bytecode: Python, or GilWait during a yield.
  using StateChange = std::function<void(ThreadState)>;
  // Runs `work` seconds of bytecode from start to end, holding the GIL: at each drop request the
  // holder yields (drop_gil() then take_gil()) and goes on where it stopped.
  virtual void run_python(int thread, double work, const StateChange& enter) = 0;
  void thread_exits(int thread);

 protected:
  // Every timed wait lasts the switch interval plus the timer slack. The first wait of a chain
  // (a take_gil() that finds the GIL locked, or a woken waiter that finds it taken again) lasts
  // longer by a seeded offset below `tie_jitter`, fixed per thread: chains that began together
  // never time out at the same instant, which would otherwise let the engine's event order pick
  // the winner. A chain begun at `t` thus ends its waits at (t + entry_offset) + k × period.
  double wait_period() const { return config_.switch_interval + config_.timer_slack; }
  double entry_offset(int thread) const;
  // The latency of a woken thread, plus its own offset below `tie_jitter` for the same reason:
  // a wake-up must not coincide with an I/O completion by the arithmetic of round numbers.
  double wakeup_latency(int thread) const;
  // A take by `thread` at `at` after another holder: CPython's gil->switch_number, and the
  // hand-over from the thread that dropped the GIL last (none before the first take).
  void count_switch(int thread, double at);
  // take_gil() begins for `thread` at `at`: the wait a hand-over to it reports starts there.
  void take_begins(int thread, double at) { take_began_[thread] = at; }
  // drop_gil() by the holder `thread` at `at`; `forced` when its eval breaker answers a drop
  // request (yield), not for a blocking call or an exit.
  void dropped(int thread, double at, bool forced) {
    dropper_ = thread;
    dropped_at_ = at;
    dropped_forced_ = forced;
  }
  // What the holder waits on beside its bytecode job, so a drop request can reach it.
  Doorbell& doorbell(int thread);
  // The holder noticed a drop request at `noticed_at` (its request, or the start of its
  // bytecode if it was busy elsewhere): it runs on to its next eval-breaker check, drop_latency
  // later, unless the job ends first. Returns true if it reached the check with work left (the
  // job still runs: the caller stops or pauses it), false if the job completed.
  bool reach_eval_breaker(const CpuJobPtr& job, double noticed_at);
  // The holder, running bytecode, learnt of a drop request set at `at`: it drops at its next
  // eval-breaker check, drop_latency later.
  void notice_drop_request(double at) {
    if (eval_breaker_at_ < 0) eval_breaker_at_ = at + config_.drop_latency;
  }
  // The GIL was dropped: the next drop request starts a new eval-breaker countdown.
  void forget_eval_breaker() { eval_breaker_at_ = -1; }

  int process_;
  uint64_t stream_;
  GilConfig config_;
  uint64_t seed_;
  Machine& machine_;
  Timeline& timeline_;

 private:
  std::unordered_map<int, Doorbell> doorbells_;
  std::unordered_map<int, double> take_began_;  // per thread: when its latest take_gil() began
  int dropper_ = -1;  // the thread that dropped the GIL last (-1: never dropped)
  double dropped_at_ = 0;
  bool dropped_forced_ = false;
  double eval_breaker_at_ = -1;  // when the holder drops for the pending request (-1: not known)
};

}  // namespace gilsim
