#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/timeline/Timeline.hpp"

namespace gilsim {

// The event-loop lag of one thread's event loop in one run (README "Event-loop lag"): how late
// its ready task steps began, from when each became ready. Percentiles are nearest-rank, as the
// request latencies' (LatencyStats).
struct LoopLagStats {
  std::string loop;  // "process/thread"
  int64_t count = 0;  // task steps run
  double mean = 0;
  double p50 = 0;
  double p99 = 0;
  double max = 0;
};

// One entry per thread that ran an event loop, in Timeline::loop_lags order.
std::vector<LoopLagStats> loop_lag_stats(const Timeline& timeline);

// The summary's table: one row per variant and loop; nothing without event loops.
void write_loop_lag_table(std::ostream& out, const std::vector<std::pair<std::string, const std::vector<LoopLagStats>*>>& rows);
// --json: a list of {"loop":..., "count":..., "mean_s":..., ...}, one line each after `pad`.
void write_loop_lag_json(std::ostream& out, const std::vector<LoopLagStats>& stats, const std::string& pad);
std::vector<LoopLagStats> loop_lag_from_json(const YAML::Node& node);

}  // namespace gilsim
