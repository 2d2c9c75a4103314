#include "models/python/Gil.hpp"

#include "sim/util/Rng.hpp"

namespace gilsim {

double Gil::entry_offset(int thread) const {
  Rng offset = Rng::for_stream(seed_ ^ 0x6111'0000'0000ULL, (stream_ << 32) + static_cast<uint64_t>(thread));
  return config_.tie_jitter * offset.uniform();
}

double Gil::wakeup_latency(int thread) const {
  Rng offset = Rng::for_stream(seed_ ^ 0x3a4e'0000'0000ULL, (stream_ << 32) + static_cast<uint64_t>(thread));
  return config_.wakeup_latency + config_.tie_jitter * offset.uniform();
}

void Gil::count_switch(int thread, double at) {
  ++timeline_.gil_switches_in[thread];
  ++timeline_.process_gil_switches[process_];
  if (dropper_ < 0) return;  // the process's first take
  const auto began = take_began_.find(thread);
  const double waited = began == take_began_.end() ? 0 : at - began->second;
  timeline_.add_handover(process_, {dropper_, thread, dropped_forced_, dropped_at_, at, waited});
}

Doorbell& Gil::doorbell(int thread) {
  auto found = doorbells_.find(thread);
  if (found == doorbells_.end()) found = doorbells_.emplace(thread, machine_.make_doorbell()).first;
  return found->second;
}

bool Gil::reach_eval_breaker(const CpuJobPtr& job, double noticed_at) {
  notice_drop_request(noticed_at);
  Machine::Wake wake;
  do wake = machine_.wait_until(job, eval_breaker_at_, doorbell(job->thread));
  while (wake == Machine::Wake::Rung);
  return wake == Machine::Wake::Deadline;
}

void Gil::thread_exits(int thread) {
  if (auto found = doorbells_.find(thread); found != doorbells_.end()) found->second.disarm();
}

}  // namespace gilsim
