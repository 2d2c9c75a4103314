#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/timeline/Timeline.hpp"

namespace gilsim {

// The latency distribution of one request source in one run (README "Requests"): from arrival
// to completion. Percentiles are nearest-rank: p is the smallest latency at least p of the
// requests do not exceed (sorted[ceil(p n) - 1]).
struct LatencyStats {
  std::string source;
  int64_t count = 0;
  double mean = 0;
  double p50 = 0;
  double p90 = 0;
  double p99 = 0;
  double p999 = 0;
  double max = 0;
  double offered = 0;     // requests per second: count / the last arrival
  double throughput = 0;  // requests per second: count / the last completion
  // Requests that had arrived and were still waiting for a handler when the last one arrived,
  // and the most that ever waited at once.
  int64_t queue_at_last_arrival = 0;
  int64_t peak_queue = 0;
  // The queue at the last arrival holds more than 5% of the requests (and at least 10): arrivals
  // outpace the handlers and the queue grows with the run (a stable server's queue does not
  // grow with the number of requests). Its percentiles then describe the run's length, not the
  // server.
  bool saturated = false;
  RequestParts mean_parts{};  // mean seconds per request in each part
  // A closed loop's (clients > 0; README "Closed-loop clients"): never saturated, its queue
  // holds at most `clients`. think_mean: the mean think time before a request. clients_throughput:
  // requests per second of the clients' own lifetimes, N x count / (sum over clients of the time
  // from 0 to their last completion); a client's lifetime is its thinks and its requests' latencies
  // one after another, so the interactive response time law mean = N / X - Z holds exactly with
  // it. `throughput` (count / the last completion) is lower when clients finish at different times.
  int64_t clients = 0;
  double think_mean = 0;
  double clients_throughput = 0;
};

// One entry per source of the timeline, in source order (sources without requests included).
std::vector<LatencyStats> latency_stats(const Timeline& timeline);
// Nearest-rank percentile of sorted values, p in (0, 1].
double nearest_rank(const std::vector<double>& sorted, double p);
// A latency with 3 significant digits in its own unit ("38.3ms", "17.1s", "850us"): latencies of
// one table span decades, so one unit per column would show the short ones as 0.01s.
std::string short_latency(double seconds);

// --json: a list of {"source":..., "count":..., "mean_s":..., ...}, one line each after `pad`.
void write_latency_json(std::ostream& out, const std::vector<LatencyStats>& stats, const std::string& pad);
std::vector<LatencyStats> latency_from_json(const YAML::Node& node);

}  // namespace gilsim
