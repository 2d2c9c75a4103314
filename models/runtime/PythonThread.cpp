#include "models/runtime/PythonThread.hpp"

#include "models/machine/OsThreads.hpp"
#include "models/runtime/ChannelIo.hpp"
#include "models/runtime/EventLoop.hpp"
#include "models/runtime/ProcessPoolRoles.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim {

PythonThread::PythonThread(int id, const ThreadSpec& spec, Gil& gil, PythonWorld& world, Rng rng)
    : spec_(spec), context_(id, gil, world, rng) {}

void PythonThread::operator()() {
  ThreadContext& t = context_;
  ProcessRuntime& process = t.process();
  // A child process's threads exist once it has booted; a pool's worker may never be started.
  if (!process.wait_until_running()) {
    finished_ = true;
    return;
  }
  os::bind_current_actor(t.id());
  t.machine().on_cpu_change(t.id(), [&t](bool running) { t.cpu_changed(running); });
  t.machine().thread_starts(t.id(), -1);
  t.start();
  t.enter(ThreadState::GilWait);
  t.gil().take(t.id());  // t_bootstrap: a new thread takes the GIL before running Python
  // The start span begins when the parent called Process.start() (0 for processes running
  // from the start), as the recorder measures it.
  t.timeline().step_spans.push_back({t.id(), kStartStep, 0, process.launched_at(), sg4::Engine::get_clock()});
  try {
    t.run_program(spec_.program, 0);
  } catch (const ChannelClosed& closed) {
    stop_blocked("channel '" + closed.channel + "', whose writers have all finished (nothing left to get)");
    return;
  } catch (const LoopDeadlock& deadlock) {
    stop_blocked(deadlock.blocked);
    return;
  }
  // The ProcessPoolExecutor this thread's coroutines used: `with` ends with shutdown(wait=True).
  PythonWorld& world = t.world();
  if (auto pool = world.pools.find(t.id()); pool != world.pools.end() && !pool->second->shutting_down())
    ProcessPoolRoles(t).shutdown(*pool->second);
  ChannelIo(t).finish_writing(spec_.program);
  t.gil().drop(t.id(), true);
  t.gil().thread_exits(t.id());
  t.close_span();
  t.timeline().finish_time[t.id()] = sg4::Engine::get_clock();
  finished_ = true;
  process.thread_finished(t.id());
  t.machine().thread_exits(t.id());
}

void PythonThread::stop_blocked(const std::string& what) {
  ThreadContext& t = context_;
  t.set_blocked_on(what);
  t.gil().drop(t.id(), true);
  t.gil().thread_exits(t.id());
  t.close_span();
}

}  // namespace gilsim
