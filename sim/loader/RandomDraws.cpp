#include "sim/loader/RandomDraws.hpp"

namespace gilsim {
namespace {

double messages_of(const std::map<std::string, double>& messages, const std::string& channel) {
  const auto found = messages.find(channel);
  return found == messages.end() ? 0.0 : found->second;
}

// Items an asyncio step's coroutines put on queues outside consume bodies (repeat multiplies).
void count_puts(const std::vector<Step>& program, double times, std::map<std::string, double>& puts) {
  for (const Step& step : program) {
    if (const auto* put = std::get_if<PutStep>(&step.action)) puts[put->channel] += times;
    if (const auto* repeat = std::get_if<RepeatStep>(&step.action))
      count_puts(repeat->body, times * static_cast<double>(repeat->count), puts);
  }
}

// The draws of the run_in_executor calls a coroutine's steps make (`puts`: its loop's items).
double offload_draws(const std::vector<Step>& program, const std::map<std::string, double>& puts) {
  double draws = 0;
  for (const Step& step : program) {
    if (const auto* offload = std::get_if<RunInExecutorStep>(&step.action)) draws += random_draws(offload->work, {});
    if (const auto* repeat = std::get_if<RepeatStep>(&step.action))
      draws += static_cast<double>(repeat->count) * offload_draws(repeat->body, puts);
    if (const auto* consume = std::get_if<ConsumeStep>(&step.action))
      draws += messages_of(puts, consume->channel) * offload_draws(consume->body, puts);
  }
  return draws;
}

}  // namespace

double random_draws(const std::vector<Step>& program, const std::map<std::string, double>& messages) {
  double draws = 0;
  for (const Step& step : program) {
    if (const auto* io = std::get_if<IoStep>(&step.action)) draws += io->latency.kind == Latency::Kind::Fixed ? 0 : 1;
    if (const auto* repeat = std::get_if<RepeatStep>(&step.action))
      draws += static_cast<double>(repeat->count) * random_draws(repeat->body, messages);
    if (const auto* consume = std::get_if<ConsumeStep>(&step.action))
      draws += messages_of(messages, consume->channel) * random_draws(consume->body, messages);
  }
  return draws;
}

double executor_draws(const std::vector<Step>& program, const std::map<std::string, double>& messages) {
  double draws = 0;
  for (const Step& step : program) {
    if (const auto* loop = std::get_if<AsyncioStep>(&step.action)) {
      std::map<std::string, double> puts;
      for (const CoroutineSpec& c : loop->coroutines) count_puts(c.program, static_cast<double>(c.count), puts);
      for (const CoroutineSpec& c : loop->coroutines) draws += static_cast<double>(c.count) * offload_draws(c.program, puts);
    }
    if (const auto* repeat = std::get_if<RepeatStep>(&step.action))
      draws += static_cast<double>(repeat->count) * executor_draws(repeat->body, messages);
    if (const auto* consume = std::get_if<ConsumeStep>(&step.action))
      draws += messages_of(messages, consume->channel) * executor_draws(consume->body, messages);
  }
  return draws;
}

}  // namespace gilsim
