#pragma once
#include <map>
#include <memory>
#include <string>

#include "models/python/ThreadingLock.hpp"

namespace gilsim {

// The Python objects a process's threads share: its threading.Locks, by name.
class ProcessRuntime {
 public:
  explicit ProcessRuntime(double wakeup_latency) : wakeup_latency_(wakeup_latency) {}

  ThreadingLock& lock(const std::string& name) {
    auto& slot = locks_[name];
    if (!slot) slot = std::make_unique<ThreadingLock>(name, wakeup_latency_);
    return *slot;
  }

 private:
  double wakeup_latency_;
  std::map<std::string, std::unique_ptr<ThreadingLock>> locks_;
};

}  // namespace gilsim
