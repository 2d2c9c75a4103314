#include "models/machine/OsThreads.hpp"

#include <unordered_map>

#include <simgrid/s4u.hpp>

#include "models/machine/Machine.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim::os {
namespace {

Machine* installed = nullptr;
std::unordered_map<long, int> thread_of_actor;

}  // namespace

void install(Machine* machine) {
  installed = machine;
  thread_of_actor.clear();
}

void bind_current_actor(int thread) { thread_of_actor[sg4::this_actor::get_pid()] = thread; }

int current_thread() {
  auto found = thread_of_actor.find(sg4::this_actor::get_pid());
  return found == thread_of_actor.end() ? -1 : found->second;
}

bool scheduled() { return installed && installed->scheduled(); }

void block() {
  if (!scheduled()) return;
  if (const int thread = current_thread(); thread >= 0) installed->thread_blocks(thread);
}

void wake(WakeKind kind, int waker, double fair_latency) {
  const int thread = scheduled() ? current_thread() : -1;
  if (thread < 0) {
    if (fair_latency > 0) sg4::this_actor::sleep_for(fair_latency);
    return;
  }
  installed->thread_wakes(thread, kind, waker);
}

}  // namespace gilsim::os
