#pragma once
#include <string>
#include <vector>

#include "models/machine/Machine.hpp"
#include "models/python/Gil.hpp"
#include "models/runtime/StateClock.hpp"
#include "models/runtime/PythonWorld.hpp"
#include "models/steps/Step.hpp"
#include "sim/timeline/Timeline.hpp"
#include "sim/util/Rng.hpp"

namespace gilsim {

// What a step executor (models/steps/<kind>/<Kind>Executor.cpp), an event loop and a process
// pool's roles may do on the Python thread that runs them: run Python under the GIL, wait with
// the GIL released, record the thread's states and step spans, and name what it is blocked on
// for deadlock reports. PythonThread is the SimGrid actor that owns one.
class ThreadContext {
 public:
  ThreadContext(int id, Gil& gil, PythonWorld& world, Rng rng);

  int id() const { return id_; }
  int process_index() const { return timeline_.threads[id_].process; }
  PythonWorld& world() { return world_; }
  const RuntimeConfig& runtime() const { return world_.scenario.runtime; }
  Machine& machine() { return world_.machine; }
  ProcessRuntime& process() { return process_; }
  Timeline& timeline() { return timeline_; }
  Gil& gil() { return gil_; }
  // The random stream of the thread, or of the request it handles (use_rng): a request's draws
  // are then the same whichever thread serves it (common random numbers).
  Rng& rng() { return request_rng_ ? *request_rng_ : rng_; }
  void use_rng(Rng* request_rng) { request_rng_ = request_rng; }
  // Time per state so far, up to the last flush or state change (flush_clock: up to now).
  StateClock& clock() { return clock_; }
  void flush_clock();

  // Runs `work` seconds of bytecode holding the GIL (preempted at drop requests).
  void run_python(double work);
  // A cpu step's bytecode: counted in the sequential baseline at the machine's speed, and run
  // slower on the free-threaded build. Without `eval_breaker` checks in it, the holder runs it
  // to the end whatever drop request comes meanwhile; its next bytecode answers the request.
  void run_bytecode(double seconds, bool eval_breaker = true);
  // Adds wall time (`seconds`) to the sequential baseline: the same work run alone.
  void add_to_baseline(double seconds) { timeline_.solo_seconds[id_] += seconds; }
  // ... or work, which a core of the machine's speed runs faster.
  void add_work_to_baseline(double work) { add_to_baseline(work / speed_); }
  double bytecode_cost() const { return bytecode_cost_; }

  // Leaves the GIL while blocked in `state` (Py_BEGIN_ALLOW_THREADS ... END) around `wait`.
  template <class Wait>
  void without_gil(ThreadState state, Wait wait) {
    enter(ThreadState::GilWait);
    gil_.drop(id_, false);
    enter(state);
    wait();
    enter(ThreadState::GilWait);
    gil_.take(id_);
  }

  // The thread's state from now on (a new span when it or the step changes). While the thread
  // waits for a CPU (EEVDF scheduler) its spans are cpu-wait, and the state applies once it runs.
  void enter(ThreadState state);
  // The scheduler gave the thread a CPU, or took it away while it could run.
  void cpu_changed(bool running);
  // A blocking wait of `seconds` (time.sleep, an I/O call) that ends with a timer wake-up.
  void blocked_sleep(double seconds);
  void blocked_sleep_until(double until);
  void close_span();
  // Step `index` begins (its execution count advances); returns the time. end_step records it.
  double begin_step(int index);
  void end_step(double started);

  // Runs a program whose first step has step index `first_index`.
  void run_program(const std::vector<Step>& program, int first_index);
  // Runs one leaf step without recording it as a step (a ThreadPoolExecutor call's work).
  void run_unrecorded(const Step& step);

  // What the thread is blocked on, for deadlock reports ("" when not blocked on something named).
  const std::string& blocked_on() const { return blocked_on_; }
  void set_blocked_on(std::string what) { blocked_on_ = std::move(what); }
  void clear_blocked_on() { blocked_on_.clear(); }

  // The thread begins at the current time (its first span starts here); sizes its step counters.
  void start();

 private:
  void enter_now(ThreadState state);

  int id_;
  Gil& gil_;
  PythonWorld& world_;
  ProcessRuntime& process_;
  Timeline& timeline_;
  double speed_;
  double bytecode_cost_;  // work multiplier of Python bytecode (free-threaded build > 1)
  Rng rng_;
  Rng* request_rng_ = nullptr;
  StateClock clock_;
  // The step being executed (kStartStep before the first), and the span open since `since_`.
  int step_ = kStartStep;
  int64_t iteration_ = 0;
  std::vector<int64_t> executions_;  // per step index: times executed so far
  ThreadState state_ = ThreadState::GilWait;
  ThreadState logical_ = ThreadState::GilWait;  // the state to show once it runs again
  bool off_cpu_ = false;
  int open_step_ = kStartStep;
  int64_t open_iteration_ = 0;
  double since_ = 0;
  std::string blocked_on_;
};

}  // namespace gilsim
