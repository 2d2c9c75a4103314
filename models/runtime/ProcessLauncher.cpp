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
    // The server preloads __main__ (Lib/multiprocessing/forkserver.py: main() -> import_main_path).
    const double server = costs.forkserver_server + costs.main_module_import;
    parent.without_gil(ThreadState::Wait, [&] { parent.machine().run(parent.id(), server); });
  }
  parent.enter(ThreadState::Python);
  parent.machine().run(parent.id(), costs.of(method).parent);
  // Only a spawn child runs the main module again (Lib/multiprocessing/spawn.py:
  // _fixup_main_from_path returns at once when __main__ already has the parent's __file__, as in a
  // child forked from the preloaded server or from the parent).
  const double main_module = method == StartMethod::Spawn ? costs.main_module_import : 0.0;
  child.launch(costs.of(method).child + main_module, world.layout.first_thread_of(process));
}

void join_process(ThreadContext& parent, int process) {
  ProcessRuntime& child = *parent.world().processes[process];
  parent.set_blocked_on("process " + parent.timeline().processes[process].name + " to exit");
  parent.without_gil(ThreadState::Wait, [&] { child.wait_exited(); });
  parent.clear_blocked_on();
}

}  // namespace gilsim
