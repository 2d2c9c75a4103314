#pragma once
#include "models/machine/EevdfCore.hpp"

namespace gilsim {

class Machine;

// What a Python thread tells the OS scheduler when it blocks and when it is woken, from code
// that does not know which thread calls it (a lock, a pipe, a condition of a GIL engine). The
// simulation installs its machine and binds each thread's actor; one SimGrid engine runs per
// process, so these are per process. Under fair sharing (machine.scheduler: fair) a block is
// nothing and a wake-up is `fair_latency` of sleep, as before the scheduler model.
namespace os {

void install(Machine* machine);
void bind_current_actor(int thread);
int current_thread();  // -1: an actor that is not a Python thread
bool scheduled();      // the EEVDF model runs: blocks and wake-ups go through it

// The calling thread is about to wait for something: it leaves its CPU.
void block();
// The calling thread was woken (by `waker`, -1: an interrupt): it returns once it runs again.
void wake(WakeKind kind, int waker, double fair_latency);

}  // namespace os
}  // namespace gilsim
