#include "sim/trace/LatencyStats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sim/util/JsonWriter.hpp"

namespace gilsim {
namespace {

// Requests waiting for a handler over time: +1 at each arrival, -1 when a handler takes one.
void measure_queue(const std::vector<const RequestRecord*>& records, LatencyStats& stats) {
  std::vector<std::pair<double, int>> events;  // (time, +1 arrival / -1 start); starts first at a tie
  double last_arrival = 0;
  for (const RequestRecord* r : records) {
    events.push_back({r->arrival, +1});
    events.push_back({r->start, -1});
    last_arrival = std::max(last_arrival, r->arrival);
  }
  std::sort(events.begin(), events.end());
  int64_t waiting = 0;
  for (const auto& [time, change] : events) {
    waiting += change;
    stats.peak_queue = std::max(stats.peak_queue, waiting);
  }
  for (const RequestRecord* r : records)
    if (r->start > last_arrival) ++stats.queue_at_last_arrival;
  const double count = static_cast<double>(records.size());
  stats.saturated = stats.queue_at_last_arrival >= 10 && static_cast<double>(stats.queue_at_last_arrival) > 0.05 * count;
}

// A closed loop: client c sent requests c, c + N, ...; its lifetime ends with its last one.
void measure_clients(const std::vector<const RequestRecord*>& records, int64_t clients, double think_seconds,
                     LatencyStats& stats) {
  std::vector<double> lifetime(static_cast<std::size_t>(clients), 0.0);
  for (const RequestRecord* r : records) {
    double& end = lifetime[static_cast<std::size_t>(r->index % clients)];
    end = std::max(end, r->end);
  }
  double lifetimes = 0;
  for (double end : lifetime) lifetimes += end;
  const double n = static_cast<double>(records.size());
  stats.clients = clients;
  stats.think_mean = n > 0 ? think_seconds / n : 0;  // every request served had one think
  stats.clients_throughput = lifetimes > 0 ? static_cast<double>(clients) * n / lifetimes : 0;
  stats.saturated = false;  // at most N requests wait: a closed loop slows its clients down instead
}

LatencyStats stats_of(const std::string& source, const std::vector<const RequestRecord*>& records, int64_t clients,
                      double think_seconds) {
  LatencyStats stats;
  stats.source = source;
  stats.count = static_cast<int64_t>(records.size());
  if (records.empty()) return stats;
  std::vector<double> latencies;
  double sum = 0, last_arrival = 0, last_end = 0;
  for (const RequestRecord* r : records) {
    latencies.push_back(r->end - r->arrival);
    sum += latencies.back();
    last_arrival = std::max(last_arrival, r->arrival);
    last_end = std::max(last_end, r->end);
    for (int p = 0; p < kRequestPartCount; ++p) stats.mean_parts[p] += r->parts[p];
  }
  const double n = static_cast<double>(records.size());
  for (double& part : stats.mean_parts) part /= n;
  std::sort(latencies.begin(), latencies.end());
  stats.mean = sum / n;
  stats.p50 = nearest_rank(latencies, 0.50);
  stats.p90 = nearest_rank(latencies, 0.90);
  stats.p99 = nearest_rank(latencies, 0.99);
  stats.p999 = nearest_rank(latencies, 0.999);
  stats.max = latencies.back();
  stats.offered = last_arrival > 0 ? n / last_arrival : 0;
  stats.throughput = last_end > 0 ? n / last_end : 0;
  measure_queue(records, stats);
  if (clients > 0) measure_clients(records, clients, think_seconds, stats);
  return stats;
}

}  // namespace

double nearest_rank(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double rank = std::ceil(p * static_cast<double>(sorted.size()) - 1e-9);  // 0.99 * 100 is 99.00000000000001
  const std::size_t index = static_cast<std::size_t>(std::max(1.0, rank)) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

std::string short_latency(double seconds) {
  char buffer[32];
  if (seconds >= 1) std::snprintf(buffer, sizeof buffer, "%.3gs", seconds);
  else if (seconds >= 1e-3) std::snprintf(buffer, sizeof buffer, "%.3gms", seconds * 1e3);
  else std::snprintf(buffer, sizeof buffer, "%.3gus", seconds * 1e6);
  return buffer;
}

std::vector<LatencyStats> latency_stats(const Timeline& timeline) {
  std::vector<std::vector<const RequestRecord*>> by_source(timeline.request_sources.size());
  for (const RequestRecord& r : timeline.requests) by_source[static_cast<std::size_t>(r.source)].push_back(&r);
  std::vector<LatencyStats> stats;
  for (std::size_t s = 0; s < by_source.size(); ++s) {
    const int64_t clients = s < timeline.request_clients.size() ? timeline.request_clients[s] : 0;
    const double think = s < timeline.request_think_seconds.size() ? timeline.request_think_seconds[s] : 0;
    stats.push_back(stats_of(timeline.request_sources[s], by_source[s], clients, think));
  }
  return stats;
}

void write_latency_json(std::ostream& out, const std::vector<LatencyStats>& stats, const std::string& pad) {
  for (std::size_t i = 0; i < stats.size(); ++i) {
    const LatencyStats& s = stats[i];
    out << (i ? ",\n" : "\n") << pad << "{\"source\": " << json::quote(s.source) << ", \"count\": " << s.count
        << ", \"mean_s\": " << json::seconds(s.mean) << ", \"p50_s\": " << json::seconds(s.p50)
        << ", \"p90_s\": " << json::seconds(s.p90) << ", \"p99_s\": " << json::seconds(s.p99)
        << ", \"p99_9_s\": " << json::seconds(s.p999) << ", \"max_s\": " << json::seconds(s.max)
        << ", \"offered_per_s\": " << json::number(s.offered) << ", \"throughput_per_s\": " << json::number(s.throughput)
        << ", \"queue_at_last_arrival\": " << s.queue_at_last_arrival << ", \"peak_queue\": " << s.peak_queue
        << ", \"saturated\": " << (s.saturated ? "true" : "false") << ", \"mean_parts_s\": {";
    for (int p = 0; p < kRequestPartCount; ++p)
      out << (p ? ", " : "") << json::quote(kRequestPartNames[p]) << ": " << json::seconds(s.mean_parts[p]);
    out << "}";
    if (s.clients > 0)  // a closed loop's only: open loops' entries keep their keys
      out << ", \"clients\": " << s.clients << ", \"think_mean_s\": " << json::seconds(s.think_mean)
          << ", \"clients_throughput_per_s\": " << json::number(s.clients_throughput);
    out << "}";
  }
}

std::vector<LatencyStats> latency_from_json(const YAML::Node& node) {
  std::vector<LatencyStats> stats;
  if (!node.IsDefined()) return stats;
  for (const auto& entry : node) {
    LatencyStats s;
    s.source = entry["source"].as<std::string>();
    s.count = entry["count"].as<int64_t>();
    s.mean = entry["mean_s"].as<double>();
    s.p50 = entry["p50_s"].as<double>();
    s.p90 = entry["p90_s"].as<double>();
    s.p99 = entry["p99_s"].as<double>();
    s.p999 = entry["p99_9_s"].as<double>();
    s.max = entry["max_s"].as<double>();
    s.offered = entry["offered_per_s"].as<double>();
    s.throughput = entry["throughput_per_s"].as<double>();
    s.queue_at_last_arrival = entry["queue_at_last_arrival"].as<int64_t>();
    s.peak_queue = entry["peak_queue"].as<int64_t>();
    s.saturated = entry["saturated"].as<bool>();
    for (int p = 0; p < kRequestPartCount; ++p) s.mean_parts[p] = entry["mean_parts_s"][kRequestPartNames[p]].as<double>();
    if (entry["clients"].IsDefined()) {
      s.clients = entry["clients"].as<int64_t>();
      s.think_mean = entry["think_mean_s"].as<double>();
      s.clients_throughput = entry["clients_throughput_per_s"].as<double>();
    }
    stats.push_back(s);
  }
  return stats;
}

}  // namespace gilsim
