#include "sim/loader/LayoutJson.hpp"

#include <cstdio>
#include <map>
#include <string>

#include "models/steps/StepTree.hpp"
#include "sim/loader/ExecutionCount.hpp"
#include "sim/loader/RandomDraws.hpp"
#include "sim/scenario/WorkloadLayout.hpp"
#include "sim/util/JsonWriter.hpp"
#include "sim/util/Rng.hpp"

namespace gilsim {
namespace {

const char* role_name(ThreadRole role) {
  switch (role) {
    case ThreadRole::Program: return "program";
    case ThreadRole::ParentMain: return "main";
    case ThreadRole::ExecutorWorker: return "executor";
    case ThreadRole::QueueFeeder: return "feeder";
    case ThreadRole::PoolManager: return "pool_manager";
    case ThreadRole::PoolFeeder: return "pool_feeder";
    case ThreadRole::PoolWorker: return "pool_worker";
  }
  return "program";
}

std::string int_list(const std::vector<int>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + std::to_string(values[i]);
  return out + "]";
}

// [process spec, thread spec] of a scenario thread, or null for a thread the layout adds.
std::string program_of(const Scenario& scenario, const ThreadSpec* spec) {
  for (std::size_t p = 0; p < scenario.processes.size(); ++p)
    for (std::size_t t = 0; t < scenario.processes[p].threads.size(); ++t)
      if (&scenario.processes[p].threads[t] == spec) return "[" + std::to_string(p) + ", " + std::to_string(t) + "]";
  return "null";
}

std::string step_table(const ThreadSpec& spec) {
  std::vector<std::string> labels, kinds;
  describe_steps(spec.program, labels, kinds);
  std::string out = "[";
  for (std::size_t i = 0; i < labels.size(); ++i)
    out += (i ? ", [" : "[") + json::quote(kinds[i]) + ", " + json::quote(labels[i]) + "]";
  return out + "]";
}

// The first `count` uniforms of the thread's stream, exactly (17 significant digits read back
// to the same double), or null past kMaxExportedDraws or once `exported` would pass
// kMaxExportedDrawsInAll.
std::string uniforms(uint64_t seed, int thread, double count, double& exported) {
  if (count > kMaxExportedDraws || exported + count > kMaxExportedDrawsInAll) return "null";
  exported += count;
  Rng rng = Rng::for_stream(seed, static_cast<uint64_t>(thread));
  std::string out = "[";
  char buffer[32];
  for (int64_t i = 0; i < static_cast<int64_t>(count); ++i) {
    std::snprintf(buffer, sizeof buffer, "%.17g", rng.uniform());
    out += (i ? ", " : "") + std::string(buffer);
  }
  return out + "]";
}

double draws_of(const WorkloadLayout& layout, std::size_t thread, const std::map<std::string, double>& messages) {
  const ThreadInstance& t = layout.threads()[thread];
  if (t.role == ThreadRole::Program) return random_draws(t.spec->program, messages);
  if (t.role == ThreadRole::ExecutorWorker)
    return executor_draws(layout.threads()[static_cast<std::size_t>(t.loop_thread)].spec->program, messages);
  return 0;
}

}  // namespace

void write_layout_json(std::ostream& out, const Scenario& scenario) {
  const WorkloadLayout layout(scenario);
  const std::map<std::string, double> messages = count_workload_executions(scenario.processes).messages;
  double exported = 0;
  out << "{\"processes\": [";
  for (std::size_t p = 0; p < layout.processes().size(); ++p) {
    const ProcessInstance& process = layout.processes()[p];
    bool parent_main = false, scenario_threads = false;
    for (const ThreadInstance& t : layout.threads())
      if (t.process == static_cast<int>(p)) (t.role == ThreadRole::ParentMain ? parent_main : scenario_threads) = true;
    out << (p ? "," : "") << "\n    {\"index\": " << p << ", \"name\": " << json::quote(process.name)
        << ", \"start_method\": "
        << (process.start_method ? json::quote(start_method_name(*process.start_method)) : std::string("null"))
        << ", \"synthesized\": " << (parent_main && !scenario_threads ? "true" : "false")
        << ", \"parent\": " << (parent_main && scenario_threads ? "true" : "false")
        << ", \"pool_owner\": " << process.pool_owner << ", \"threads\": [";
    bool first = true;
    for (std::size_t i = 0; i < layout.threads().size(); ++i) {
      const ThreadInstance& t = layout.threads()[i];
      if (t.process != static_cast<int>(p)) continue;
      const double draws = draws_of(layout, i, messages);
      out << (first ? "" : ",") << "\n      {\"index\": " << i << ", \"name\": " << json::quote(t.name)
          << ", \"role\": \"" << role_name(t.role) << "\", \"program\": " << program_of(scenario, t.spec)
          << ", \"loop_thread\": " << t.loop_thread
          << ", \"affinity\": " << int_list(layout.allowed_cpus(static_cast<int>(i), {}))
          << ", \"steps\": " << step_table(*t.spec) << ", \"random_draws\": " << format_count(draws)
          << ", \"uniforms\": " << uniforms(scenario.runtime.seed, static_cast<int>(i), draws, exported) << "}";
      first = false;
    }
    out << "]}";
  }
  out << "\n  ]}";
}

}  // namespace gilsim
