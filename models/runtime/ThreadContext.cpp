#include "models/runtime/ThreadContext.hpp"

#include <algorithm>
#include <stdexcept>
#include <type_traits>

#include "models/machine/OsThreads.hpp"
#include "models/steps/StepTree.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim {

ThreadContext::ThreadContext(int id, Gil& gil, PythonWorld& world, Rng rng)
    : id_(id),
      gil_(gil),
      world_(world),
      process_(*world.processes[world.timeline.threads[id].process]),
      timeline_(world.timeline),
      speed_(world.scenario.machine.speed),
      bytecode_cost_(world.scenario.runtime.build == PythonBuild::FreeThreaded
                         ? world.scenario.runtime.free_threaded_slowdown
                         : 1.0),
      rng_(rng) {}

void ThreadContext::start() {
  since_ = sg4::Engine::get_clock();
  executions_.assign(timeline_.threads[id_].step_labels.size(), 0);
}

void ThreadContext::run_python(double work) {
  if (work > 0) gil_.run_python(id_, work, [this](ThreadState state) { enter(state); });
}

void ThreadContext::run_bytecode(double seconds, bool eval_breaker) {
  add_work_to_baseline(seconds);  // the baseline is the default build, alone
  if (eval_breaker || seconds <= 0) return run_python(seconds * bytecode_cost_);
  // Holding the GIL, like any other work a holder does outside bytecode (both GIL engines then
  // see a pending drop request when the next bytecode starts, and answer it drop_latency later
  // or at once if that instant has passed).
  enter(ThreadState::Python);
  machine().run(id_, seconds * bytecode_cost_);
}

// Every step kind's run_step is declared in its header (models/steps/<kind>/): a kind without
// one does not build. Kinds whose executions are one step span each are recorded here.
void ThreadContext::run_program(const std::vector<Step>& program, int first_index) {
  int index = first_index;
  for (const Step& step : program) {
    std::visit(
        [&](const auto& action) {
          using Kind = std::decay_t<decltype(action)>;
          if constexpr ((Kind::kTraits.places & kInThread) == 0) {
            throw std::logic_error(std::string("a thread cannot run a '") + Kind::kTraits.kind + "' step");
          } else if constexpr (Kind::kTraits.spans == StepSpans::PerExecution) {
            const double started = begin_step(index);
            run_step(*this, action, index);
            end_step(started);
          } else {
            run_step(*this, action, index);
          }
        },
        step.action);
    index += indices_of(step);
  }
}

void ThreadContext::run_unrecorded(const Step& step) {
  std::visit(
      [&](const auto& action) {
        using Kind = std::decay_t<decltype(action)>;
        if constexpr ((Kind::kTraits.places & kInExecutorCall) != 0)
          run_step(*this, action, kStartStep);
        else
          throw std::logic_error(std::string("a blocking function cannot run a '") + Kind::kTraits.kind + "' step");
      },
      step.action);
}

double ThreadContext::begin_step(int index) {
  step_ = index;
  iteration_ = executions_[index]++;
  return sg4::Engine::get_clock();
}

void ThreadContext::end_step(double started) {
  timeline_.step_spans.push_back({id_, step_, iteration_, started, sg4::Engine::get_clock()});
}

void ThreadContext::cpu_changed(bool running) {
  if (running == !off_cpu_) return;
  off_cpu_ = !running;
  if (off_cpu_) {
    const ThreadState logical = state_;
    enter_now(ThreadState::CpuWait);
    logical_ = logical;
  } else {
    enter_now(logical_);
  }
}

void ThreadContext::blocked_sleep(double seconds) {
  os::block();
  sg4::this_actor::sleep_for(seconds);
  os::wake(WakeKind::Timer, -1, 0);
}

void ThreadContext::blocked_sleep_until(double until) {
  os::block();
  sg4::this_actor::sleep_until(until);
  os::wake(WakeKind::Timer, -1, 0);
}

void ThreadContext::enter(ThreadState state) {
  if (off_cpu_) {
    logical_ = state;
    return;
  }
  enter_now(state);
}

void ThreadContext::enter_now(ThreadState state) {
  if (state == state_ && step_ == open_step_ && iteration_ == open_iteration_) return;
  close_span();
  state_ = state;
  open_step_ = step_;
  open_iteration_ = iteration_;
}

void ThreadContext::close_span() {
  double now = sg4::Engine::get_clock();
  if (now > since_) timeline_.add_span({id_, state_, open_step_, open_iteration_, since_, now});
  flush_clock();
  since_ = now;
}

void ThreadContext::flush_clock() {
  const double now = sg4::Engine::get_clock();
  const double from = std::max(since_, clock_.reported());
  if (now > from) clock_.add(state_, from, now);
}

}  // namespace gilsim
