#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace gilsim {

// When the requests of a source arrive (README "Requests"): an open loop, whatever the server
// does. Gaps between arrivals are fixed (1/rate), uniform in [min_gap, max_gap] or exponential
// of mean 1/rate (a Poisson process); or the arrival times are read from a file.
struct ArrivalSpec {
  enum class Kind { Fixed, Uniform, Exponential, File };
  Kind kind = Kind::Exponential;
  double rate = 0;     // requests per second (fixed, exponential)
  double min_gap = 0;  // uniform gaps, seconds
  double max_gap = 0;
  std::string file;           // the file the times came from, as written in the scenario
  std::vector<double> times;  // File: arrival times, seconds from the start, non-decreasing
};

// `workload.requests[i]`: a named stream of `count` requests, which `serve` steps (threads) or
// an asyncio step's `requests` coroutines (one task per request) handle.
struct RequestSpec {
  std::string name;
  int64_t count = 0;
  ArrivalSpec arrivals;
};

}  // namespace gilsim
