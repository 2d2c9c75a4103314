#pragma once
#include <cstddef>
#include <cstdint>

namespace gilsim::limits {

// Hard limits, checked while loading so that huge inputs are refused with a message instead of
// exhausting memory. Documented in README.md ("Limits").
constexpr int kMaxCores = 4096;
constexpr int kMaxSmt = 8;
// SimGrid fails to protect actor stacks above ~32k actors (vm.max_map_count); one actor per
// Python thread in the reference GIL model.
constexpr int64_t kMaxThreads = 20000;
constexpr int64_t kMaxProcesses = 10000;
constexpr int64_t kMaxRepeat = 1000000000;
constexpr int kMaxNesting = 16;
// Every executed step becomes a step span and at least one state span in the timeline
// (~72 bytes together): 10^7 executions stay under 1 GB.
constexpr double kMaxStepExecutions = 1e7;
constexpr int kMaxVariants = 64;
constexpr int kMaxNativeThreads = 1024;
constexpr int64_t kMaxAsyncioTasks = 1000000;  // ~16 bytes each
// Requests of workload.requests, in all: each is an arrival time and a record (~90 bytes), and a
// saturated server's queue holds at most all of them, so it cannot grow without bound.
constexpr int64_t kMaxRequests = 1000000;
constexpr std::size_t kMaxArrivalsFileBytes = std::size_t{32} << 20;  // 32 MiB: 10^6 lines of ~30 bytes

// A pipe holds at least one page: pipe(7) rounds smaller capacities up, and a write of up to
// PIPE_BUF (4096) bytes must fit whole.
constexpr double kMinPipeBuffer = 4096;
constexpr double kMaxPipeBuffer = 1073741824;
constexpr double kMaxPickleOverhead = 1048576;

// Input sizes. yaml-cpp keeps ~100 bytes per node, so a scenario is bounded both in bytes and in
// nodes after expanding aliases (an alias repeats a whole subtree: YamlGuard.hpp).
constexpr std::size_t kMaxScenarioBytes = std::size_t{4} << 20;  // 4 MiB; the largest seed is 3 KiB
constexpr std::size_t kMaxYamlNodes = 1000000;

}  // namespace gilsim::limits
