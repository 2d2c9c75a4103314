#pragma once
#include <cstdint>

// The track ids of the simulated Python processes and threads in a Chrome trace
// (ChromeTraceWriter.hpp lists every kind of track).

namespace gilsim::chrome {

inline int process_pid(int process) { return process + 1; }
inline int64_t thread_tid(int thread) { return int64_t{thread} + 1; }

}  // namespace gilsim::chrome
