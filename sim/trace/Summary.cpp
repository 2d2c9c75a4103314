#include "sim/trace/Summary.hpp"

#include <algorithm>
#include <map>
#include <ostream>

#include "sim/util/JsonWriter.hpp"

namespace gilsim {
namespace {

// "gil_wait_s": a state's key in --json, snake_case as every other key.
std::string state_key(int state) {
  std::string key = state_name(static_cast<ThreadState>(state));
  for (char& c : key)
    if (c == '-') c = '_';
  return key + "_s";
}

std::vector<CoreSummary> core_occupancy(const Timeline& timeline, double makespan) {
  std::vector<CoreSummary> cores;
  for (const CoreOccupancy& c : timeline.core_occupancy)
    cores.push_back({makespan > 0 ? c.busy / makespan : 0, makespan > 0 ? c.siblings_busy / makespan : 0});
  return cores;
}

}  // namespace

double Summary::state_total(ThreadState state) const {
  double total = 0;
  for (const auto& t : threads) total += t.seconds[static_cast<int>(state)];
  return total;
}

Summary Summary::from_timeline(const Timeline& timeline) {
  Summary s;
  s.scenario = timeline.scenario;
  s.variant = timeline.variant;
  s.cores = timeline.cores;
  s.smt = timeline.smt;
  s.switch_interval = timeline.switch_interval;
  s.makespan = timeline.end_time;
  for (double finish : timeline.finish_time) s.makespan = std::max(s.makespan, finish);
  for (double solo : timeline.solo_seconds) s.sequential += solo;
  s.speedup = s.makespan > 0 ? s.sequential / s.makespan : 0;

  for (std::size_t i = 0; i < timeline.threads.size(); ++i) {
    const ThreadInfo& info = timeline.threads[i];
    ThreadSummary t;
    t.process = timeline.processes[info.process].name;
    t.name = info.name;
    t.group = info.group;
    t.gil_switches_in = timeline.gil_switches_in[i];
    t.finish = timeline.finish_time[i];
    s.threads.push_back(t);
  }
  for (double ready : timeline.process_ready) s.startup = std::max(s.startup, ready);
  for (std::size_t i = 0; i < timeline.state_seconds.size(); ++i)
    for (int state = 0; state < kThreadStateCount; ++state) s.threads[i].seconds[state] = timeline.state_seconds[i][state];
  s.pickling = timeline.pickling_seconds;
  s.transfer = timeline.transfer_seconds;
  for (std::size_t p = 0; p < timeline.processes.size(); ++p) {
    s.processes.push_back({timeline.processes[p].name, timeline.process_gil_switches[p], timeline.python_seconds[p]});
    s.gil_switches += timeline.process_gil_switches[p];
  }

  const double capacity = s.makespan * timeline.cores * timeline.smt;
  s.cpu_utilisation = capacity > 0 ? std::min(1.0, timeline.busy_slot_seconds / capacity) : 0;
  s.per_core = core_occupancy(timeline, s.makespan);
  s.latency = latency_stats(timeline);
  s.loop_lag = loop_lag_stats(timeline);
  return s;
}

void Summary::write_json(std::ostream& out, int indent) const {
  const std::string pad(indent, ' ');
  out << pad << "{\n";
  out << pad << "  \"scenario\": " << json::quote(scenario) << ",\n";
  out << pad << "  \"variant\": " << json::quote(variant) << ",\n";
  out << pad << "  \"cores\": " << cores << ",\n";
  out << pad << "  \"smt\": " << smt << ",\n";
  out << pad << "  \"switch_interval_s\": " << json::seconds(switch_interval) << ",\n";
  out << pad << "  \"makespan_s\": " << json::seconds(makespan) << ",\n";
  out << pad << "  \"sequential_s\": " << json::seconds(sequential) << ",\n";
  out << pad << "  \"speedup\": " << json::number(speedup) << ",\n";
  out << pad << "  \"cpu_utilisation\": " << json::number(cpu_utilisation) << ",\n";
  out << pad << "  \"gil_switches\": " << gil_switches << ",\n";
  out << pad << "  \"startup_s\": " << json::seconds(startup) << ",\n";
  out << pad << "  \"pickling_s\": " << json::seconds(pickling) << ",\n";
  out << pad << "  \"transfer_s\": " << json::seconds(transfer) << ",\n";
  for (int st = 0; st < kThreadStateCount; ++st)  // thread-seconds per state, summed over threads
    out << pad << "  " << json::quote(state_key(st)) << ": " << json::seconds(state_total(static_cast<ThreadState>(st)))
        << ",\n";
  out << pad << "  \"per_core\": [";
  for (std::size_t c = 0; c < per_core.size(); ++c)
    out << (c ? ", " : "") << "{\"busy\": " << json::number(per_core[c].busy)
        << ", \"siblings_busy\": " << json::number(per_core[c].siblings_busy) << "}";
  out << "],\n";
  out << pad << "  \"processes\": [";
  for (std::size_t p = 0; p < processes.size(); ++p)
    out << (p ? ",\n" : "\n") << pad << "    {\"name\": " << json::quote(processes[p].name)
        << ", \"gil_switches\": " << processes[p].gil_switches
        << ", \"python_s\": " << json::seconds(processes[p].python) << "}";
  out << "\n" << pad << "  ],\n";
  out << pad << "  \"threads\": [";
  for (std::size_t i = 0; i < threads.size(); ++i) {
    const ThreadSummary& t = threads[i];
    out << (i ? ",\n" : "\n") << pad << "    {\"process\": " << json::quote(t.process)
        << ", \"name\": " << json::quote(t.name) << ", \"group\": " << json::quote(t.group);
    for (int st = 0; st < kThreadStateCount; ++st) out << ", " << json::quote(state_key(st)) << ": " << json::seconds(t.seconds[st]);
    out << ", \"gil_switches_in\": " << t.gil_switches_in << ", \"finish_s\": " << json::seconds(t.finish) << "}";
  }
  out << "\n" << pad << "  ]";
  if (!latency.empty()) {  // only for scenarios with workload.requests
    out << ",\n" << pad << "  \"latency\": [";
    write_latency_json(out, latency, pad + "    ");
    out << "\n" << pad << "  ]";
  }
  if (!loop_lag.empty()) {  // only for scenarios with event loops
    out << ",\n" << pad << "  \"loop_lag\": [";
    write_loop_lag_json(out, loop_lag, pad + "    ");
    out << "\n" << pad << "  ]";
  }
  out << "\n";
  out << pad << "}";
}

Summary Summary::from_json(const YAML::Node& node) {
  Summary s;
  s.scenario = node["scenario"].as<std::string>();
  s.variant = node["variant"].as<std::string>();
  s.cores = node["cores"].as<int>();
  s.smt = node["smt"].as<int>();
  s.switch_interval = node["switch_interval_s"].as<double>();
  s.makespan = node["makespan_s"].as<double>();
  s.sequential = node["sequential_s"].as<double>();
  s.speedup = node["speedup"].as<double>();
  s.cpu_utilisation = node["cpu_utilisation"].as<double>();
  s.gil_switches = node["gil_switches"].as<int64_t>();
  s.startup = node["startup_s"].as<double>();
  s.pickling = node["pickling_s"].as<double>();
  s.transfer = node["transfer_s"].as<double>();
  for (const auto& c : node["per_core"]) s.per_core.push_back({c["busy"].as<double>(), c["siblings_busy"].as<double>()});
  for (const auto& p : node["processes"])
    s.processes.push_back({p["name"].as<std::string>(), p["gil_switches"].as<int64_t>(), p["python_s"].as<double>()});
  for (const auto& t : node["threads"]) {
    ThreadSummary ts;
    ts.process = t["process"].as<std::string>();
    ts.name = t["name"].as<std::string>();
    ts.group = t["group"].as<std::string>();
    for (int st = 0; st < kThreadStateCount; ++st)
      ts.seconds[st] = t[state_key(st)].as<double>();
    ts.gil_switches_in = t["gil_switches_in"].as<int64_t>();
    ts.finish = t["finish_s"].as<double>();
    s.threads.push_back(ts);
  }
  s.latency = latency_from_json(node["latency"]);
  s.loop_lag = loop_lag_from_json(node["loop_lag"]);
  return s;
}

}  // namespace gilsim
