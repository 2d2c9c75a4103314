#pragma once
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sim/scenario/Scenario.hpp"

namespace gilsim {

struct ProcessInstance {
  std::string name;  // "worker[3]" for a replicated process
  std::optional<StartMethod> start_method;
};

struct ThreadInstance {
  int process = 0;
  const ThreadSpec* spec = nullptr;
  std::string name;   // "worker[2]"
  std::string group;  // "app/worker"
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
  bool has_parent() const { return parent_ != nullptr; }
  // The first thread of a process instance (it runs the child's start-up work).
  int first_thread_of(int process) const;
  // The executor size of a thread running event loops that offload work (0: none).
  static int executor_threads_of(const std::vector<Step>& program, int cores);
  // Channels a program puts to, and locks it takes (directly or in nested steps).
  static std::set<std::string> channels_put_by(const std::vector<Step>& program);
  static std::set<std::string> locks_taken_by(const std::vector<Step>& program);

 private:
  std::vector<ProcessInstance> processes_;
  std::vector<ThreadInstance> threads_;
  std::unique_ptr<ThreadSpec> parent_;
  std::map<std::string, std::unique_ptr<ThreadSpec>> feeders_;  // by channel
  std::vector<std::unique_ptr<ThreadSpec>> executor_workers_;
  int cores_ = 1;
};

}  // namespace gilsim
