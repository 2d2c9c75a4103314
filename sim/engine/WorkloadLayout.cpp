#include "sim/engine/WorkloadLayout.hpp"

namespace gilsim {
namespace {

std::string instance_name(const std::string& name, int64_t count, int64_t index) {
  return count == 1 ? name : name + "[" + std::to_string(index) + "]";
}

}  // namespace

const char* start_method_name(StartMethod method) {
  switch (method) {
    case StartMethod::Fork: return "fork";
    case StartMethod::Spawn: return "spawn";
    case StartMethod::Forkserver: return "forkserver";
  }
  return "?";
}

WorkloadLayout::WorkloadLayout(const Scenario& scenario) {
  bool any_started = false;
  for (const ProcessSpec& p : scenario.processes) any_started |= p.start_method.has_value();
  if (any_started) {
    parent_ = std::make_unique<ThreadSpec>();
    parent_->name = "MainThread";
    processes_.push_back({"main", std::nullopt});
    threads_.push_back({0, parent_.get(), "MainThread", "main/MainThread"});
  }
  for (const ProcessSpec& process : scenario.processes) {
    for (int64_t p = 0; p < process.count; ++p) {
      const int index = static_cast<int>(processes_.size());
      processes_.push_back({instance_name(process.name, process.count, p), process.start_method});
      for (const ThreadSpec& thread : process.threads)
        for (int64_t t = 0; t < thread.count; ++t)
          threads_.push_back({index, &thread, instance_name(thread.name, thread.count, t), process.name + "/" + thread.name});
    }
  }
  if (!parent_) return;
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

int WorkloadLayout::first_thread_of(int process) const {
  for (std::size_t t = 0; t < threads_.size(); ++t)
    if (threads_[t].process == process) return static_cast<int>(t);
  return -1;
}

}  // namespace gilsim
