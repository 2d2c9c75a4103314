#include "sim/loader/StepReading.hpp"

#include "sim/loader/Limits.hpp"
#include "sim/util/Units.hpp"

namespace gilsim {

std::vector<Step> StepReading::read_balanced_body(MapReader& map, const YAML::Node& key, const std::string& step_path,
                                                  int depth, const std::string& what, const std::string& pass) {
  const HeldLocks before = held;
  const HeldLocks semaphores_before = held_semaphores;
  std::vector<Step> body = read_program(map.require("steps"), map.path_of("steps"), depth + 1);
  if (held != before || held_semaphores != semaphores_before)
    values.source.fail(key, step_path, what + " must release every lock they take (" + pass + " ends holding " +
                                           list_held() + ")");
  return body;
}

std::string StepReading::list_held() const {
  std::string out = list_locks(held);
  for (const std::string& s : held_semaphores) out += (out.empty() ? "semaphore '" : ", semaphore '") + s + "'";
  return out;
}

const RequestSpec& StepReading::read_request_source(const YAML::Node& node, const std::string& path) const {
  const std::string name = values.string(node, path);
  std::string known;
  if (requests)
    for (const RequestSpec& r : *requests) {
      if (r.name == name) return r;
      known += (known.empty() ? "" : ", ") + r.name;
    }
  values.source.fail(node, path, "no request source named '" + name + "' in workload.requests" +
                                     (known.empty() ? " (there are none)" : " (sources: " + known + ")"));
}

std::string StepReading::read_channel_name(const YAML::Node& node, const std::string& path) const {
  const std::string name = values.string(node, path);
  for (const std::string& queue : loop_queues)
    if (queue == name) return name;
  for (const ChannelSpec& c : channels)
    if (c.name == name) return name;
  std::string known;
  for (const ChannelSpec& c : channels) known += (known.empty() ? "" : ", ") + c.name;
  if (!in_coroutine)
    values.source.fail(node, path, "no channel named '" + name + "' in workload.channels" +
                                       (known.empty() ? " (there are none)" : " (channels: " + known + ")"));
  std::string queues;
  for (const std::string& q : loop_queues) queues += (queues.empty() ? "" : ", ") + q;
  values.source.fail(node, path, "no asyncio queue named '" + name + "' in this asyncio step's queues (" +
                                     (queues.empty() ? "none" : queues) + ") and no channel of that name in "
                                     "workload.channels (" + (known.empty() ? "none" : known) + ")");
}

void StepReading::check_nesting(const YAML::Node& key, const std::string& step_path, int depth,
                                const std::string& what) const {
  if (depth >= limits::kMaxNesting)
    values.source.fail(key, step_path, what + " nested deeper than " + std::to_string(limits::kMaxNesting) + " levels");
}

std::string list_locks(const HeldLocks& held) {
  std::string out;
  for (const auto& l : held) out += (out.empty() ? "'" : ", '") + l + "'";
  return out;
}

Latency read_latency(const ValueReader& values, const YAML::Node& node, const std::string& path) {
  if (node.IsScalar()) return Latency::fixed(values.duration(node, path, true));
  MapReader map(values.source, node, path);
  std::string distribution = "fixed";
  if (auto d = map.get("distribution"); d.IsDefined()) distribution = values.string(d, map.path_of("distribution"));
  Latency latency;
  if (distribution == "fixed") {
    latency = Latency::fixed(values.duration(map.require("latency"), map.path_of("latency"), true));
  } else if (distribution == "uniform") {
    latency.kind = Latency::Kind::Uniform;
    latency.a = values.duration(map.require("min"), map.path_of("min"), true);
    YAML::Node max = map.require("max");
    latency.b = values.duration(max, map.path_of("max"), true);
    if (latency.b < latency.a)
      values.source.fail(max, map.path_of("max"), "expected max >= min, got '" + max.Scalar() + "'");
  } else if (distribution == "exponential") {
    latency.kind = Latency::Kind::Exponential;
    latency.a = values.duration(map.require("mean"), map.path_of("mean"));
  } else {
    values.source.fail(map.get("distribution"), map.path_of("distribution"),
                       "expected one of fixed, uniform, exponential, got '" + distribution + "'");
  }
  map.reject_unknown_keys();
  return latency;
}

double read_size(const ValueReader& values, const YAML::Node& node, const std::string& path) {
  if (!node.IsScalar()) values.source.fail(node, path, "expected a size such as '64KiB', got " + describe_node(node));
  auto size = parse_size(node.Scalar());
  if (!size || *size < 0)
    values.source.fail(node, path, "expected a size such as '64KiB' (units: B, KB, MB, GB, KiB, MiB, GiB), got '" +
                                       node.Scalar() + "'");
  if (*size > 1e12) values.source.fail(node, path, "size '" + node.Scalar() + "' is larger than 1 TB");
  return *size;
}

StartMethod read_start_method(const ValueReader& values, const YAML::Node& node, const std::string& path) {
  const std::string method = values.string(node, path);
  if (method == "fork") return StartMethod::Fork;
  if (method == "spawn") return StartMethod::Spawn;
  if (method != "forkserver") values.source.fail(node, path, "expected one of fork, spawn, forkserver, got '" + method + "'");
  return StartMethod::Forkserver;
}

Payload read_payload(const ValueReader& values, MapReader& map) {
  Payload payload;
  if (auto n = map.get("input"); n.IsDefined()) payload.input_bytes = read_size(values, n, map.path_of("input"));
  if (auto n = map.get("output"); n.IsDefined()) payload.output_bytes = read_size(values, n, map.path_of("output"));
  if (auto n = map.get("objects"); n.IsDefined())
    payload.objects = static_cast<double>(values.integer(n, map.path_of("objects"), 0, 1000000000000LL));
  return payload;
}

}  // namespace gilsim
