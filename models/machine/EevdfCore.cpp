#include "models/machine/EevdfCore.hpp"

#include <algorithm>
#include <cmath>

namespace gilsim {
namespace {

// 0.70 ms x (1 + ilog2(min(online CPUs, 8))): sysctl_sched_base_slice on Linux 6.15+ (commit
// 2ae891b82695; 0.75 ms before), scaled by get_update_sysctl_factor() (SCHED_TUNABLESCALING_LOG).
double default_slice(int cpus) {
  const int n = std::min(std::max(cpus, 1), 8);
  int log2 = 0;
  while ((2 << log2) <= n) ++log2;
  return 0.70e-3 * (1 + log2);
}

}  // namespace

EevdfCore::EevdfCore(const SchedulerConfig& config, int cores, int smt)
    : config_(config),
      cores_(cores),
      smt_(smt),
      slice_(config.base_slice > 0 ? config.base_slice : default_slice(cores * smt)),
      // entity_lag(): lag is clamped to the larger of two slices and a tick.
      lag_limit_(std::max(2 * slice_, config.tick)),
      cpus_(static_cast<std::size_t>(cores * smt)) {}

int EevdfCore::add_task(const std::vector<int>& allowed) {
  tasks_.push_back({});
  set_allowed(static_cast<int>(tasks_.size()) - 1, allowed);
  return static_cast<int>(tasks_.size()) - 1;
}

void EevdfCore::set_allowed(int task, const std::vector<int>& allowed) {
  Task& t = tasks_[static_cast<std::size_t>(task)];
  t.allowed.clear();
  for (int cpu = 0; cpu < logical_cpus(); ++cpu)
    if (allowed.empty() || std::find(allowed.begin(), allowed.end(), cpu) != allowed.end()) t.allowed.push_back(cpu);
}

bool EevdfCore::allowed_on(const Task& t, int cpu) const {
  return cpu >= 0 && std::binary_search(t.allowed.begin(), t.allowed.end(), cpu);
}

double EevdfCore::avg_vruntime(int cpu) const {
  const Cpu& c = cpus_[static_cast<std::size_t>(cpu)];
  if (c.queue.empty()) return c.empty_v;
  double sum = 0;
  for (int t : c.queue) sum += tasks_[static_cast<std::size_t>(t)].v;
  return sum / static_cast<double>(c.queue.size());
}

// vruntime_eligible(): V >= v, computed as sum(v_j - v) >= 0 so that equal runtimes compare exactly.
bool EevdfCore::eligible(int cpu, int task) const {
  const double v = tasks_[static_cast<std::size_t>(task)].v;
  double sum = 0;
  const auto& queue = cpus_[static_cast<std::size_t>(cpu)].queue;
  for (int j : queue) sum += tasks_[static_cast<std::size_t>(j)].v - v;
  return sum >= -tolerance_ * static_cast<double>(queue.size());
}

bool EevdfCore::update_curr(int cpu, double now) {
  Cpu& c = cpus_[static_cast<std::size_t>(cpu)];
  if (c.curr < 0 || now <= c.exec_start) {
    if (c.curr < 0) c.exec_start = now;
    return false;
  }
  Task& t = tasks_[static_cast<std::size_t>(c.curr)];
  const double start = c.exec_start;
  const double v0 = t.v;
  bool renewed = false;
  // Ticks in (start, now] renewed the deadline whenever the runtime had reached it (update_curr()
  // from task_tick_fair()): the first at k0, then every m ticks (a slice rounded up to ticks).
  const double tick = config_.tick;
  if (tick > 0) {
    auto first = static_cast<int64_t>(std::floor(start / tick)) + 1;
    if (static_cast<double>(first - 1) * tick > start) --first;
    const auto last = static_cast<int64_t>(std::floor(now / tick));
    if (first <= last) {
      const double reach = start + (t.deadline - v0);  // when the runtime reaches the deadline
      const auto k0 = std::max(first, static_cast<int64_t>(std::ceil(reach / tick - 1e-9)));
      if (k0 <= last) {
        const auto every = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(slice_ / tick - 1e-9)));
        const int64_t k = k0 + (last - k0) / every * every;
        t.deadline = v0 + (static_cast<double>(k) * tick - start) + slice_;
        renewed = true;
      }
    }
  }
  t.v = v0 + (now - start);
  c.exec_start = now;
  if (t.v >= t.deadline) {  // update_deadline() at this event
    t.deadline = t.v + slice_;
    renewed = true;
  }
  return renewed;
}

