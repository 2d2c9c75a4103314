#include "sim/scenario/WorkloadLayout.hpp"

#include <algorithm>

#include "models/steps/StepTree.hpp"

namespace gilsim {
namespace {

std::string instance_name(const std::string& name, int64_t count, int64_t index) {
  return count == 1 ? name : name + "[" + std::to_string(index) + "]";
}

// Whether a walk over a thread's program descends into a nested program: the steps of repeat and
// consume bodies run on the thread itself.
bool runs_on_thread(Nested nested) { return nested.how == Nesting::Repeated || nested.how == Nesting::PerMessage; }

// Names a program's steps of kind T refer to, through nested repeat and consume bodies, and,
// `into_coroutines`, through asyncio steps' coroutines (names of the loop's own queues aside).
template <class T, class Name>
void collect_names(const std::vector<Step>& program, Name name, std::set<std::string>& out, bool into_coroutines,
                   const std::vector<AsyncioQueueSpec>* loop_queues = nullptr) {
  for (const Step& step : program) {
    if (const auto* s = std::get_if<T>(&step.action)) {
      const std::string n = name(*s);
      bool own = false;
      if (loop_queues)
        for (const AsyncioQueueSpec& q : *loop_queues) own |= q.name == n;
      if (!own) out.insert(n);
    }
    const auto* loop = std::get_if<AsyncioStep>(&step.action);
    for_each_nested(step, [&](const std::vector<Step>& nested, Nested how) {
      if (runs_on_thread(how)) collect_names<T>(nested, name, out, into_coroutines, loop_queues);
      if (how.how == Nesting::Coroutine && into_coroutines) collect_names<T>(nested, name, out, true, &loop->queues);
    });
  }
}

// A coroutine program's run_in_executor calls: their functions (pre-order) and how many calls it
// makes (repeat multiplies; -1 when a consume body makes them: it depends on the messages).
int64_t offloads(const std::vector<Step>& program, std::vector<const std::vector<Step>*>* works = nullptr) {
  int64_t calls = 0;
  auto add = [&](int64_t n, int64_t times) { calls = calls < 0 || n < 0 ? -1 : calls + n * times; };
  for (const Step& step : program) {
    if (const auto* offload = std::get_if<RunInExecutorStep>(&step.action)) {
      if (works) works->push_back(&offload->work);
      add(1, 1);
    }
    for_each_nested(step, [&](const std::vector<Step>& nested, Nested how) {
      if (how.how == Nesting::Repeated) add(offloads(nested, works), how.count);
      if (how.how == Nesting::PerMessage && offloads(nested, works) != 0) calls = -1;
    });
  }
  return calls;
}

// The asyncio steps of a program that use a process pool: their functions and calls (summed,
// -1 if unknown), and the pool.
void pool_loops(const std::vector<Step>& program, std::optional<ProcessPoolSpec>& pool,
                std::vector<const std::vector<Step>*>& works, int64_t& calls) {
  for (const Step& step : program) {
    if (const auto* loop = std::get_if<AsyncioStep>(&step.action); loop && loop->process_pool) {
      pool = loop->process_pool;
      for (const CoroutineSpec& c : loop->coroutines) {
        const int64_t n = offloads(c.program, &works);
        calls = calls < 0 || n < 0 ? -1 : calls + n * c.count;
      }
    }
    for_each_nested(step, [&](const std::vector<Step>& nested, Nested how) {
      if (runs_on_thread(how)) pool_loops(nested, pool, works, calls);
    });
  }
}

}  // namespace

int WorkloadLayout::executor_threads_of(const std::vector<Step>& program, int cores) {
  int threads = 0;
  for (const Step& step : program) {
    if (const auto* loop = std::get_if<AsyncioStep>(&step.action); loop && !loop->process_pool) {
      bool offloading = false;
      for (const CoroutineSpec& c : loop->coroutines) offloading |= offloads(c.program) != 0;
      // ThreadPoolExecutor's default size (Lib/concurrent/futures/thread.py): min(32, cpus + 4).
      if (offloading)
        threads = std::max(threads, loop->executor_threads > 0 ? loop->executor_threads : std::min(32, cores + 4));
    }
    // Event loops in repeat and consume bodies run on this thread too.
    for_each_nested(step, [&](const std::vector<Step>& nested, Nested how) {
      if (runs_on_thread(how)) threads = std::max(threads, executor_threads_of(nested, cores));
    });
  }
  return threads;
}

std::set<std::string> WorkloadLayout::channels_put_by(const std::vector<Step>& program) {
  std::set<std::string> channels;
  collect_names<PutStep>(program, [](const PutStep& s) { return s.channel; }, channels, true);
  return channels;
}

std::set<std::string> WorkloadLayout::locks_taken_by(const std::vector<Step>& program) {
  std::set<std::string> locks;
  collect_names<LockStep>(program, [](const LockStep& s) { return s.lock; }, locks, false);  // asyncio.Locks aside
  return locks;
}

std::set<std::string> WorkloadLayout::semaphores_taken_by(const std::vector<Step>& program) {
  std::set<std::string> semaphores;
  collect_names<SemaphoreStep>(program, [](const SemaphoreStep& s) { return s.semaphore; }, semaphores, false);
  return semaphores;  // asyncio.Semaphores aside: the loop's own
}

std::optional<WorkloadLayout::PoolUse> WorkloadLayout::pool_use_of(const std::vector<Step>& program) {
  for (const Step& step : program)
    if (const auto* map = std::get_if<ExecutorMapStep>(&step.action))
      return PoolUse{map->pool, {&map->program}, (map->tasks + map->chunksize - 1) / map->chunksize};
  std::optional<ProcessPoolSpec> pool;
  PoolUse use;
  use.calls = 0;
  pool_loops(program, pool, use.works, use.calls);
  if (!pool) return std::nullopt;
  use.spec = *pool;
  return use;
}

WorkloadLayout::WorkloadLayout(const Scenario& scenario) {
  bool any_started = false, has_parent = false;
  for (const ProcessSpec& p : scenario.processes) {
    any_started |= p.start_method.has_value();
    has_parent |= p.is_parent;
  }
  if (any_started) {
    parent_ = std::make_unique<ThreadSpec>();
    parent_->name = "MainThread";
  }
  if (parent_ && !has_parent) {
    processes_.push_back({"main", std::nullopt, -1, {}});
    threads_.push_back({0, parent_.get(), "MainThread", "main/MainThread", ThreadRole::ParentMain});
  }
  const int cpus = scenario.machine.cores * scenario.machine.smt;
  for (const ProcessSpec& process : scenario.processes) {
    for (int64_t p = 0; p < process.count; ++p) {
      const int index = static_cast<int>(processes_.size());
      processes_.push_back({instance_name(process.name, process.count, p), process.start_method, -1, process.affinity});
      if (parent_ && process.is_parent)
        threads_.push_back({index, parent_.get(), "MainThread", process.name + "/MainThread", ThreadRole::ParentMain});
      std::set<std::string> puts;
      for (const ThreadSpec& thread : process.threads) {
        for (const std::string& c : channels_put_by(thread.program)) puts.insert(c);
        for (int64_t t = 0; t < thread.count; ++t) {
          const int owner = static_cast<int>(threads_.size());
          threads_.push_back({index, &thread, instance_name(thread.name, thread.count, t), process.name + "/" + thread.name});
          add_executor_threads(owner, process.name + "/" + thread.name, executor_threads_of(thread.program, cpus));
          add_pool_threads(owner, process.name, thread.program, cpus);
        }
      }
      // multiprocessing.Queue: one feeder thread per process and queue it puts to.
      for (const ChannelSpec& channel : scenario.channels) {
        if (channel.kind != ChannelKind::MpQueue || !puts.count(channel.name)) continue;
        auto& feeder = feeders_[channel.name];
        if (!feeder) {
          feeder = std::make_unique<ThreadSpec>();
          feeder->name = "QueueFeederThread";
          feeder->program.push_back({FeederStep{channel.name, -1}, "feed " + channel.name});
        }
        threads_.push_back({index, feeder.get(), "QueueFeederThread " + channel.name, process.name + "/QueueFeederThread",
                            ThreadRole::QueueFeeder});
      }
    }
  }
  if (parent_) {
    // multiprocessing usage: start every process, then join them in the same order.
    for (std::size_t p = 0; p < processes_.size(); ++p)
      if (processes_[p].start_method)
        parent_->program.push_back({ProcessStartStep{static_cast<int>(p), *processes_[p].start_method},
                                    "Process.start() " + processes_[p].name + " (" +
                                        start_method_name(*processes_[p].start_method) + ")"});
    for (std::size_t p = 0; p < processes_.size(); ++p)
      if (processes_[p].start_method)
        parent_->program.push_back({ProcessJoinStep{static_cast<int>(p)}, "join() " + processes_[p].name});
  }
  add_pool_processes();
}

// The loop's ThreadPoolExecutor workers, for run_in_executor.
void WorkloadLayout::add_executor_threads(int loop_thread, const std::string& group, int workers) {
  if (workers == 0) return;
  executor_workers_.push_back(std::make_unique<ThreadSpec>());
  ThreadSpec& spec = *executor_workers_.back();
  spec.name = "executor";
  spec.program.push_back({ExecutorWorkerStep{loop_thread}, "executor worker"});
  for (int w = 0; w < workers; ++w)
    threads_.push_back({threads_[loop_thread].process, &spec, threads_[loop_thread].name + "-executor[" + std::to_string(w) + "]",
                        group + "-executor", ThreadRole::ExecutorWorker, loop_thread});
}

// A ProcessPoolExecutor's threads in the owner's process: its manager thread and its call
// queue's feeder thread. Its worker processes come after every other process.
void WorkloadLayout::add_pool_threads(int owner, const std::string& process, const std::vector<Step>& program,
                                      int cpus) {
  std::optional<PoolUse> use = pool_use_of(program);
  if (!use) return;
  const int index = threads_[owner].process;
  auto spec = [&](const std::string& name, Step step) {
    pool_threads_.push_back(std::make_unique<ThreadSpec>());
    pool_threads_.back()->name = name;
    pool_threads_.back()->program.push_back(std::move(step));
    return pool_threads_.back().get();
  };
  threads_.push_back({index, spec("ExecutorManagerThread", {PoolManagerStep{owner}, "executor manager"}),
                      "ExecutorManagerThread", process + "/ExecutorManagerThread", ThreadRole::PoolManager});
  threads_.push_back({index, spec("QueueFeederThread", {FeederStep{"call_queue", owner}, "feed call_queue"}),
                      "QueueFeederThread call_queue", process + "/QueueFeederThread", ThreadRole::PoolFeeder});
  // os.cpu_count() workers by default. Without fork, at most one is started per call (on demand),
  // so a pool never has more processes than calls.
  if (use->spec.workers == 0) use->spec.workers = cpus;
  int processes = use->spec.workers;
  if (use->spec.start_method != StartMethod::Fork && use->calls >= 0)
    processes = static_cast<int>(std::min<int64_t>(processes, use->calls));
  pools_.push_back({owner, use->spec, std::vector<int>(static_cast<std::size_t>(processes), -1)});
  PoolWorkerStep worker{owner, use->works, {}};
  worker.put_result.push_back({PutStep{"result_queue", 0, 0}, "put result_queue"});
  pool_worker_specs_.push_back(spec("MainThread", {std::move(worker), "get call_queue"}));
}

// multiprocessing names a Process subclass's instances ForkProcess-1, SpawnProcess-2, ...
void WorkloadLayout::add_pool_processes() {
  int counter = 0;
  for (std::size_t i = 0; i < pools_.size(); ++i) {
    PoolInstance& pool = pools_[i];
    const std::string kind = pool.spec.start_method == StartMethod::Fork    ? "ForkProcess"
                             : pool.spec.start_method == StartMethod::Spawn ? "SpawnProcess"
                                                                            : "ForkServerProcess";
    for (int& worker : pool.workers) {
      worker = static_cast<int>(processes_.size());
      // A pool's workers inherit the affinity of the process that starts them.
      processes_.push_back({kind + "-" + std::to_string(++counter), pool.spec.start_method, pool.owner,
                            processes_[static_cast<std::size_t>(threads_[pool.owner].process)].affinity});
      threads_.push_back({worker, pool_worker_specs_[i], "MainThread", kind + "/MainThread", ThreadRole::PoolWorker});
    }
  }
}

std::vector<int> WorkloadLayout::allowed_cpus(int thread, const std::vector<int>& machine_cpus) const {
  std::vector<int> allowed = machine_cpus;
  auto restrict_to = [&](const std::vector<int>& set) {
    if (set.empty()) return;
    if (allowed.empty()) {
      allowed = set;
      return;
    }
    std::vector<int> kept;
    for (int cpu : allowed)
      if (std::find(set.begin(), set.end(), cpu) != set.end()) kept.push_back(cpu);
    allowed = kept;
  };
  const ThreadInstance& t = threads_[static_cast<std::size_t>(thread)];
  restrict_to(processes_[static_cast<std::size_t>(t.process)].affinity);
  if (t.spec) restrict_to(t.spec->affinity);
  std::sort(allowed.begin(), allowed.end());
  return allowed;
}

int WorkloadLayout::first_thread_of(int process) const {
  for (std::size_t t = 0; t < threads_.size(); ++t)
    if (threads_[t].process == process) return static_cast<int>(t);
  return -1;
}

}  // namespace gilsim
