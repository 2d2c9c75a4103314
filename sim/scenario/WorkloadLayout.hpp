#pragma once
#include <map>
#include <optional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sim/scenario/Scenario.hpp"

namespace gilsim {

struct ProcessInstance {
  std::string name;  // "worker[3]" for a replicated process
  std::optional<StartMethod> start_method;
  int pool_owner = -1;  // a worker of that thread's ProcessPoolExecutor, which starts it on demand
  std::vector<int> affinity;  // its CPUs (empty: all of machine.cpus); children inherit their parent's
};

// A ProcessPoolExecutor of thread `owner`, with the worker processes it may start, in order.
struct PoolInstance {
  int owner = 0;
  ProcessPoolSpec spec;
  std::vector<int> workers;
};

// What a thread instance runs: a thread of the scenario, or one the layout adds (the parent's
// MainThread that starts and joins processes, a loop's executor worker, a multiprocessing.Queue's
// feeder thread, a ProcessPoolExecutor's manager, call-queue feeder and worker main threads).
enum class ThreadRole { Program, ParentMain, ExecutorWorker, QueueFeeder, PoolManager, PoolFeeder, PoolWorker };

struct ThreadInstance {
  int process = 0;
  const ThreadSpec* spec = nullptr;
  std::string name;   // "worker[2]"
  std::string group;  // "app/worker"
  ThreadRole role = ThreadRole::Program;
  int loop_thread = -1;  // an executor worker's loop thread (its run_in_executor calls)
};

// The scenario expanded into its process and thread instances, in the order that defines
// their indices everywhere (timeline, trace, RNG streams). When some processes have a start
// method, the parent that starts and joins them comes first: process "main" with one thread
// "MainThread" running a synthesized program.
class WorkloadLayout {
 public:
  explicit WorkloadLayout(const Scenario& scenario);

  const std::vector<ProcessInstance>& processes() const { return processes_; }
  const std::vector<ThreadInstance>& threads() const { return threads_; }
  const std::vector<PoolInstance>& pools() const { return pools_; }
  bool has_parent() const { return parent_ != nullptr; }
  // The logical CPUs a thread may run on: machine.cpus, its process's and its own affinity
  // (empty: every CPU).
  std::vector<int> allowed_cpus(int thread, const std::vector<int>& machine_cpus) const;
  // The first thread of a process instance (it runs the child's start-up work).
  int first_thread_of(int process) const;
  // The executor size of a thread running event loops that offload work (0: none).
  static int executor_threads_of(const std::vector<Step>& program, int cores);
  // Channels a program puts to, and locks it takes (directly or in nested steps).
  static std::set<std::string> channels_put_by(const std::vector<Step>& program);
  static std::set<std::string> locks_taken_by(const std::vector<Step>& program);
  static std::set<std::string> semaphores_taken_by(const std::vector<Step>& program);  // threading.Semaphores

 private:
  // What a thread's program asks of a ProcessPoolExecutor: the pool, the functions it hands it,
  // and how many calls it submits at most (-1: not known before the run).
  struct PoolUse {
    ProcessPoolSpec spec;
    std::vector<const std::vector<Step>*> works;
    int64_t calls = -1;
  };
  static std::optional<PoolUse> pool_use_of(const std::vector<Step>& program);
  void add_executor_threads(int loop_thread, const std::string& group, int workers);
  void add_pool_threads(int owner, const std::string& process, const std::vector<Step>& program, int cpus);
  void add_pool_processes();

  std::vector<ProcessInstance> processes_;
  std::vector<ThreadInstance> threads_;
  std::unique_ptr<ThreadSpec> parent_;
  std::map<std::string, std::unique_ptr<ThreadSpec>> feeders_;  // by channel
  std::vector<std::unique_ptr<ThreadSpec>> executor_workers_;
  std::vector<PoolInstance> pools_;
  std::vector<std::unique_ptr<ThreadSpec>> pool_threads_;  // managers, feeders, workers
  std::vector<const ThreadSpec*> pool_worker_specs_;        // per pool
  int cores_ = 1;
};

}  // namespace gilsim
