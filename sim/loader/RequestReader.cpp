#include "sim/loader/RequestReader.hpp"

#include <map>

#include "models/steps/StepTree.hpp"
#include "sim/loader/ArrivalsFile.hpp"
#include "sim/loader/ExecutionCount.hpp"
#include "sim/loader/Limits.hpp"
#include "sim/loader/StepReading.hpp"
#include "sim/util/InputFile.hpp"
#include "sim/util/NumberSyntax.hpp"

namespace gilsim {
namespace {

const char* const kDistributions = "fixed, uniform, exponential (or poisson)";

// A rate in requests per second: a plain number above 0.
double read_rate(const ValueReader& values, const YAML::Node& node, const std::string& path) {
  const std::string expected = "expected a rate in requests per second, a number above 0 such as 100, got ";
  if (!node.IsScalar()) values.source.fail(node, path, expected + describe_node(node));
  const std::string& text = node.Scalar();
  const double rate = is_number_text(text) ? std::strtod(text.c_str(), nullptr) : 0;
  if (!(rate > 0) || rate > 1e9) values.source.fail(node, path, expected + "'" + text + "'");
  return rate;
}

std::string directory_of(const std::string& file) {
  const std::size_t slash = file.find_last_of('/');
  return slash == std::string::npos ? "" : file.substr(0, slash + 1);
}

// arrivals: {file: PATH}, relative to the scenario's folder (as written on the command line:
// to the current one).
void read_arrivals_file(const ValueReader& values, MapReader& map, ArrivalSpec& arrivals) {
  const YAML::Node node = map.require("file");
  const std::string path = map.path_of("file");
  arrivals.kind = ArrivalSpec::Kind::File;
  arrivals.file = values.string(node, path);
  const bool from_command_line = values.source.where(node).rfind("--", 0) == 0;
  const std::string file = arrivals.file.rfind('/', 0) == 0 || from_command_line
                               ? arrivals.file
                               : directory_of(values.source.file()) + arrivals.file;
  if (const auto problem = unreadable_input(file))
    values.source.fail(node, path, "cannot open the arrivals file '" + file + "': " + *problem);
  arrivals.times = read_arrival_times(file, read_input_file(file, {"arrivals file", limits::kMaxArrivalsFileBytes}));
  if (arrivals.times.empty())
    values.source.fail(node, path, "the arrivals file '" + file + "' has no arrival times; expected one time per "
                                   "line, such as '12.5ms'");
}

ArrivalSpec read_arrivals(const ValueReader& values, const YAML::Node& node, const std::string& path) {
  MapReader map(values.source, node, path);
  ArrivalSpec arrivals;
  if (map.get("file").IsDefined()) {
    read_arrivals_file(values, map, arrivals);
    map.reject_unknown_keys();
    return arrivals;
  }
  const YAML::Node distribution = map.require("distribution");
  const std::string name = values.string(distribution, map.path_of("distribution"));
  if (name == "fixed" || name == "exponential" || name == "poisson") {
    arrivals.kind = name == "fixed" ? ArrivalSpec::Kind::Fixed : ArrivalSpec::Kind::Exponential;
    arrivals.rate = read_rate(values, map.require("rate"), map.path_of("rate"));
  } else if (name == "uniform") {
    arrivals.kind = ArrivalSpec::Kind::Uniform;
    arrivals.min_gap = values.duration(map.require("min_gap"), map.path_of("min_gap"), true);
    const YAML::Node max = map.require("max_gap");
    arrivals.max_gap = values.duration(max, map.path_of("max_gap"));
    if (arrivals.max_gap < arrivals.min_gap)
      values.source.fail(max, map.path_of("max_gap"), "expected max_gap >= min_gap, got '" + max.Scalar() + "'");
  } else {
    values.source.fail(distribution, map.path_of("distribution"),
                       std::string("expected one of ") + kDistributions + ", or a file, got '" + name + "'");
  }
  map.reject_unknown_keys();
  return arrivals;
}

// clients: N (and think): a closed loop of N clients sharing `count` requests.
void read_clients(const ValueReader& values, MapReader& map, const YAML::Node& node, const std::string& path,
                  RequestSpec& spec) {
  if (map.get("arrivals").IsDefined())
    values.source.fail(map.get("arrivals"), map.path_of("arrivals"), "a request source has either arrivals (an open "
                       "loop) or clients (a closed loop), not both: remove one");
  const YAML::Node clients = map.get("clients");
  spec.clients = values.integer(clients, map.path_of("clients"), 1, limits::kMaxRequests,
                                "at least one client");
  if (const YAML::Node think = map.get("think"); think.IsDefined())
    spec.think = read_latency(values, think, map.path_of("think"));
  const YAML::Node count = map.get("count");
  if (!count.IsDefined())
    values.source.fail(node, path, "expected a count: how many requests the clients send in all (a run ends once "
                                   "they are served)");
  spec.count = values.integer(count, map.path_of("count"), 1, limits::kMaxRequests,
                              "limit: " + std::to_string(limits::kMaxRequests) + " requests");
  if (spec.clients > spec.count)
    values.source.fail(clients, map.path_of("clients"), "expected at most count (" + std::to_string(spec.count) +
                       ") clients: each client sends at least one request, got " + std::to_string(spec.clients));
}

RequestSpec read_source(const ValueReader& values, const YAML::Node& node, const std::string& path) {
  MapReader map(values.source, node, path);
  RequestSpec spec;
  const YAML::Node name = map.require("name");
  spec.name = values.string(name, map.path_of("name"));
  if (spec.name.empty()) values.source.fail(name, map.path_of("name"), "expected a name for the requests");
  if (map.get("clients").IsDefined()) {
    read_clients(values, map, node, path, spec);
    map.reject_unknown_keys();
    return spec;
  }
  if (map.get("think").IsDefined())
    values.source.fail(map.get("think"), map.path_of("think"), "think is the clients' time between requests: it "
                       "needs clients (a closed loop), not arrivals");
  if (!map.get("arrivals").IsDefined())
    values.source.fail(node, path, "expected arrivals (an open loop: {distribution: exponential, rate: 100}) or "
                                   "clients (a closed loop: clients: 8, think: 100ms)");
  spec.arrivals = read_arrivals(values, map.require("arrivals"), map.path_of("arrivals"));
  const YAML::Node count = map.get("count");
  if (spec.arrivals.kind == ArrivalSpec::Kind::File) {
    if (count.IsDefined())
      values.source.fail(count, map.path_of("count"), "the arrivals file gives the requests (one per line): remove count");
    spec.count = static_cast<int64_t>(spec.arrivals.times.size());
  } else {
    if (!count.IsDefined())
      values.source.fail(node, path, "expected a count: how many requests arrive (a run ends once they are served)");
    spec.count = values.integer(count, map.path_of("count"), 1, limits::kMaxRequests,
                                "limit: " + std::to_string(limits::kMaxRequests) + " requests");
  }
  map.reject_unknown_keys();
  return spec;
}

// What handles a source: thread instances running serve steps, and event loops.
struct Servers {
  double threads = 0;
  double loops = 0;
};

void find_servers(const std::vector<Step>& program, double instances, std::map<std::string, Servers>& servers) {
  for (const Step& step : program) {
    if (const auto* serve = std::get_if<ServeStep>(&step.action)) servers[serve->requests].threads += instances;
    if (const auto* loop = std::get_if<AsyncioStep>(&step.action))
      for (const CoroutineSpec& c : loop->coroutines)
        if (!c.requests.empty()) servers[c.requests].loops += instances;
    for_each_nested(step, [&](const std::vector<Step>& nested, Nested) { find_servers(nested, instances, servers); });
  }
}

}  // namespace

std::vector<RequestSpec> read_requests(const ValueReader& values, const YAML::Node& node) {
  std::vector<RequestSpec> requests;
  if (!node.IsDefined()) return requests;
  values.expect_sequence(node, "workload.requests");
  if (node.size() == 0) values.source.fail(node, "workload.requests", "expected at least one request source");
  int64_t total = 0;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "workload.requests[" + std::to_string(i) + "]";
    RequestSpec spec = read_source(values, node[i], path);
    for (const RequestSpec& other : requests)
      if (other.name == spec.name)
        values.source.fail(node[i]["name"], path + ".name", "duplicate request source name '" + spec.name + "'");
    total += spec.count;
    if (total > limits::kMaxRequests)
      values.source.fail(node[i], path, std::to_string(total) + " requests in all, more than the limit of " +
                                            std::to_string(limits::kMaxRequests));
    requests.push_back(std::move(spec));
  }
  return requests;
}

void check_request_servers(const ValueReader& values, const YAML::Node& node, const std::vector<RequestSpec>& requests,
                           const std::vector<ProcessSpec>& processes) {
  std::map<std::string, Servers> servers;
  for (const ProcessSpec& p : processes)
    for (const ThreadSpec& t : p.threads)
      find_servers(t.program, static_cast<double>(p.count) * static_cast<double>(t.count), servers);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const std::string path = "workload.requests[" + std::to_string(i) + "]";
    const Servers& s = servers[requests[i].name];
    if (s.threads == 0 && s.loops == 0)
      values.source.fail(node[i], path, "nothing handles the requests '" + requests[i].name + "': add a serve step "
                                        "({serve: {requests: " + requests[i].name + ", steps: [...]}}) to a thread, "
                                        "or an asyncio step with 'requests: " + requests[i].name + "'");
    if (s.loops > 0 && s.threads + s.loops > 1)
      values.source.fail(node[i], path, "the requests '" + requests[i].name + "' are handled by an event loop, one "
                                        "task per request, so that loop must be their only handler (here " +
                                        format_count(s.threads + s.loops) + " threads or loops handle them)");
  }
}

}  // namespace gilsim
