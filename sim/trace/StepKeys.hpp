#pragma once
#include <string>
#include <vector>

#include "sim/trace/MeasuredTrace.hpp"

namespace gilsim {

// A consume loop on a channel that several threads consume. Which consumer gets which message
// depends on scheduling, so validation matches the messages of such a channel per channel, not
// per thread.
struct SharedConsumeLoop {
  std::string process;  // the consumer thread instance
  std::string thread;
  int step = 0;         // the consume step's index in the thread's program
  int body_steps = 0;   // its body's steps have indices step + 1 .. step + body_steps
  std::string channel;  // the channel instance: "NAME", or "PROCESS/NAME" for a queue inside one process
};

// What identifies a step across a simulated and a measured run.
struct StepKey {
  std::string key;
  std::string description;  // for messages: "process/thread step N #I (label)"
};

// One key per step of `steps`, in order. A step is (process, thread, step index, iteration),
// except in the shared consume loops: the receive of the k-th message of a channel (ordered by
// when the receives completed) is (channel, k), a step of that message's body (channel, k, step
// relative to the consume step, execution within the message), and the receive that finds the
// channel closed, once per loop, (channel, j-th close).
std::vector<StepKey> step_keys(const std::vector<TraceStep>& steps, const std::vector<SharedConsumeLoop>& loops);

}  // namespace gilsim