int EevdfCore::pick(int cpu, bool protect) {
  Cpu& c = cpus_[static_cast<std::size_t>(cpu)];
  for (;;) {
    if (c.queue.empty()) return -1;
    int best = -1;
    if (c.queue.size() == 1) {
      best = c.queue.front();
    } else {
      const int curr = c.curr >= 0 && eligible(cpu, c.curr) ? c.curr : -1;
      if (protect && curr >= 0 && tasks_[static_cast<std::size_t>(curr)].v < tasks_[static_cast<std::size_t>(curr)].vprot)
        return curr;
      // The earliest deadline among the eligible queued tasks; on a tie, the earlier queued.
      for (int j : c.queue) {
        if (j == c.curr || !eligible(cpu, j)) continue;
        if (best < 0 || tasks_[static_cast<std::size_t>(j)].deadline < tasks_[static_cast<std::size_t>(best)].deadline)
          best = j;
      }
      if (curr >= 0 && (best < 0 || tasks_[static_cast<std::size_t>(curr)].deadline < tasks_[static_cast<std::size_t>(best)].deadline))
        best = curr;
      if (best < 0) {  // rounding: the least runtime is always eligible
        best = c.queue.front();
        for (int j : c.queue)
          if (tasks_[static_cast<std::size_t>(j)].v < tasks_[static_cast<std::size_t>(best)].v) best = j;
      }
    }
    if (!tasks_[static_cast<std::size_t>(best)].delayed) return best;
    // A delayed task picked is dequeued for real, its lag clipped to at most 0 (DELAY_ZERO).
    dequeue(cpu, best, true);
    Task& t = tasks_[static_cast<std::size_t>(best)];
    t.vlag = std::min(0.0, t.vlag);
  }
}

void EevdfCore::dequeue(int cpu, int task, bool keep_lag) {
  Cpu& c = cpus_[static_cast<std::size_t>(cpu)];
  Task& t = tasks_[static_cast<std::size_t>(task)];
  const double avg = avg_vruntime(cpu);
  if (keep_lag) t.vlag = std::clamp(avg - t.v, -lag_limit_, lag_limit_);  // entity_lag()
  c.queue.erase(std::find(c.queue.begin(), c.queue.end(), task));
  if (c.queue.empty()) c.empty_v = avg;
  t.queued = false;
  t.delayed = false;
}

// place_entity() with PLACE_LAG: the task comes back with the lag it left with, inflated so
// that it still has that lag once it is counted in the average.
void EevdfCore::place(int cpu, int task, bool initial) {
  Cpu& c = cpus_[static_cast<std::size_t>(cpu)];
  Task& t = tasks_[static_cast<std::size_t>(task)];
  const auto n = static_cast<double>(c.queue.size());
  const double avg = avg_vruntime(cpu);
  if (initial) t.vlag = 0;
  t.v = n > 0 ? avg - t.vlag * (n + 1) / n : avg;
  // PLACE_DEADLINE_INITIAL: a new task gets half a slice for its first deadline.
  t.deadline = t.v + (initial ? slice_ / 2 : slice_);
  c.queue.push_back(task);
  t.queued = true;
  t.delayed = false;
  t.cpu = cpu;
}

void EevdfCore::switch_to(int cpu, int next, double now, std::vector<CpuSwitch>& out) {
  Cpu& c = cpus_[static_cast<std::size_t>(cpu)];
  const int prev = c.curr;
  if (prev == next) return;
  if (prev >= 0) {
    tasks_[static_cast<std::size_t>(prev)].running = false;
    tasks_[static_cast<std::size_t>(prev)].stopped_at = now;
  }
  Task& t = tasks_[static_cast<std::size_t>(next)];
  t.running = true;
  t.vprot = t.deadline;  // set_protect_slice(): protected until the deadline it has when picked
  c.curr = next;
  c.exec_start = now;
  out.push_back({cpu, prev, next, prev < 0 ? SwitchCause::Idle : SwitchCause::Local});
}

void EevdfCore::schedule(int cpu, double now, std::vector<CpuSwitch>& out) {
  const int next = pick(cpu, false);
  if (next >= 0 && next == cpus_[static_cast<std::size_t>(cpu)].curr) return;  // it keeps running
  if (next >= 0) {
    switch_to(cpu, next, now, out);
    out.back().cause = SwitchCause::Local;  // the CPU ran the task that just left it
    return;
  }
  if (!pull(cpu, now, out)) out.push_back({cpu, -1, -1, SwitchCause::Local});
}

