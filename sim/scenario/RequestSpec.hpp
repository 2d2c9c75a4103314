#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/scenario/Latency.hpp"

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
// an asyncio step's `requests` coroutines (one task per request) handle. Either an open loop
// (`arrivals`) or a closed one: `clients` clients, each sending a request, waiting for its
// completion and thinking (`think`) before the next; client c sends requests c, c + N, c + 2N, ...
// of the `count` (the first `count % N` clients one more than the others).
struct RequestSpec {
  std::string name;
  int64_t count = 0;
  ArrivalSpec arrivals;        // the open loop's
  int64_t clients = 0;         // the closed loop's (0: an open loop)
  Latency think = Latency::fixed(0);  // before each request of a client, its first included
  bool closed() const { return clients > 0; }
};

}  // namespace gilsim
