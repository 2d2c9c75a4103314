#include "sim/loader/ExecutionCount.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

namespace gilsim {
namespace {

// Where a put, get or consume on a name goes: a coroutine's name may be a queue of its event
// loop (scoped to that asyncio step) or a workload channel.
struct Scope {
  std::string prefix;
  const std::vector<AsyncioQueueSpec>* queues = nullptr;
  std::string key(const std::string& name) const {
    if (queues)
      for (const AsyncioQueueSpec& q : *queues)
        if (q.name == name) return prefix + name;
    return name;
  }
};

// What one context (the threads, or one message of a consume loop) does: step executions and
// the messages it puts, per channel.
struct Work {
  double steps = 0;
  std::map<std::string, double> puts;
};

// Per channel: the most steps and puts one message's consume body costs, over its consumers.
struct Consumers {
  bool consumed = false;
  double body_steps = 0;
  std::map<std::string, double> body_puts;
};

class Counter {
 public:
  Work top;
  std::map<std::string, Consumers> channels;

  void walk(const std::vector<Step>& program, double times, Work& work, const Scope& scope) {
    for (const Step& step : program) {
      work.steps += times;
      if (const auto* repeat = std::get_if<RepeatStep>(&step.action)) {
        work.steps -= times;  // the repeat itself records nothing
        walk(repeat->body, times * static_cast<double>(repeat->count), work, scope);
      } else if (const auto* put = std::get_if<PutStep>(&step.action)) {
        work.puts[scope.key(put->channel)] += times;
      } else if (const auto* consume = std::get_if<ConsumeStep>(&step.action)) {
        add_consumer(scope.key(consume->channel), consume->body, scope);
      } else if (const auto* serve = std::get_if<ServeStep>(&step.action)) {
        add_server(*serve, scope);
      } else if (const auto* loop = std::get_if<AsyncioStep>(&step.action)) {
        const Scope inner{"asyncio@" + std::to_string(next_loop_++) + ":", &loop->queues};
        for (const CoroutineSpec& c : loop->coroutines) walk(c.program, times * static_cast<double>(c.count), work, inner);
      } else if (const auto* offload = std::get_if<RunInExecutorStep>(&step.action)) {
        walk(offload->work, times, work, scope);
      }
    }
  }

 private:
  // A consume body runs once per message: counted per message of its channel, for the worst
  // of its consumers.
  void add_consumer(const std::string& channel, const std::vector<Step>& body, const Scope& scope) {
    Work per_message;
    walk(body, 1, per_message, scope);
    Consumers& c = channels[channel];
    c.consumed = true;
    c.body_steps = std::max(c.body_steps, per_message.steps + 1);  // + the get of the message
    for (const auto& [to, n] : per_message.puts) c.body_puts[to] = std::max(c.body_puts[to], n);
  }

  int next_loop_ = 0;

 public:
  // Per request source: its requests and the most steps one request's serve body costs, over its
  // servers (the serving threads together take each request once).
  std::map<std::string, std::pair<double, double>> servers;

 private:
  void add_server(const ServeStep& serve, const Scope& scope) {
    Work per_request;
    walk(serve.body, 1, per_request, scope);
    auto& [requests, body_steps] = servers[serve.requests];
    requests = static_cast<double>(serve.count);
    body_steps = std::max(body_steps, per_request.steps + 1);  // + the serve's span of the request
    for (const auto& [to, n] : per_request.puts) top.puts[to] += n * static_cast<double>(serve.count);
  }
};

}  // namespace

ExecutionBound count_workload_executions(const std::vector<ProcessSpec>& processes) {
  Counter counter;
  for (const ProcessSpec& p : processes)
    for (const ThreadSpec& t : p.threads)
      counter.walk(t.program, static_cast<double>(p.count) * static_cast<double>(t.count), counter.top, Scope{});

  // messages(C) = puts by threads + sum over consumed channels P of messages(P) x puts to C per
  // message of P. Relaxed once per channel: still growing after that means a cycle.
  std::map<std::string, double> messages = counter.top.puts;
  const std::size_t rounds = counter.channels.size() + 1;
  ExecutionBound bound;
  for (std::size_t round = 0; round <= rounds; ++round) {
    std::map<std::string, double> next = counter.top.puts;
    for (const auto& [from, consumers] : counter.channels)
      for (const auto& [to, per_message] : consumers.body_puts) next[to] += messages[from] * per_message;
    if (next == messages) break;
    if (round == rounds) {
      for (const auto& [name, n] : next)
        if (n != messages[name]) bound.cycle = name;
      bound.steps = std::numeric_limits<double>::infinity();
      return bound;
    }
    messages = std::move(next);
  }
  bound.steps = counter.top.steps;
  for (const auto& [name, server] : counter.servers) bound.steps += server.first * server.second;
  for (const auto& [name, consumers] : counter.channels) bound.steps += messages[name] * consumers.body_steps;
  bound.messages = std::move(messages);
  return bound;
}

std::string format_count(double count) {
  char buffer[48];
  if (count < 1e15) std::snprintf(buffer, sizeof buffer, "%.0f", count);
  else std::snprintf(buffer, sizeof buffer, "%.3g", count);
  return buffer;
}

}  // namespace gilsim
