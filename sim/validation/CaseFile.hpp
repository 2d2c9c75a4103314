#pragma once
#include <map>
#include <string>
#include <vector>

namespace gilsim {

// Which spans (or GIL runs, by the span they lie in) of one side a metric reads. Each field is a
// pattern (pattern_matches); an empty field matches everything.
struct Selector {
  std::string process;
  std::string thread;
  std::string span;  // the span's name (a simulated step's label, e.g. "io 1ms")
  std::string kind;  // the span's kind (a simulated step's kind, e.g. "io"; a program span's name)
};

enum class MetricKind {
  Makespan,      // last end - first start of the selected spans
  Duration,      // a statistic of the selected spans' durations
  Rate,          // selected spans per second, within the window where `while` spans run
  HandoverRate,  // GIL hand-overs per second between the selected runs' threads
  RunLength,     // a statistic of the lengths of the selected GIL runs
  HandoverGap,   // a statistic of the gaps at hand-overs (one run's end to the next thread's start)
  PythonShare,   // time of the selected spans covered by GIL runs, over their total time
  Latency,       // a statistic of the selected requests' latencies (SpanTrace::requests)
};
const char* metric_kind_name(MetricKind kind);
bool is_rate(MetricKind kind);  // per second (tolerance target 10%) rather than seconds (5%)

enum class Statistic { Median, P90, P95, P99, Mean, Min, Max, Sum };
const char* statistic_name(Statistic statistic);
bool takes_statistic(MetricKind kind);  // duration, run_length, handover_gap, latency

// A known gap: the comparison passes while its signed error stays inside [low, high].
struct PinnedBand {
  double low = 0;
  double high = 0;
  std::string missing;  // the mechanism gilsim lacks (or the reason), shown in reports
  std::string where;    // file:line:col of the band, for messages
};

struct MetricSpec {
  std::string name;
  std::string validates;  // the model it validates: gil, scheduler, call-costs, ipc, ...
  MetricKind kind = MetricKind::Makespan;
  Statistic statistic = Statistic::Median;
  Selector measured;
  Selector simulated;
  bool has_window = false;
  Selector measured_window;  // Rate: only while these spans run (first start to last end)
  Selector simulated_window;
  double tolerance = 0.05;   // |simulated - measured| <= tolerance x measured + resolution
  double resolution = 0;     // in the metric's unit: what the measurement cannot tell apart
  std::vector<std::string> runs;  // patterns of the runs that have this metric (all when empty)
  std::map<std::string, PinnedBand> bands;  // run name -> its pinned band
  std::string where;
};

// One recorded run of the program: its arguments, and the scenario, variant and overrides that
// describe it. Overrides apply to every variant of the scenario (as --set does), so runs whose
// workloads differ in shape use scenario files of their own. Overrides may use {work.KEY}: the
// mean of the traces' otherData.work.KEY.
struct CaseRun {
  std::string name;
  std::vector<std::string> args;
  std::string scenario;  // the case's, unless the run names its own (a workload of another shape)
  std::string variant;
  std::vector<std::string> overrides;
  std::string where;
};

// A negative control: the suite run with a deliberately wrong model, where the named
// comparisons ("run/metric") must fail.
struct CaseControl {
  std::string name;
  std::vector<std::pair<std::string, double>> scales;  // parameter path -> factor
  std::vector<std::string> must_fail;
  std::string where;
};

// scenarios/validation/<case>/case.yaml (README "The validation suite").
struct CaseFile {
  std::string file;
  std::string directory;  // where program, scenario, profile and traces are resolved from
  std::string name;
  std::string description;
  std::string program;
  std::string scenario;  // the runs' default (may be empty: each run names its own)
  std::string profile;
  std::string traces;  // directory of <run>.rep<k>.trace.json
  std::vector<CaseRun> runs;
  std::vector<MetricSpec> metrics;
  std::vector<CaseControl> controls;

  bool metric_applies(const MetricSpec& metric, const std::string& run) const;
};

// Reads and checks a case file (matrix runs expanded); throws ScenarioError with file:line:col.
CaseFile read_case_file(const std::string& file);

// '*' matches any text (possibly empty), '|' separates alternatives ("sleep|io"); every other
// character matches itself.
bool pattern_matches(const std::string& pattern, const std::string& text);

}  // namespace gilsim
