#include "models/machine/CpuScheduler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <simgrid/Exception.hpp>

#include "models/machine/ExecPause.hpp"
#include "models/machine/KernelCall.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim {

CpuScheduler::CpuScheduler(const MachineConfig& config, Timeline& timeline, std::vector<sg4::Host*> hosts,
                           const std::vector<std::vector<int>>& allowed, double lag_tolerance)
    : config_(config),
      timeline_(timeline),
      hosts_(std::move(hosts)),
      core_(config.scheduler, config.cores, config.smt),
      idle_since_(static_cast<std::size_t>(config.logical_cpus()), 0.0),
      span_start_(static_cast<std::size_t>(config.logical_cpus()), 0.0),
      running_jobs_(static_cast<std::size_t>(config.cores), 0),
      ticker_mutex_(sg4::Mutex::create()),
      ticker_wake_(sg4::ConditionVariable::create()) {
  core_.set_lag_tolerance(lag_tolerance);
  for (std::size_t t = 0; t < allowed.size(); ++t) {
    core_.add_task(allowed[t]);
    tasks_.push_back({static_cast<int>(t), nullptr, false, sg4::Semaphore::create(0), false, 0, nullptr});
  }
  sg4::Actor::create("scheduler tick", hosts_.front(), [this] { ticker(); })->daemonize();
}

int CpuScheduler::add_internal_task(int owner) {
  // Native threads and a booting child run where their owner may.
  const int task = core_.add_task(owner >= 0 ? core_.allowed(owner) : std::vector<int>{});
  tasks_.push_back({owner, nullptr, false, sg4::Semaphore::create(0), false, 0, nullptr});
  return task;
}

void CpuScheduler::start_thread(int task, int parent) { wake(task, WakeKind::Fork, parent); }

void CpuScheduler::block(int task) {
  in_kernel([&] { apply(core_.block(task, sg4::Engine::get_clock())); });
}

void CpuScheduler::wake(int task, WakeKind kind, int waker) {
  TaskState& s = tasks_[static_cast<std::size_t>(task)];
  s.waiting = true;
  in_kernel([&] {
    apply(core_.wake(task, sg4::Engine::get_clock(), kind, waker));
    if (s.listener && core_.waiting(task)) s.listener(false);  // queued behind another task
  });
  await_dispatch(task);
}

void CpuScheduler::exit(int task) {
  in_kernel([&] { apply(core_.exit(task, sg4::Engine::get_clock())); });
}

void CpuScheduler::await_dispatch(int task) {
  TaskState& s = tasks_[static_cast<std::size_t>(task)];
  for (;;) {
    s.dispatch->acquire();
    if (s.latency > 0) sg4::this_actor::sleep_for(s.latency);
    // Preempted before it could run: it waits for the CPU again.
    const bool ready = in_kernel([&] {
      if (core_.running(task)) return true;
      s.waiting = true;
      return false;
    });
    if (ready) return;
  }
}

void CpuScheduler::ensure_running(int task) {
  TaskState& s = tasks_[static_cast<std::size_t>(task)];
  const bool running = in_kernel([&] {
    if (core_.running(task)) return true;
    s.waiting = true;
    s.latency = 0;
    return false;
  });
  if (!running) await_dispatch(task);
}

void CpuScheduler::run_parallel(int caller, int owner, double work, int parts) {
  auto left = std::make_shared<int>(parts);
  auto mutex = sg4::Mutex::create();
  auto done = sg4::ConditionVariable::create();
  auto last = std::make_shared<int>(-1);
  for (int i = 0; i < parts; ++i) {
    const int task = add_internal_task(owner);
    sg4::Actor::create("native thread", hosts_.front(), [this, task, caller, work, parts, left, mutex, done, last] {
      start_thread(task, caller);
      CpuJobPtr job = start(task, work / parts);
      job->exec->wait();
      finished(job);
      ensure_running(task);
      {
        std::unique_lock<sg4::Mutex> lock(*mutex);
        if (--*left == 0) {
          *last = task;
          done->notify_all();
        }
      }
      exit(task);
    });
  }
  if (caller >= 0) block(caller);
  {
    std::unique_lock<sg4::Mutex> lock(*mutex);
    while (*left > 0) done->wait(lock);
  }
  if (caller >= 0) wake(caller, WakeKind::Task, *last);
}

