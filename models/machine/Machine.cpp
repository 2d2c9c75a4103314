#include "models/machine/Machine.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "models/machine/ExecPause.hpp"
#include "models/machine/KernelCall.hpp"
#include "models/machine/OsThreads.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim {

Machine::Machine(const MachineConfig& config, Timeline& timeline)
    : config_(config), timeline_(timeline) {
  os::install(this);
}

Machine::~Machine() { os::install(nullptr); }

void Machine::build(sg4::NetZone* zone, const std::vector<std::vector<int>>& allowed, double lag_tolerance) {
  const double speed = config_.speed * kFlopsPerWorkSecond;
  // pstate k-1: per-sibling speed when k siblings are busy. Linear interpolation between one
  // busy sibling (speed) and all busy (speed * smt_yield in total).
  std::vector<double> pstates;
  for (int k = 1; k <= config_.smt; ++k) {
    double total = config_.smt == 1 ? 1.0 : 1.0 + (config_.smt_yield - 1.0) * (k - 1) / (config_.smt - 1);
    pstates.push_back(speed * total / k);
  }
  for (int c = 0; c < config_.cores; ++c) {
    auto* host = zone->create_host("core" + std::to_string(c), pstates)->set_core_count(config_.smt);
    host->seal();
    hosts_.push_back(host);
  }
  // Doorbells complete 1 flop at once: they never share a core with the machine's jobs.
  doorbell_host_ = zone->create_host("doorbells", 1e300);
  doorbell_host_->seal();
  running_.assign(config_.cores, {});
  slot_used_.assign(config_.cores, {});
  last_core_.assign(timeline_.threads.size(), -1);
  if (config_.scheduler.policy == SchedulerPolicy::Eevdf) {
    std::vector<std::vector<int>> per_thread = allowed;
    per_thread.resize(timeline_.threads.size());
    scheduler_ = std::make_unique<CpuScheduler>(config_, timeline_, hosts_, per_thread, lag_tolerance);
  }
}

void Machine::thread_starts(int thread, int parent) {
  if (scheduler_) scheduler_->start_thread(thread, parent);
}

void Machine::thread_blocks(int thread) {
  if (scheduler_) scheduler_->block(thread);
}

void Machine::thread_wakes(int thread, WakeKind kind, int waker) {
  if (scheduler_) scheduler_->wake(thread, kind, waker);
}

void Machine::thread_exits(int thread) {
  if (scheduler_) scheduler_->exit(thread);
}

void Machine::on_cpu_change(int thread, std::function<void(bool running)> listener) {
  if (scheduler_) scheduler_->set_listener(thread, std::move(listener));
}

void Machine::run_on_behalf(int thread, double work) {
  if (scheduler_) scheduler_->run_parallel(-1, thread, work, 1);
  else run(thread, work);
}

int Machine::pick_core(int thread) const {
  std::size_t least = running_[0].size();
  for (const auto& jobs : running_) least = std::min(least, jobs.size());
  int previous = last_core_[thread];
  if (previous >= 0 && running_[previous].size() == least) return previous;
  for (int c = 0; c < config_.cores; ++c)
    if (running_[c].size() == least) return c;
  return 0;
}

void Machine::place(const CpuJobPtr& job, int core) {
  job->core = core;
  job->started = sg4::Engine::get_clock();
  auto& slots = slot_used_[core];
  auto free_slot = std::find(slots.begin(), slots.end(), false);
  job->slot = static_cast<int>(free_slot - slots.begin());
  if (free_slot == slots.end()) slots.push_back(true);
  else *free_slot = true;
  running_[core].push_back(job);
  last_core_[job->thread] = core;
  timeline_.set_core_load(core, static_cast<int>(std::min<std::size_t>(running_[core].size(), config_.smt)),
                          job->started);
}

void Machine::unplace(const CpuJobPtr& job) {
  double now = sg4::Engine::get_clock();
  if (now > job->started) timeline_.add_core_span({job->core, job->slot, job->thread, job->started, now});
  slot_used_[job->core][job->slot] = false;
  auto& jobs = running_[job->core];
  jobs.erase(std::find(jobs.begin(), jobs.end(), job));
  timeline_.set_core_load(job->core, static_cast<int>(std::min<std::size_t>(jobs.size(), config_.smt)), now);
}

void Machine::apply_pstates() {
  // Runs in kernel context, so the loads cannot change while the pstates follow them.
  for (int core = 0; core < config_.cores; ++core) {
    int busy = static_cast<int>(std::min<std::size_t>(running_[core].size(), config_.smt));
    unsigned long pstate = busy == 0 ? 0 : busy - 1;
    if (hosts_[core]->get_pstate() != pstate) hosts_[core]->set_pstate(pstate);
  }
}