// sched_balance_newidle(): a CPU going idle pulls a waiting task from the busiest other CPU; a
// task that ran within migration_cost is cache-hot and stays (task_hot(), can_migrate_task()).
bool EevdfCore::pull(int cpu, double now, std::vector<CpuSwitch>& out) {
  int source = -1;
  int task = -1;
  for (int other = 0; other < logical_cpus(); ++other) {
    if (other == cpu) continue;
    const Cpu& o = cpus_[static_cast<std::size_t>(other)];
    if (o.queue.size() < 2 || (source >= 0 && o.queue.size() <= cpus_[static_cast<std::size_t>(source)].queue.size()))
      continue;
    int found = -1;
    for (int j : o.queue) {
      const Task& t = tasks_[static_cast<std::size_t>(j)];
      if (t.running || t.delayed || !allowed_on(t, cpu) || now < cache_cold_at(t)) continue;
      if (found < 0 || t.stopped_at < tasks_[static_cast<std::size_t>(found)].stopped_at) found = j;
    }
    if (found >= 0) source = other, task = found;
  }
  if (task < 0) return false;
  update_curr(source, now);
  dequeue(source, task, true);
  update_curr(cpu, now);
  place(cpu, task, false);
  switch_to(cpu, task, now, out);
  out.back().cause = SwitchCause::Local;
  return true;
}

std::vector<CpuSwitch> EevdfCore::retry_pulls(double now) {
  std::vector<CpuSwitch> out;
  for (int cpu = 0; cpu < logical_cpus(); ++cpu)
    if (idle(cpu) && pull(cpu, now, out)) out.back().cause = SwitchCause::Idle;  // the balancer kicks an idle CPU
  return out;
}

bool EevdfCore::core_idle(int core) const {
  for (int s = 0; s < smt_; ++s)
    if (!idle(core + s * cores_)) return false;
  return true;
}

// select_task_rq_fair() for a wake-up: wake_affine() may choose the waker's CPU, then
// select_idle_sibling() prefers an idle target, an idle previous CPU, an idle core, an idle CPU.
int EevdfCore::select_cpu(const Task& t, WakeKind kind, int waker) const {
  const int prev = allowed_on(t, t.cpu) ? t.cpu : t.allowed.front();
  int target = prev;
  if (kind == WakeKind::Fork) {
    // The idlest allowed CPU, scanning from the parent's (sched_balance_find_dst_cpu()).
    const int from = waker >= 0 ? tasks_[static_cast<std::size_t>(waker)].cpu : 0;
    int best = -1;
    for (int i = 0; i < logical_cpus(); ++i) {
      const int cpu = (std::max(from, 0) + i) % logical_cpus();
      if (!allowed_on(t, cpu)) continue;
      auto load = [&](int c) { return cpus_[static_cast<std::size_t>(c)].queue.size() * 2 + (core_idle(core_of(c)) ? 0 : 1); };
      if (best < 0 || load(cpu) < load(best)) best = cpu;
    }
    return best;
  }
  if (waker >= 0 && (kind == WakeKind::Task || kind == WakeKind::Sync)) {
    const int here = tasks_[static_cast<std::size_t>(waker)].cpu;
    // wake_affine_idle(): a sync wake-up by a task alone on its CPU goes there.
    if (here != prev && allowed_on(t, here) && kind == WakeKind::Sync &&
        cpus_[static_cast<std::size_t>(here)].queue.size() == 1 && !idle(prev))
      target = here;
  }
  if (idle(target)) return target;
  if (prev != target && idle(prev)) return prev;
  if (smt_ > 1)
    for (int i = 0; i < cores_; ++i) {
      const int core = (core_of(target) + i) % cores_;
      if (!core_idle(core)) continue;
      for (int s = 0; s < smt_; ++s)
        if (allowed_on(t, core + s * cores_)) return core + s * cores_;
    }
  for (int i = 1; i < logical_cpus(); ++i) {
    const int cpu = (target + i) % logical_cpus();
    if (allowed_on(t, cpu) && idle(cpu)) return cpu;
  }
  return target;
}