CpuJobPtr CpuScheduler::start(int task, double work) {
  auto job = std::make_shared<CpuJob>();
  job->task = task;
  job->thread = tasks_[static_cast<std::size_t>(task)].owner;
  job->exec = sg4::this_actor::exec_init(work * kFlopsPerWorkSecond);
  in_kernel([&] {
    TaskState& s = tasks_[static_cast<std::size_t>(task)];
    s.job = job;
    const int cpu = core_.cpu_of(task);
    job->core = cpu % config_.cores;
    job->slot = cpu / config_.cores;
    job->exec->set_host(hosts_[static_cast<std::size_t>(job->core)]);
    job->exec->start();
    if (core_.running(task)) {
      s.job_running = true;
      ++running_jobs_[static_cast<std::size_t>(job->core)];
      apply_pstates();
    } else {
      pause_exec(*job->exec);  // a task only starts work when it runs: defensive
    }
  });
  return job;
}

void CpuScheduler::finished(const CpuJobPtr& job) {
  in_kernel([&] { finished_in_kernel(job); });
}

void CpuScheduler::finished_in_kernel(const CpuJobPtr& job) {
  TaskState& s = tasks_[static_cast<std::size_t>(job->task)];
  if (s.job != job) return;
  if (s.job_running) --running_jobs_[static_cast<std::size_t>(job->core)];
  s.job = nullptr;
  s.job_running = false;
  apply_pstates();
}

void CpuScheduler::stop_running(int task, int cpu, double now) {
  TaskState& s = tasks_[static_cast<std::size_t>(task)];
  const int core = cpu % config_.cores;
  if (now > span_start_[static_cast<std::size_t>(cpu)])
    timeline_.add_core_span({core, cpu / config_.cores, s.owner, span_start_[static_cast<std::size_t>(cpu)], now});
  if (s.job && s.job_running) {
    pause_exec(*s.job->exec);
    s.job_running = false;
    --running_jobs_[static_cast<std::size_t>(core)];
  }
  if (s.listener && core_.waiting(task)) s.listener(false);  // preempted: it waits for a CPU
}

void CpuScheduler::start_running(int task, int cpu, SwitchCause cause, double now) {
  TaskState& s = tasks_[static_cast<std::size_t>(task)];
  const int core = cpu % config_.cores;
  // A CPU that went idle at this very instant (its task just blocked) switches: no idle exit.
  const double idle_since = idle_since_[static_cast<std::size_t>(cpu)];
  if (cause == SwitchCause::Idle && !(idle_since >= 0 && idle_since < now)) cause = SwitchCause::Local;
  span_start_[static_cast<std::size_t>(cpu)] = now;
  idle_since_[static_cast<std::size_t>(cpu)] = -1;
  if (s.job && !s.job_running) {
    if (s.job->core != core) {  // migrated: the remaining work moves with it
      s.job->core = core;
      s.job->exec->set_host(hosts_[static_cast<std::size_t>(core)]);
    }
    s.job->slot = cpu / config_.cores;
    resume_exec(*s.job->exec);
    s.job_running = true;
    ++running_jobs_[static_cast<std::size_t>(core)];
  }
  if (s.listener) s.listener(true);
  if (s.waiting) {
    s.waiting = false;
    const SchedulerConfig& c = config_.scheduler;
    s.latency = cause == SwitchCause::Idle     ? c.wakeup_idle.latency(now - idle_since)
                : cause == SwitchCause::Remote ? c.wakeup_remote
                                               : c.context_switch;
    s.dispatch->release();
  }
}

