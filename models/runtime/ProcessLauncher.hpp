#pragma once
#include "models/runtime/ThreadContext.hpp"
#include "sim/scenario/StartMethod.hpp"

namespace gilsim {

// multiprocessing's Process.start() and join() on the thread that calls them (README
// "Processes"): the parent pays the start method's `parent` cost, the child boots concurrently
// (`child`), and join() returns after the child's threads and its `exit` cost.
void start_process(ThreadContext& parent, int process, StartMethod method);
void join_process(ThreadContext& parent, int process);

}  // namespace gilsim
