#include <cmath>
#include <cstdlib>

#include "sim/util/Units.hpp"
#include "sim/validation/CaseReading.hpp"

namespace gilsim {
namespace {

struct KindName {
  const char* name;
  MetricKind kind;
};
constexpr KindName kKinds[] = {{"makespan", MetricKind::Makespan},       {"duration", MetricKind::Duration},
                               {"rate", MetricKind::Rate},               {"handover_rate", MetricKind::HandoverRate},
                               {"run_length", MetricKind::RunLength},    {"handover_gap", MetricKind::HandoverGap},
                               {"python_share", MetricKind::PythonShare}, {"latency", MetricKind::Latency}};

struct StatisticName {
  const char* name;
  Statistic statistic;
};
constexpr StatisticName kStatistics[] = {{"median", Statistic::Median}, {"p90", Statistic::P90}, {"p95", Statistic::P95},
                                         {"p99", Statistic::P99},       {"mean", Statistic::Mean}, {"min", Statistic::Min},
                                         {"max", Statistic::Max},       {"sum", Statistic::Sum}};

// The models a comparison can validate (README "The validation suite").
const char* const kModels[] = {"gil", "scheduler", "call-costs", "ipc", "start-methods", "io", "asyncio",
                               "native", "locks", "pool", "sockets"};

template <typename Table>
std::string names_of(const Table& table) {
  std::string out;
  for (const auto& entry : table) out += (out.empty() ? "" : ", ") + std::string(entry.name);
  return out;
}

Selector read_selector(const ValueReader& values, const YAML::Node& node, const std::string& path) {
  MapReader map(values.source, node, path);
  Selector s;
  auto field = [&](const char* key, std::string& out) {
    if (const YAML::Node n = map.get(key); n.IsDefined()) out = values.string(n, map.path_of(key));
  };
  field("process", s.process);
  field("thread", s.thread);
  field("span", s.span);
  field("kind", s.kind);
  map.reject_unknown_keys();
  return s;
}

bool measures_time(MetricKind kind) {
  return kind == MetricKind::Makespan || kind == MetricKind::Duration || kind == MetricKind::RunLength ||
         kind == MetricKind::HandoverGap || kind == MetricKind::Latency;
}

void read_gaps(const ValueReader& values, const YAML::Node& node, const std::string& path, const CaseFile& file,
               MetricSpec& m) {
  values.expect_sequence(node, path);
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    MapReader gap(values.source, node[i], at);
    const std::string missing = values.text(gap.require("missing"), gap.path_of("missing"));
    const YAML::Node bands = gap.require("bands");
    gap.reject_unknown_keys();
    MapReader runs(values.source, bands, gap.path_of("bands"));
    for (const auto& entry : bands) {
      const std::string run = entry.first.Scalar();
      const std::string band_path = runs.path_of(run);
      runs.get(run);
      bool known = false;
      for (const CaseRun& r : file.runs) known |= r.name == run;
      if (!known || !file.metric_applies(m, run))
        values.source.fail(entry.first, band_path, "no run '" + run + "' has this metric");
      if (m.bands.count(run)) values.source.fail(entry.first, band_path, "a second band for run '" + run + "'");
      if (!entry.second.IsSequence() || entry.second.size() != 2)
        values.source.fail(entry.second, band_path, "expected [low, high], signed errors such as [-60%, -40%]");
      PinnedBand band;
      band.low = read_fraction(values, entry.second[0], band_path + "[0]", true);
      band.high = read_fraction(values, entry.second[1], band_path + "[1]", true);
      band.missing = missing;
      band.where = values.source.where(entry.second);
      if (band.low > band.high) values.source.fail(entry.second, band_path, "the band's low end is above its high end");
      m.bands.emplace(run, band);
    }
  }
}

}  // namespace

const char* metric_kind_name(MetricKind kind) {
  for (const KindName& k : kKinds)
    if (k.kind == kind) return k.name;
  return "?";
}

bool is_rate(MetricKind kind) { return kind == MetricKind::Rate || kind == MetricKind::HandoverRate; }

bool takes_statistic(MetricKind kind) {
  return kind == MetricKind::Duration || kind == MetricKind::RunLength || kind == MetricKind::HandoverGap ||
         kind == MetricKind::Latency;
}

const char* statistic_name(Statistic statistic) {
  for (const StatisticName& s : kStatistics)
    if (s.statistic == statistic) return s.name;
  return "?";
}

