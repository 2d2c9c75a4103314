#include "models/python/PythonThread.hpp"

#include <algorithm>

namespace sg4 = simgrid::s4u;

namespace gilsim {
namespace {

int subtree_size(const std::vector<Step>& program) {
  int size = 0;
  for (const Step& step : program) {
    ++size;
    if (const auto* repeat = std::get_if<RepeatStep>(&step.action)) size += subtree_size(repeat->body);
  }
  return size;
}

}  // namespace

PythonThread::PythonThread(int id, const ThreadSpec& spec, Gil& gil, ProcessRuntime& process, Machine& machine,
                           Timeline& timeline, const Scenario& scenario, Rng rng)
    : id_(id),
      spec_(spec),
      gil_(gil),
      process_(process),
      machine_(machine),
      timeline_(timeline),
      speed_(scenario.machine.speed),
      bytecode_cost_(scenario.runtime.build == PythonBuild::FreeThreaded ? scenario.runtime.free_threaded_slowdown : 1.0),
      drop_latency_(scenario.runtime.gil.drop_latency),
      rng_(rng) {}

void PythonThread::describe_steps(const std::vector<Step>& program, ThreadInfo& info) {
  static const char* const kKinds[] = {"cpu", "io", "native", "sleep", "repeat", "lock"};
  for (const Step& step : program) {
    info.step_labels.push_back(step.label);
    const auto* lock = std::get_if<LockStep>(&step.action);
    info.step_kinds.push_back(lock && !lock->acquire ? "unlock" : kKinds[step.action.index()]);
    if (const auto* repeat = std::get_if<RepeatStep>(&step.action)) describe_steps(repeat->body, info);
  }
}

void PythonThread::operator()() {
  since_ = sg4::Engine::get_clock();
  executions_.assign(timeline_.threads[id_].step_labels.size(), 0);
  enter(ThreadState::GilWait);
  gil_.take(id_);  // t_bootstrap: a new thread takes the GIL before running Python
  timeline_.step_spans.push_back({id_, kStartStep, 0, since_, sg4::Engine::get_clock()});
  run_program(spec_.program, 0);
  gil_.drop(id_, true);
  close_span();
  timeline_.finish_time[id_] = sg4::Engine::get_clock();
  finished_ = true;
}

void PythonThread::run_program(const std::vector<Step>& program, int first_index) {
  int index = first_index;
  for (const Step& step : program) {
    if (const auto* repeat = std::get_if<RepeatStep>(&step.action)) {
      const int body_size = subtree_size(repeat->body);
      for (int64_t i = 0; i < repeat->count; ++i) run_program(repeat->body, index + 1);
      index += 1 + body_size;
    } else {
      const double started = sg4::Engine::get_clock();
      step_ = index;
      iteration_ = executions_[index]++;
      run_step(step);
      timeline_.step_spans.push_back({id_, step_, iteration_, started, sg4::Engine::get_clock()});
      index += 1;
    }
  }
}

void PythonThread::run_step(const Step& step) {
  double& solo = timeline_.solo_seconds[id_];
  if (const auto* cpu = std::get_if<CpuStep>(&step.action)) {
    solo += cpu->seconds / speed_;  // the baseline is the default build, alone
    run_python(cpu->seconds * bytecode_cost_);
    return;
  }
  if (const auto* lock = std::get_if<LockStep>(&step.action)) {
    run_lock_step(*lock);
    return;
  }
  // Every other step is a call that releases the GIL around a blocking wait or native code
  // (Py_BEGIN_ALLOW_THREADS) and takes it back before returning to bytecode.
  enter(ThreadState::GilWait);
  gil_.drop(id_, false);
  if (const auto* io = std::get_if<IoStep>(&step.action)) {
    double latency = io->latency.sample(rng_);
    solo += latency;
    enter(ThreadState::Io);
    sg4::this_actor::sleep_for(latency);
  } else if (const auto* native = std::get_if<NativeStep>(&step.action)) {
    solo += native->seconds / speed_;
    enter(ThreadState::Native);
    machine_.run_parallel(id_, native->seconds, native->threads);
  } else if (const auto* sleep = std::get_if<SleepStep>(&step.action)) {
    solo += sleep->seconds;
    enter(ThreadState::Sleep);
    sg4::this_actor::sleep_for(sleep->seconds);
  }
  enter(ThreadState::GilWait);
  gil_.take(id_);
}

void PythonThread::run_python(double work) {
  while (work > 0) {
    enter(ThreadState::Python);
    if (!gil_.drop_requested()) {
      CpuJobPtr job = machine_.start(id_, work);
      gil_.set_holder_job(job);
      bool completed = machine_.wait(job);
      gil_.set_holder_job(nullptr);
      if (completed) return;
      work = job->interrupted_work;
    }
    // A drop was requested: the holder runs on until its next eval-breaker check, then yields.
    double tail = std::min(work, drop_latency_ * speed_);
    machine_.run(id_, tail);
    work -= tail;
    yield_gil();
  }
}

void PythonThread::run_lock_step(const LockStep& step) {
  ThreadingLock& lock = process_.lock(step.lock);
  if (!step.acquire) {
    lock.release(id_);  // quick, with the GIL held
    return;
  }
  if (lock.try_acquire(id_)) return;  // uncontended: no GIL release
  // Contended: lock.acquire() releases the GIL while it blocks, and takes it back after.
  enter(ThreadState::GilWait);
  gil_.drop(id_, false);
  enter(ThreadState::LockWait);
  blocked_on_ = "lock '" + step.lock + "' held by " + timeline_.threads[lock.holder()].name;
  lock.acquire_blocking(id_);
  blocked_on_.clear();
  enter(ThreadState::GilWait);
  gil_.take(id_);
}

void PythonThread::yield_gil() {
  enter(ThreadState::GilWait);
  gil_.drop(id_, false);
  gil_.take(id_);
}

void PythonThread::enter(ThreadState state) {
  if (state == state_ && step_ == open_step_ && iteration_ == open_iteration_) return;
  close_span();
  state_ = state;
  open_step_ = step_;
  open_iteration_ = iteration_;
}

void PythonThread::close_span() {
  double now = sg4::Engine::get_clock();
  if (now > since_) timeline_.spans.push_back({id_, state_, open_step_, open_iteration_, since_, now});
  since_ = now;
}

}  // namespace gilsim
