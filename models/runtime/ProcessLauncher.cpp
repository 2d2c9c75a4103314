#include "models/runtime/ProcessLauncher.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim {

void start_process(ThreadContext& parent, int process, StartMethod method) {
  PythonWorld& world = parent.world();
  ProcessRuntime& child = *world.processes[process];
  const ProcessCosts& costs = parent.runtime().processes;
  child.mark_launched(sg4::Engine::get_clock());
  if (method == StartMethod::Forkserver && !world.forkserver_started) {
    // The first forkserver start waits for the server process to come up.
    world.forkserver_started = true;
    parent.without_gil(ThreadState::Wait, [&] { parent.machine().run(parent.id(), costs.forkserver_server); });
  }
  parent.enter(ThreadState::Python);
  parent.machine().run(parent.id(), costs.of(method).parent);
  child.launch(costs.of(method).child, world.layout.first_thread_of(process));
}

void join_process(ThreadContext& parent, int process) {
  ProcessRuntime& child = *parent.world().processes[process];
  parent.set_blocked_on("process " + parent.timeline().processes[process].name + " to exit");
  parent.without_gil(ThreadState::Wait, [&] { child.wait_exited(); });
  parent.clear_blocked_on();
}

}  // namespace gilsim