double read_fraction(const ValueReader& values, const YAML::Node& node, const std::string& path, bool allow_negative) {
  const std::string expected = allow_negative ? "expected a signed fraction such as '-40%' or -0.4"
                                              : "expected a non-negative fraction such as '5%' or 0.05";
  if (!node.IsScalar()) values.source.fail(node, path, expected + ", got " + describe_node(node));
  std::string text = node.Scalar();
  const bool percent = !text.empty() && text.back() == '%';
  if (percent) text.pop_back();
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(value) || (!allow_negative && value < 0))
    values.source.fail(node, path, expected + ", got '" + node.Scalar() + "'");
  return percent ? value / 100 : value;
}

std::vector<std::string> read_strings(const ValueReader& values, const YAML::Node& node, const std::string& path) {
  if (node.IsScalar()) return {node.Scalar()};
  values.expect_sequence(node, path);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < node.size(); ++i) out.push_back(values.string(node[i], path + "[" + std::to_string(i) + "]"));
  return out;
}

std::vector<MetricSpec> read_metrics(const ValueReader& values, const YAML::Node& node, const CaseFile& file) {
  values.expect_sequence(node, "metrics");
  std::vector<MetricSpec> metrics;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "metrics[" + std::to_string(i) + "]";
    MapReader map(values.source, node[i], path);
    MetricSpec m;
    m.where = values.source.where(node[i]);
    m.name = unique_name(values, map, node[i], metrics, "metric");
    m.validates = values.string(map.require("validates"), map.path_of("validates"));
    bool known_model = false;
    std::string models;
    for (const char* model : kModels) {
      known_model |= m.validates == model;
      models += (models.empty() ? "" : ", ") + std::string(model);
    }
    if (!known_model) values.source.fail(map.get("validates"), map.path_of("validates"), "unknown model; expected one of: " + models);
    const YAML::Node kind = map.require("kind");
    const std::string kind_text = values.string(kind, map.path_of("kind"));
    bool found = false;
    for (const KindName& k : kKinds)
      if (kind_text == k.name) {
        m.kind = k.kind;
        found = true;
      }
    if (!found) values.source.fail(kind, map.path_of("kind"), "unknown metric kind; expected one of: " + names_of(kKinds));
    if (const YAML::Node stat = map.get("stat"); stat.IsDefined()) {
      const std::string text = values.string(stat, map.path_of("stat"));
      found = false;
      for (const StatisticName& s : kStatistics)
        if (text == s.name) {
          m.statistic = s.statistic;
          found = true;
        }
      if (!found) values.source.fail(stat, map.path_of("stat"), "unknown statistic; expected one of: " + names_of(kStatistics));
      if (!takes_statistic(m.kind))
        values.source.fail(stat, map.path_of("stat"), "only duration, run_length, handover_gap and latency metrics take a statistic");
    }
    m.measured = read_selector(values, map.require("measured"), map.path_of("measured"));
    m.simulated = read_selector(values, map.require("simulated"), map.path_of("simulated"));
    if (const YAML::Node w = map.get("while"); w.IsDefined()) {
      if (m.kind != MetricKind::Rate) values.source.fail(w, map.path_of("while"), "only rate metrics take a window");
      MapReader window(values.source, w, map.path_of("while"));
      m.measured_window = read_selector(values, window.require("measured"), window.path_of("measured"));
      m.simulated_window = read_selector(values, window.require("simulated"), window.path_of("simulated"));
      window.reject_unknown_keys();
      m.has_window = true;
    }
    m.tolerance = is_rate(m.kind) ? 0.10 : 0.05;  // the project's targets: 10% on rates, 5% on times
    if (const YAML::Node t = map.get("tolerance"); t.IsDefined()) m.tolerance = read_fraction(values, t, map.path_of("tolerance"), false);
    if (const YAML::Node r = map.get("resolution"); r.IsDefined())
      m.resolution = measures_time(m.kind) ? values.duration(r, map.path_of("resolution"), true)
                                           : values.number(r, map.path_of("resolution"), 0, 1e12);
    if (const YAML::Node runs = map.get("runs"); runs.IsDefined()) {
      m.runs = read_strings(values, runs, map.path_of("runs"));
      for (const std::string& pattern : m.runs) {
        bool any = false;
        for (const CaseRun& r : file.runs) any |= pattern_matches(pattern, r.name);
        if (!any) values.source.fail(runs, map.path_of("runs"), "no run matches '" + pattern + "'");
      }
    }
    if (const YAML::Node gaps = map.get("gaps"); gaps.IsDefined()) read_gaps(values, gaps, map.path_of("gaps"), file, m);
    map.reject_unknown_keys();
    metrics.push_back(std::move(m));
  }
  if (metrics.empty()) values.source.fail(node, "metrics", "expected at least one metric");
  return metrics;
}

}  // namespace gilsim