void CpuScheduler::apply(const std::vector<CpuSwitch>& switches) {
  const double now = sg4::Engine::get_clock();
  for (const CpuSwitch& sw : switches) {
    if (sw.prev >= 0 && sw.prev != sw.next) stop_running(sw.prev, sw.cpu, now);
    if (sw.next >= 0) start_running(sw.next, sw.cpu, sw.cause, now);
    else if (idle_since_[static_cast<std::size_t>(sw.cpu)] < 0) idle_since_[static_cast<std::size_t>(sw.cpu)] = now;
    const int core = sw.cpu % config_.cores;
    int busy = 0;
    for (int s = 0; s < config_.smt; ++s) busy += core_.current(core + s * config_.cores) >= 0 ? 1 : 0;
    timeline_.set_core_load(core, busy, now);
  }
  apply_pstates();
  // The ticker sleeps until its next event: wake it if that came earlier.
  int64_t index = 0;
  const double next = std::min(next_tick(now, index), core_.next_pull(now));
  if (std::isfinite(next) && (ticker_at_ < 0 || next < ticker_at_)) ticker_wake_->notify_all();
}

void CpuScheduler::apply_pstates() {
  for (int core = 0; core < config_.cores; ++core) {
    const int busy = std::min(running_jobs_[static_cast<std::size_t>(core)], config_.smt);
    const unsigned long pstate = busy == 0 ? 0 : static_cast<unsigned long>(busy - 1);
    if (hosts_[static_cast<std::size_t>(core)]->get_pstate() != pstate) hosts_[static_cast<std::size_t>(core)]->set_pstate(pstate);
  }
}

// The periodic tick of every CPU with several queued tasks (NO_HZ_IDLE: others need none), and
// newly-idle CPUs retrying a pull once a waiting task has cooled down.
double CpuScheduler::next_tick(double now, int64_t& index) const {
  const double period = config_.scheduler.tick;
  if (period <= 0 || !core_.contended()) return std::numeric_limits<double>::infinity();
  index = std::max(last_tick_ + 1, static_cast<int64_t>(std::ceil(now / period - 1e-9)));
  return static_cast<double>(index) * period;
}

void CpuScheduler::ticker() {
  std::unique_lock<sg4::Mutex> lock(*ticker_mutex_);
  try {
    tick_forever(lock);
  } catch (const std::logic_error& e) {
    // An exception leaving an actor aborts the process. The ticker stops instead: the threads
    // run on without ticks or pulls until they finish or block for good, and the simulation
    // then reports failure() instead of its results (sim/engine/Simulation.cpp).
    failure_ = e.what();
  } catch (const simgrid::ForcefulKillException&) {
    // A daemon is killed when the simulation ends. Unlocking is a simcall, which a dying actor
    // must not make (under SimGrid's thread contexts, the sanitizer build's, it hangs), and
    // nobody is left to take the mutex.
    lock.release();
    throw;
  }
}

void CpuScheduler::tick_forever(std::unique_lock<sg4::Mutex>& lock) {
  // A tick or pull due now is applied at once; one that changes nothing would be due again at
  // the same instant forever (a livelock the simulation never leaves: repro 32). A few passes at
  // one instant are normal (a tick, then a pull it makes possible); thousands are a bug.
  constexpr int kMaxPassesPerInstant = 1000;
  int passes = 0;
  double last = -1;
  for (;;) {
    const double now = sg4::Engine::get_clock();
    int64_t index = 0;
    const double tick = next_tick(now, index);
    const double pull = core_.next_pull(now);
    const double next = std::min(tick, pull);
    if (next <= now) {
      passes = now == last ? passes + 1 : 0;
      last = now;
      if (passes > kMaxPassesPerInstant)
        throw std::logic_error("the OS scheduler model made no progress at " + std::to_string(now) +
                               " s: a tick or a pull due then changed nothing (a gilsim bug; please report it with the scenario)");
      ticker_at_ = now;
      in_kernel([&] {
        if (tick <= now) {
          last_tick_ = index;
          apply(core_.tick(now));
        }
        if (pull <= now) apply(core_.retry_pulls(now));
      });
      continue;
    }
    ticker_at_ = std::isfinite(next) ? next : -1;
    if (std::isfinite(next)) ticker_wake_->wait_until(lock, next);
    else ticker_wake_->wait(lock);
  }
}

}  // namespace gilsim
