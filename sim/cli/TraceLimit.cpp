#include "sim/cli/TraceLimit.hpp"

#include "sim/loader/ExecutionCount.hpp"
#include "sim/util/ScenarioError.hpp"
#include "sim/util/InputFile.hpp"

namespace gilsim {
namespace {

// The smallest step span plus state span gilsim writes (measured: see README "Limits").
constexpr double kMinTraceBytesPerStep = 200;

}  // namespace

const char* const kTraceTooLarge = "write part of the run with --trace-window START:END";

void check_trace_size(const Scenario& scenario, const std::string& where) {
  const double steps = count_workload_executions(scenario.processes).steps;
  if (steps * kMinTraceBytesPerStep <= static_cast<double>(kMaxTraceBytes)) return;
  throw ScenarioError(where, std::string("the trace") + (scenario.variant.empty() ? "" : " of variant '" + scenario.variant + "'") +
                                 " would be larger than the limit of " + describe_bytes(kMaxTraceBytes) + " (" +
                                 format_count(steps) + " step executions); " + kTraceTooLarge);
}

}  // namespace gilsim