std::vector<CpuSwitch> EevdfCore::wake(int task, double now, WakeKind kind, int waker) {
  std::vector<CpuSwitch> out;
  Task& t = tasks_[static_cast<std::size_t>(task)];
  int cpu;
  bool renewed;
  if (t.queued) {
    // A delayed task is still queued where it blocked: it is re-queued there (DELAY_ZERO: a
    // positive lag it earned while delayed is dropped).
    cpu = t.cpu;
    renewed = update_curr(cpu, now);
    t.delayed = false;
    const double avg = avg_vruntime(cpu);
    if (avg - t.v > 0) {
      t.v = avg;
      t.deadline = t.v + slice_;
    }
  } else {
    cpu = select_cpu(t, kind, waker);
    renewed = update_curr(cpu, now);
    place(cpu, task, kind == WakeKind::Fork);
  }
  Cpu& c = cpus_[static_cast<std::size_t>(cpu)];
  // A timer fires on the CPU it was armed on; a task wakes another CPU through an IPI.
  const bool remote = waker >= 0 && kind != WakeKind::Timer && tasks_[static_cast<std::size_t>(waker)].cpu != cpu;
  if (c.curr < 0) {
    switch_to(cpu, task, now, out);
    out.back().cause = SwitchCause::Idle;  // an idle CPU leaves its idle state, whoever woke it
    return out;
  }
  if (kind == WakeKind::Fork) return out;  // a forked task never preempts (6.18: WF_FORK)
  // check_preempt_wakeup_fair(): preempt if EEVDF picks the wakee now. update_curr() on a run
  // queue of several tasks also reschedules when the slice ended or its protection did
  // (6.17+), and a task-context wake-up reschedules a waker that is not eligible (6.18.y).
  const Task& curr = tasks_[static_cast<std::size_t>(c.curr)];
  bool resched = renewed || curr.v >= curr.vprot;
  if (kind != WakeKind::Timer && !eligible(cpu, c.curr)) resched = true;
  const int next = pick(cpu, true);
  if (next >= 0 && next != c.curr && (resched || next == task)) {
    switch_to(cpu, next, now, out);
    out.back().cause = remote ? SwitchCause::Remote : SwitchCause::Local;
  }
  return out;
}

std::vector<CpuSwitch> EevdfCore::block(int task, double now) {
  std::vector<CpuSwitch> out;
  Task& t = tasks_[static_cast<std::size_t>(task)];
  const int cpu = t.cpu;
  update_curr(cpu, now);
  Cpu& c = cpus_[static_cast<std::size_t>(cpu)];
  if (!t.running) {
    // Preempted at the instant it was about to block (the wake-up it caused took its CPU): it
    // blocks from its run queue, as it would once it ran again for the syscall's few us.
    if (t.queued && !t.delayed) {
      if (!eligible(cpu, task)) t.delayed = true;
      else dequeue(cpu, task, true);
    }
    return out;
  }
  c.curr = -1;
  t.running = false;
  t.stopped_at = now;
  // DELAY_DEQUEUE: a task that blocks while not eligible stays queued until its lag is spent.
  if (!eligible(cpu, task)) t.delayed = true;
  else dequeue(cpu, task, true);
  schedule(cpu, now, out);
  if (!out.empty()) out.front().prev = task;
  return out;
}

std::vector<CpuSwitch> EevdfCore::exit(int task, double now) {
  std::vector<CpuSwitch> out;
  Task& t = tasks_[static_cast<std::size_t>(task)];
  const int cpu = t.cpu;
  update_curr(cpu, now);
  Cpu& c = cpus_[static_cast<std::size_t>(cpu)];
  if (c.curr == task) c.curr = -1;
  t.running = false;
  t.alive = false;
  if (t.queued) dequeue(cpu, task, false);
  schedule(cpu, now, out);
  if (!out.empty()) out.front().prev = task;
  return out;
}

std::vector<CpuSwitch> EevdfCore::tick(double now) {
  std::vector<CpuSwitch> out;
  for (int cpu = 0; cpu < logical_cpus(); ++cpu) {
    Cpu& c = cpus_[static_cast<std::size_t>(cpu)];
    if (c.curr < 0 || c.queue.size() < 2) continue;
    const bool renewed = update_curr(cpu, now);
    const Task& curr = tasks_[static_cast<std::size_t>(c.curr)];
    if (!renewed && curr.v < curr.vprot) continue;  // protected and within its slice
    const int next = pick(cpu, true);
    if (next >= 0 && next != c.curr) switch_to(cpu, next, now, out);
  }
  return out;
}

bool EevdfCore::contended() const {
  for (const Cpu& c : cpus_)
    if (c.queue.size() >= 2) return true;
  return false;
}

double EevdfCore::next_pull(double now) const {
  double next = kNever;
  for (int cpu = 0; cpu < logical_cpus(); ++cpu) {
    if (!idle(cpu)) continue;
    // An idle CPU pulls a waiting task once it is no longer cache-hot.
    for (const Cpu& o : cpus_) {
      if (o.queue.size() < 2) continue;
      for (int j : o.queue) {
        const Task& t = tasks_[static_cast<std::size_t>(j)];
        if (!t.running && !t.delayed && allowed_on(t, cpu))
          next = std::min(next, std::max(now, cache_cold_at(t)));
      }
    }
  }
  return next;
}

}  // namespace gilsim
