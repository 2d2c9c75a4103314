#pragma once
#include "models/ipc/ProcessPoolExecutor.hpp"
#include "models/runtime/ThreadContext.hpp"
#include "sim/scenario/Scenario.hpp"

namespace gilsim {


// What the threads of a concurrent.futures.ProcessPoolExecutor do (Lib/concurrent/futures/
// process.py, 3.11), each on the Python thread that plays the role, paying its costs there:
//  - the caller's submit(), which starts worker processes on demand;
//  - the owner's map(): every chunk submitted, the results taken in order, then shutdown();
//  - the executor manager thread, which moves work items to the call queue while it has room
//    and marks a future done for every result it reads;
//  - the call queue's feeder thread, which pickles call items and writes them to the pipe;
//  - a worker process, which runs the calls it gets and puts their pickled results back.
class ProcessPoolRoles {
 public:
  explicit ProcessPoolRoles(ThreadContext& thread) : thread_(thread) {}

  int submit(ProcessPoolExecutor& pool, const PoolCall& call);  // the future
  void map(const ExecutorMapStep& step);
  void shutdown(ProcessPoolExecutor& pool);  // shutdown(wait=True)
  void manage(const PoolManagerStep& step);
  void feed(const FeederStep& step);
  void work(const PoolWorkerStep& step, int index);

 private:
  void fill_call_queue(ProcessPoolExecutor& pool);  // add_call_item_to_queue()
  void join_executor_internals(ProcessPoolExecutor& pool);

  ThreadContext& thread_;
};

}  // namespace gilsim
