#include "models/python/ProcessPoolRoles.hpp"

#include <algorithm>
#include <optional>

#include "models/python/PythonThread.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim {

int ProcessPoolRoles::submit(ProcessPoolExecutor& pool, const PoolCall& call) {
  PythonThread& t = thread_;
  t.enter(ThreadState::Python);
  t.run_python(t.world_.scenario.runtime.process_pool.submit);
  const int future = pool.submit(call);
  for (int process : pool.processes_to_start()) t.start_process({process, pool.spec().start_method});
  return future;
}

void ProcessPoolRoles::map(const ExecutorMapStep& step) {
  PythonThread& t = thread_;
  ProcessPoolExecutor& pool = *t.world_.pools.at(t.id_);
  // Executor.map(): the iterable cut into chunks of `chunksize` (the last may be shorter), each
  // submitted as one call; then the results, in submission order.
  std::vector<int> futures;
  for (int64_t first = 0; first < step.tasks; first += step.chunksize)
    futures.push_back(submit(pool, {&step.program, std::min(step.chunksize, step.tasks - first), step.payload, -1}));
  for (int future : futures) {
    if (pool.done(future)) continue;
    t.blocked_on_ = "the result of ProcessPoolExecutor call " + std::to_string(future);
    t.without_gil(ThreadState::Wait, [&] { pool.wait_done(future); });
    t.blocked_on_.clear();
  }
  shutdown(pool);
}

void ProcessPoolRoles::shutdown(ProcessPoolExecutor& pool) {
  PythonThread& t = thread_;
  pool.shutdown();
  t.blocked_on_ = "the ProcessPoolExecutor's manager thread to exit (shutdown)";
  t.without_gil(ThreadState::Wait, [&] { pool.wait_manager_exited(); });
  t.blocked_on_.clear();
}

void ProcessPoolRoles::manage(const PoolManagerStep& step) {
  PythonThread& t = thread_;
  ProcessPoolExecutor& pool = *t.world_.pools.at(step.owner);
  const IpcConfig& ipc = t.world_.scenario.runtime.ipc;
  for (;;) {
    fill_call_queue(pool);
    int future = -1;
    t.blocked_on_ = "a result from the process pool's workers or a submit";
    t.without_gil(ThreadState::Wait, [&] { future = pool.wait_result_or_wakeup(); });
    t.blocked_on_.clear();
    t.enter(ThreadState::Python);
    t.run_python(t.world_.scenario.runtime.process_pool.manager_wakeup);
    if (future >= 0) {
      // result_reader.recv() unpickles the _ResultItem; set_result() notifies the future's waiters.
      const PoolCall call = pool.call(future);
      t.run_python(t.unpickle_cost({call.payload.output_bytes * call.count, call.payload.objects * call.count}));
      t.run_python(ipc.queue_op);
      pool.set_result(future);
      pool.release_idle_worker();
    }
    if (pool.shutting_down()) {
      fill_call_queue(pool);
      if (!pool.pending()) {
        join_executor_internals(pool);
        pool.manager_exited();
        return;
      }
    }
  }
}

void ProcessPoolRoles::fill_call_queue(ProcessPoolExecutor& pool) {
  PythonThread& t = thread_;
  int future = -1;
  while (!pool.call_queue_full() && pool.pop_work_id(future)) {
    t.enter(ThreadState::Python);
    t.run_python(2 * t.world_.scenario.runtime.ipc.queue_op);  // work_ids.get(), call_queue.put()
    pool.count_call_queued();
    const PoolCall call = pool.call(future);
    pool.call_buffer().deliver({call.payload.input_bytes * call.count, call.payload.objects * call.count, call.work, future});
  }
}

// shutdown_workers(): one None per worker started; then the call queue is closed and its
// feeder joined, and every worker process joined. Workers never started never will be.
void ProcessPoolRoles::join_executor_internals(ProcessPoolExecutor& pool) {
  PythonThread& t = thread_;
  for (std::size_t i = 0; i < pool.started().size(); ++i) {
    t.enter(ThreadState::Python);
    t.run_python(t.world_.scenario.runtime.ipc.queue_op);
    pool.count_call_queued();
    pool.call_buffer().deliver({0, 0, nullptr, -1});
  }
  pool.call_buffer().writer_finished();
  t.blocked_on_ = "the process pool's call queue feeder thread to exit";
  t.without_gil(ThreadState::Wait, [&] { pool.wait_feeder_exited(); });
  t.blocked_on_.clear();
  for (int process : pool.started()) t.join_process({process});
  for (int process : pool.never_started()) t.world_.processes[process]->abandon();
}

void ProcessPoolRoles::feed(const FeederStep& step) {
  ProcessPoolExecutor& pool = *thread_.world_.pools.at(step.pool_owner);
  thread_.feed_pipe(pool.call_buffer(), pool.call_pipe());
  pool.call_pipe().writer_finished();
  pool.feeder_exited();
}

void ProcessPoolRoles::work(const PoolWorkerStep& step, int index) {
  PythonThread& t = thread_;
  ProcessPoolExecutor& pool = *t.world_.pools.at(step.owner);
  const IpcConfig& ipc = t.world_.scenario.runtime.ipc;
  // Step indices: this one is the get of a call, the functions' steps follow, then the put of
  // its result.
  std::vector<int> first_index;
  int next = index + 1;
  for (const std::vector<Step>* work : step.works) {
    first_index.push_back(next);
    next += PythonThread::subtree_size(*work);
  }
  const int put_index = next;
  for (;;) {
    Message message;
    double started = t.begin_step(index);
    t.blocked_on_ = "a call on its process pool's call queue";
    t.receive(pool.call_pipe(), message, [&] { pool.call_taken(); });
    t.blocked_on_.clear();
    t.end_step(started);
    // A copy (a std::optional): running the work lets other threads submit meanwhile.
    const std::optional<PoolCall> call = message.work ? std::optional<PoolCall>(pool.call(message.task)) : std::nullopt;
    if (call) {
      const auto work = std::find(step.works.begin(), step.works.end(), call->work) - step.works.begin();
      for (int64_t i = 0; i < call->count; ++i) t.run_program(*call->work, first_index[static_cast<std::size_t>(work)]);
    }
    // result_queue.put() (a SimpleQueue): pickled, then written with the GIL released. The None
    // sentinel is answered with the worker's pid, and the worker returns.
    started = t.begin_step(put_index);
    const Message result = call ? Message{call->payload.output_bytes * call->count, call->payload.objects * call->count}
                                : Message{};
    t.enter(ThreadState::Python);
    t.run_python(t.pickle_cost(result));
    // The manager reads results as they come, so the pipe never fills: the write is a copy in.
    t.without_gil(ThreadState::Io, [&] { sg4::this_actor::sleep_for(result.bytes / ipc.pipe_write_bandwidth); });
    if (call) pool.deliver_result(message.task);
    t.end_step(started);
    if (!call) return;
  }
}

}  // namespace gilsim