CpuJobPtr Machine::start(int thread, double work) {
  if (scheduler_) return scheduler_->start(thread, work);
  auto job = std::make_shared<CpuJob>();
  job->thread = thread;
  // Created by the calling actor, which owns it: SimGrid cancels an actor's activities when it ends.
  job->exec = sg4::this_actor::exec_init(work * kFlopsPerWorkSecond);
  in_kernel([this, &job] {
    place(job, pick_core(job->thread));
    job->exec->set_host(hosts_[job->core]);
    apply_pstates();
    job->exec->start();
  });
  return job;
}

bool Machine::ran_out(const CpuJob& job) {
  return job.exec->get_state() != sg4::Activity::State::STARTED || job.exec->get_remaining() <= 0;
}

bool Machine::pause(const CpuJobPtr& job) {
  if (scheduler_) throw std::logic_error("Machine::pause: the fast GIL engine does not run under the EEVDF scheduler");
  const bool paused = in_kernel([this, &job] {
    if (ran_out(*job)) return false;
    pause_exec(*job->exec);
    unplace(job);
    rebalance();
    apply_pstates();
    return true;
  });
  if (!paused) wait(job);  // completed at this instant: collect it without waiting
  return paused;
}

void Machine::resume(const CpuJobPtr& job) {
  in_kernel([this, &job] {
    const int previous = job->core;
    place(job, pick_core(job->thread));
    // Migration replaces the exec's action: skip it when the job gets its core back.
    if (job->core != previous) job->exec->set_host(hosts_[job->core]);
    apply_pstates();
    resume_exec(*job->exec);
  });
}

void Machine::wait(const CpuJobPtr& job) {
  job->exec->wait();
  finish(job);
  if (scheduler_) scheduler_->ensure_running(job->task);
}

void Machine::run(int thread, double work) {
  if (work > 0) wait(start(thread, work));
}

void Machine::run_parallel(int thread, double work, int parts) {
  if (parts <= 1) return run(thread, work);
  if (scheduler_) return scheduler_->run_parallel(thread, thread, work, parts);
  std::vector<CpuJobPtr> jobs;
  for (int i = 0; i < parts; ++i) jobs.push_back(start(thread, work / parts));
  for (const CpuJobPtr& job : jobs) wait(job);
}

Machine::Wake Machine::wait_until(const CpuJobPtr& job, double deadline, Doorbell& bell) {
  const Wake wake = wait_for_job(job, deadline, bell);
  // Under the EEVDF scheduler the waiter acts only when it runs: a deadline or a ring that came
  // while it was preempted is answered once it has its CPU back.
  if (scheduler_) scheduler_->ensure_running(job->task);
  return wake;
}

Machine::Wake Machine::wait_for_job(const CpuJobPtr& job, double deadline, Doorbell& bell) {
  const double now = sg4::Engine::get_clock();
  if (deadline <= now) return Wake::Deadline;
  const double timeout = std::isinf(deadline) ? -1.0 : deadline - now;
  const ssize_t which = sg4::Exec::wait_any_for(bell.with(job->exec), timeout);
  if (which == 0) {
    finish(job);
    return Wake::Completed;
  }
  if (which == 1) {
    bell.answered();
    return Wake::Rung;
  }
  return Wake::Deadline;
}

bool Machine::stop(const CpuJobPtr& job) {
  const bool cancelled = in_kernel([this, &job] {
    if (ran_out(*job)) return false;
    job->interrupted_work = job->exec->get_remaining() / kFlopsPerWorkSecond;
    job->exec->cancel();
    if (scheduler_) scheduler_->finished_in_kernel(job);
    else finish_in_kernel(job);
    return true;
  });
  if (!cancelled) wait(job);  // completed at this instant: collect it without waiting
  return cancelled;
}

void Machine::finish(const CpuJobPtr& job) {
  if (scheduler_) return scheduler_->finished(job);
  in_kernel([this, &job] { finish_in_kernel(job); });
}

void Machine::finish_in_kernel(const CpuJobPtr& job) {
  job->leaving = true;
  unplace(job);
  rebalance();
  apply_pstates();
}

void Machine::rebalance() {
  // Runs in kernel context (from finish() or pause()): no actor can change the loads meanwhile.
  for (;;) {
    auto [low, high] = std::minmax_element(running_.begin(), running_.end(),
                                           [](const auto& a, const auto& b) { return a.size() < b.size(); });
    if (high->size() < low->size() + 2) return;
    auto candidate = std::find_if(high->rbegin(), high->rend(), [](const CpuJobPtr& j) { return !j->leaving; });
    if (candidate == high->rend()) return;
    CpuJobPtr job = *candidate;
    // Migrating an exec that ran out at this instant would crash SimGrid.
    if (ran_out(*job)) {
      job->leaving = true;
      continue;
    }
    unplace(job);
    place(job, static_cast<int>(low - running_.begin()));
    job->exec->set_host(hosts_[job->core]);
  }
}

std::string Machine::scheduler_failure() const { return scheduler_ ? scheduler_->failure() : std::string(); }

}  // namespace gilsim
