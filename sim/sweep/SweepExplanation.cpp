#include "sim/sweep/SweepExplanation.hpp"

#include <algorithm>
#include <cstdio>

namespace gilsim::sweep {

const char* bottleneck_name(Bottleneck b) {
  switch (b) {
    case Bottleneck::Gil: return "GIL";
    case Bottleneck::Cores: return "cores";
    case Bottleneck::Io: return "I/O";
    case Bottleneck::Parallelism: return "parallelism";
    case Bottleneck::Startup: return "start-up";
    case Bottleneck::Transfer: return "transfer";
    case Bottleneck::None: break;
  }
  return "";
}

Bottleneck classify(const RowMetrics& m) {
  const bool saturated = m.cpu_utilisation >= kCoresBoundUtilisation;
  if (saturated && m.busy_threads > kOversubscribed * m.hardware_threads) return Bottleneck::Cores;
  if (m.startup_share >= kStartupBoundShare) return Bottleneck::Startup;
  if (m.transfer_ratio >= kTransferBoundRatio) return Bottleneck::Transfer;
  if (m.gil_wait_share >= kGilBoundShare) return Bottleneck::Gil;
  if (saturated) return Bottleneck::Cores;
  if (m.io_share >= kIoBoundShare) return Bottleneck::Io;
  return Bottleneck::Parallelism;
}

namespace {

// The evidence for a bottleneck, from the row's metrics.
std::string evidence(const SweepRow& row) {
  const RowMetrics& m = row.metrics;
  char busy[96];
  std::snprintf(busy, sizeof busy, "%.1f busy threads for %d hardware threads", m.busy_threads, m.hardware_threads);
  switch (row.bottleneck) {
    case Bottleneck::Gil: return "gil-wait " + percent(m.gil_wait_share) + " of thread time";
    case Bottleneck::Cores:
      return "cpu utilisation " + percent(m.cpu_utilisation) +
             (m.busy_threads > kOversubscribed * m.hardware_threads ? std::string(", ") + busy : "");
    case Bottleneck::Io: return "I/O " + percent(m.io_share) + " of thread time";
    case Bottleneck::Parallelism:
      return "cpu utilisation " + percent(m.cpu_utilisation) + ": on average " + busy;
    case Bottleneck::Startup:
      return "the last process is ready after " + percent(m.startup_share) + " of the makespan";
    case Bottleneck::Transfer:
      return "pickling and pipe I/O: " + formatted("%.2f", m.transfer_ratio) + " thread-seconds per second of makespan";
    case Bottleneck::None: break;
  }
  return "";
}

std::string bound_phrase(Bottleneck b) {
  switch (b) {
    case Bottleneck::Gil: return "GIL-bound";
    case Bottleneck::Cores: return "cores-bound";
    case Bottleneck::Io: return "I/O-bound";
    case Bottleneck::Parallelism: return "limited by parallelism";
    case Bottleneck::Startup: return "start-up-bound";
    case Bottleneck::Transfer: return "transfer-bound";
    case Bottleneck::None: break;
  }
  return "";
}

}  // namespace

std::string explain_series(const SweepPlan& plan, const std::vector<const SweepRow*>& rows) {
  const std::string label = plan.series_label(*rows.front()->config);
  std::vector<const SweepRow*> points;
  for (const SweepRow* r : rows)
    if (r->ok && r->speedup >= 0) points.push_back(r);
  const SweepRow* baseline = rows.front();  // cores are ascending and always start at 1
  if (!baseline->ok) return label + ": no speedup: the 1-core baseline has no result (" + baseline->error + ")";
  if (points.size() < 2) {
    if (rows.size() < 2) return label + ": only 1 core was swept; nothing to compare";
    return label + ": only the 1-core baseline has a result; nothing to compare";
  }

  // The knee: the last core count reached by steps that each gain >= 10% of the ideal gain.
  std::size_t k = 0;
  while (k + 1 < points.size()) {
    const double ratio = static_cast<double>(points[k + 1]->config->cores) / points[k]->config->cores;
    if (points[k + 1]->speedup < points[k]->speedup * (1 + kScalingGainFraction * (ratio - 1))) break;
    ++k;
  }
  const SweepRow* knee = points[k];
  const SweepRow* last = points.back();
  std::string sentence;
  if (k + 1 == points.size()) {
    sentence = label + ": scales up to the largest core count swept, " + std::to_string(last->config->cores) + " (" +
               times(last->speedup) + ", efficiency " + percent(last->efficiency) + "); there it is " +
               bound_phrase(last->bottleneck) + " (" + evidence(*last) + ")";
    return sentence;
  }
  const SweepRow* stop = points[k + 1];
  if (k == 0) {
    double lo = points.front()->speedup, hi = lo;
    for (const SweepRow* p : points) lo = std::min(lo, p->speedup), hi = std::max(hi, p->speedup);
    const std::string range = times(lo) == times(hi) ? "stays at " + times(lo) : "stays between " + times(lo) + " and " + times(hi);
    sentence = label + ": " + bound_phrase(stop->bottleneck) + ": speedup " + range + " from " +
               std::to_string(points.front()->config->cores) + " to " + cores_text(last->config->cores) + " (" +
               evidence(*stop) + (stop == last ? "" : " at " + cores_text(stop->config->cores)) + ")";
  } else {
    sentence = label + ": scales to " + cores_text(knee->config->cores) + " (" + times(knee->speedup) + ", efficiency " +
               percent(knee->efficiency) + "); " + bound_phrase(stop->bottleneck) + " above (" + evidence(*stop) +
               " at " + cores_text(stop->config->cores) + ")";
  }
  // What happens further out, when it differs.
  const SweepRow* best = knee;
  for (std::size_t i = k + 1; i < points.size(); ++i)
    if (points[i]->speedup > best->speedup) best = points[i];
  if (best != knee && best->speedup >= knee->speedup * (1 + kScalingGainFraction))
    sentence += "; speedup rises again to " + times(best->speedup) + " at " + cores_text(best->config->cores);
  else if (last->speedup < knee->speedup * (1 - kScalingGainFraction))
    sentence += "; it slows down to " + times(last->speedup) + " at " + cores_text(last->config->cores);
  if (last != stop && last->bottleneck != stop->bottleneck)
    sentence += "; at " + cores_text(last->config->cores) + ": " + bound_phrase(last->bottleneck) + " (" +
                evidence(*last) + ")";
  return sentence;
}

}  // namespace gilsim::sweep
