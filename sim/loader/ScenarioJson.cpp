#include "sim/loader/ScenarioJson.hpp"

#include <stdexcept>
#include <string>

#include "sim/loader/LayoutJson.hpp"
#include "sim/util/JsonWriter.hpp"

namespace gilsim {
namespace {

// The kind's own write_step writes the rest of the object, from its "kind" on.
void write_step_json(std::ostream& out, const Step& step, const std::string& pad) {
  std::visit(
      [&](const auto& action) {
        using Kind = std::decay_t<decltype(action)>;
        if constexpr (Kind::kTraits.exported)
          write_step(out, action, pad);
        else
          throw std::logic_error(std::string("step kind '") + Kind::kTraits.kind + "' is never exported");
      },
      step.action);
}

// A CPU set as a JSON list ([] for "every CPU").
std::string cpu_list(const std::vector<int>& cpus) {
  std::string out = "[";
  for (std::size_t i = 0; i < cpus.size(); ++i) out += (i ? ", " : "") + std::to_string(cpus[i]);
  return out + "]";
}

}  // namespace

std::string latency_json(const Latency& latency) {
  switch (latency.kind) {
    case Latency::Kind::Fixed:
      return "{\"distribution\": \"fixed\", \"latency_s\": " + json::seconds(latency.a) + "}";
    case Latency::Kind::Uniform:
      return "{\"distribution\": \"uniform\", \"min_s\": " + json::seconds(latency.a) +
             ", \"max_s\": " + json::seconds(latency.b) + "}";
    case Latency::Kind::Exponential:
      return "{\"distribution\": \"exponential\", \"mean_s\": " + json::seconds(latency.a) + "}";
  }
  return "{}";
}

// A file's arrivals are exported as their times: the export is self-contained.
std::string arrivals_json(const ArrivalSpec& a) {
  switch (a.kind) {
    case ArrivalSpec::Kind::Fixed: return "{\"distribution\": \"fixed\", \"rate_per_s\": " + json::number(a.rate) + "}";
    case ArrivalSpec::Kind::Exponential:
      return "{\"distribution\": \"exponential\", \"rate_per_s\": " + json::number(a.rate) + "}";
    case ArrivalSpec::Kind::Uniform:
      return "{\"distribution\": \"uniform\", \"min_gap_s\": " + json::seconds(a.min_gap) +
             ", \"max_gap_s\": " + json::seconds(a.max_gap) + "}";
    case ArrivalSpec::Kind::File: {
      std::string out = "{\"file\": " + json::quote(a.file) + ", \"times_s\": [";
      for (std::size_t i = 0; i < a.times.size(); ++i) out += (i ? ", " : "") + json::seconds(a.times[i]);
      return out + "]}";
    }
  }
  return "{}";
}

std::string semaphores_json(const std::vector<SemaphoreSpec>& semaphores) {
  std::string out = "[";
  for (std::size_t i = 0; i < semaphores.size(); ++i)
    out += (i ? ", " : "") + std::string("{\"name\": ") + json::quote(semaphores[i].name) +
           ", \"value\": " + std::to_string(semaphores[i].value) +
           ", \"bounded\": " + (semaphores[i].bounded ? "true" : "false") + "}";
  return out + "]";
}

void write_program_json(std::ostream& out, const std::vector<Step>& program, const std::string& pad) {
  out << "[";
  for (std::size_t i = 0; i < program.size(); ++i) {
    const Step& step = program[i];
    out << (i ? "," : "") << "\n" << pad << "  {\"label\": " << json::quote(step.label) << ", ";
    write_step_json(out, step, pad);
  }
  out << "\n" << pad << "]";
}

void write_scenario_json(std::ostream& out, const Scenario& s, bool layout) {
  const GilConfig& gil = s.runtime.gil;
  out << "{\n  \"file\": " << json::quote(s.file) << ",\n  \"name\": " << json::quote(s.name)
      << ",\n  \"variant\": " << json::quote(s.variant) << ",\n  \"description\": " << json::quote(s.description)
      << ",\n  \"machine\": {\"cores\": " << s.machine.cores << ", \"smt\": " << s.machine.smt
      << ", \"smt_yield\": " << json::number(s.machine.smt_yield) << ", \"speed\": " << json::number(s.machine.speed)
      << ", \"scheduler\": " << (s.machine.scheduler.policy == SchedulerPolicy::Eevdf ? "\"eevdf\"" : "\"fair\"")
      << ", \"cpus\": " << cpu_list(s.machine.cpus) << "},\n  \"runtime\": {\"switch_interval_s\": " << json::seconds(gil.switch_interval)
      << ", \"seed\": " << s.runtime.seed << ", \"python\": " << json::quote(s.runtime.python.name()) << ", \"build\": "
      << (s.runtime.build == PythonBuild::FreeThreaded ? "\"free-threaded\"" : "\"default\"")
      << ", \"free_threaded_slowdown\": " << json::number(s.runtime.free_threaded_slowdown) << ", \"gil\": {\"timer_slack_s\": " << json::seconds(gil.timer_slack)
      << ", \"drop_latency_s\": " << json::seconds(gil.drop_latency)
      << ", \"wakeup_latency_s\": " << json::seconds(gil.wakeup_latency)
      << ", \"tie_jitter_s\": " << json::seconds(gil.tie_jitter) << "}},\n  \"channels\": [";
  for (std::size_t c = 0; c < s.channels.size(); ++c)
    out << (c ? ", " : "") << "{\"name\": " << json::quote(s.channels[c].name) << ", \"kind\": \""
        << channel_kind_name(s.channels[c].kind) << "\"}";
  out << "],\n";
  if (!s.requests.empty()) {  // present only when used: older readers of the export never see it
    out << "  \"requests\": [";
    for (std::size_t r = 0; r < s.requests.size(); ++r)
      out << (r ? ", " : "") << "{\"name\": " << json::quote(s.requests[r].name) << ", \"count\": " << s.requests[r].count
          << (s.requests[r].closed() ? ", \"clients\": " + std::to_string(s.requests[r].clients) +
                                           ", \"think\": " + latency_json(s.requests[r].think)
                                     : ", \"arrivals\": " + arrivals_json(s.requests[r].arrivals))
          << "}";
    out << "],\n";
  }
  if (!s.semaphores.empty()) out << "  \"semaphores\": " << semaphores_json(s.semaphores) << ",\n";  // the same
  out << "  \"processes\": [";
  for (std::size_t p = 0; p < s.processes.size(); ++p) {
    const ProcessSpec& process = s.processes[p];
    out << (p ? "," : "") << "\n    {\"name\": " << json::quote(process.name) << ", \"count\": " << process.count
        << ", \"start_method\": "
        << (process.start_method ? json::quote(start_method_name(*process.start_method)) : std::string("null"))
        << (process.is_parent ? ", \"parent\": true" : "") << ", \"affinity\": " << cpu_list(process.affinity)
        << ", \"threads\": [";
    for (std::size_t t = 0; t < process.threads.size(); ++t) {
      const ThreadSpec& thread = process.threads[t];
      out << (t ? "," : "") << "\n      {\"name\": " << json::quote(thread.name) << ", \"count\": " << thread.count
          << ", \"interpreter\": " << json::quote(thread.interpreter) << ", \"affinity\": " << cpu_list(thread.affinity)
          << ", \"program\": ";
      write_program_json(out, thread.program, "        ");
      out << "}";
    }
    out << "\n    ]}";
  }
  out << "\n  ]";
  if (layout) {
    out << ",\n  \"layout\": ";
    write_layout_json(out, s);
  }
  out << "\n}";
}

}  // namespace gilsim
