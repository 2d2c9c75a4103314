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
    // From 3.13 the server preloads __main__ (Lib/multiprocessing/forkserver.py: main() ->
    // import_main_path); before, that preload never ran and each child imports it instead.
    const bool preloads = parent.runtime().python.forkserver_preloads_main();
    const double server = costs.forkserver_server + (preloads ? costs.main_module_import : 0.0);
    parent.without_gil(ThreadState::Wait, [&] { parent.machine().run(parent.id(), server); });
  }
  parent.enter(ThreadState::Python);
  parent.machine().run(parent.id(), costs.of(method).parent);
  // A spawn child runs the main module again (Lib/multiprocessing/spawn.py:
  // _fixup_main_from_path), and so does a forkserver child up to 3.12, whose server's __main__ is
  // not the parent's; it returns at once when __main__ already has the parent's __file__, as in a
  // child forked from the parent or, from 3.13, from the preloaded server.
  const bool reruns_main = method == StartMethod::Spawn ||
                           (method == StartMethod::Forkserver && !parent.runtime().python.forkserver_preloads_main());
  const double main_module = reruns_main ? costs.main_module_import : 0.0;
  child.launch(costs.of(method).child + main_module, world.layout.first_thread_of(process));
}

void join_process(ThreadContext& parent, int process) {
  ProcessRuntime& child = *parent.world().processes[process];
  parent.set_blocked_on("process " + parent.timeline().processes[process].name + " to exit");
  parent.without_gil(ThreadState::Wait, [&] { child.wait_exited(); });
  parent.clear_blocked_on();
}

}  // namespace gilsim
