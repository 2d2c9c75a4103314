#include "sim/trace/SeededSummary.hpp"

#include <algorithm>

namespace gilsim {
namespace {

template <class Field>
Spread spread_over(const std::vector<Summary>& runs, Field field) {
  std::vector<double> values;
  for (const Summary& s : runs) values.push_back(field(s));
  return spread_of(values);
}

template <class Field>
Spread source_spread(const std::vector<Summary>& runs, std::size_t source, Field field) {
  std::vector<double> values;
  for (const Summary& s : runs) values.push_back(field(s.latency[source]));
  return spread_of(values);
}

LatencyStats mean_stats(const std::vector<Summary>& runs, std::size_t source) {
  LatencyStats m;
  m.source = runs.front().latency[source].source;
  const double n = static_cast<double>(runs.size());
  double count = 0, queue = 0, peak = 0;
  for (const Summary& s : runs) {
    const LatencyStats& l = s.latency[source];
    count += static_cast<double>(l.count);
    m.mean += l.mean / n;
    m.p50 += l.p50 / n;
    m.p90 += l.p90 / n;
    m.p99 += l.p99 / n;
    m.p999 += l.p999 / n;
    m.max += l.max / n;
    m.offered += l.offered / n;
    m.throughput += l.throughput / n;
    queue += static_cast<double>(l.queue_at_last_arrival);
    peak += static_cast<double>(l.peak_queue);
    m.saturated = m.saturated || l.saturated;
    for (int p = 0; p < kRequestPartCount; ++p) m.mean_parts[p] += l.mean_parts[p] / n;
  }
  m.count = static_cast<int64_t>(count / n + 0.5);
  m.queue_at_last_arrival = static_cast<int64_t>(queue / n + 0.5);
  m.peak_queue = static_cast<int64_t>(peak / n + 0.5);
  return m;
}

}  // namespace

SeededVariant aggregate_seeds(uint64_t first_seed, std::vector<Summary> runs) {
  SeededVariant v;
  v.first_seed = first_seed;
  v.runs = std::move(runs);
  v.makespan = spread_over(v.runs, [](const Summary& s) { return s.makespan; });
  v.speedup = spread_over(v.runs, [](const Summary& s) { return s.speedup; });
  v.cpu_utilisation = spread_over(v.runs, [](const Summary& s) { return s.cpu_utilisation; });
  v.gil_switches = spread_over(v.runs, [](const Summary& s) { return static_cast<double>(s.gil_switches); });
  for (std::size_t source = 0; source < v.first().latency.size(); ++source) {
    LatencySpread l;
    l.source = v.first().latency[source].source;
    l.count = source_spread(v.runs, source, [](const LatencyStats& x) { return static_cast<double>(x.count); });
    l.mean = source_spread(v.runs, source, [](const LatencyStats& x) { return x.mean; });
    l.p50 = source_spread(v.runs, source, [](const LatencyStats& x) { return x.p50; });
    l.p99 = source_spread(v.runs, source, [](const LatencyStats& x) { return x.p99; });
    l.throughput = source_spread(v.runs, source, [](const LatencyStats& x) { return x.throughput; });
    for (const Summary& s : v.runs) l.saturated_seeds += s.latency[source].saturated;
    v.latency.push_back(l);
    v.mean_latency.push_back(mean_stats(v.runs, source));
  }
  return v;
}

void rank_variants(std::vector<SeededVariant>& variants) {
  bool open_loop = false;
  std::size_t sources = 0;
  for (const SeededVariant& v : variants) {
    open_loop = open_loop || !v.latency.empty();
    sources = std::max(sources, v.latency.size());
  }
  if (!open_loop) {
    std::vector<const Spread*> makespans;
    for (const SeededVariant& v : variants) makespans.push_back(&v.makespan);
    const std::vector<TieRank> ranks = rank_lowest_with_ties(makespans);
    for (std::size_t i = 0; i < variants.size(); ++i) variants[i].makespan_rank = ranks[i];
    return;
  }
  for (std::size_t source = 0; source < sources; ++source) {
    std::vector<const Spread*> p99s;
    for (const SeededVariant& v : variants)
      p99s.push_back(source < v.latency.size() && v.latency[source].count.mean > 0 ? &v.latency[source].p99 : nullptr);
    const std::vector<TieRank> ranks = rank_lowest_with_ties(p99s);
    for (std::size_t i = 0; i < variants.size(); ++i)
      if (source < variants[i].latency.size()) variants[i].latency[source].p99_rank = ranks[i];
  }
}

}  // namespace gilsim
