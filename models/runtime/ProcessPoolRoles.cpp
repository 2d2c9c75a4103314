#include "models/runtime/ProcessPoolRoles.hpp"

#include <algorithm>
#include <optional>

#include "models/runtime/ChannelIo.hpp"
#include "models/runtime/ProcessLauncher.hpp"
#include "models/steps/StepTree.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim {

int ProcessPoolRoles::submit(ProcessPoolExecutor& pool, const PoolCall& call) {
  ThreadContext& t = thread_;
  t.enter(ThreadState::Python);
  t.run_python(t.runtime().process_pool.submit);
  const int future = pool.submit(call);
  for (int process : pool.processes_to_start()) start_process(t, process, pool.spec().start_method);
  return future;
}

void ProcessPoolRoles::map(const ExecutorMapStep& step) {
  ThreadContext& t = thread_;
  ProcessPoolExecutor& pool = *t.world().pools.at(t.id());
  // Executor.map(): the iterable cut into chunks of `chunksize` (the last may be shorter), each
  // submitted as one call; then the results, in submission order.
  std::vector<int> futures;
  for (int64_t first = 0; first < step.tasks; first += step.chunksize)
    futures.push_back(submit(pool, {&step.program, std::min(step.chunksize, step.tasks - first), step.payload, -1}));
  for (int future : futures) {
    if (pool.done(future)) continue;
    t.set_blocked_on("the result of ProcessPoolExecutor call " + std::to_string(future));
    t.without_gil(ThreadState::Wait, [&] { pool.wait_done(future); });
    t.clear_blocked_on();
  }
  shutdown(pool);
}

void ProcessPoolRoles::shutdown(ProcessPoolExecutor& pool) {
  ThreadContext& t = thread_;
  pool.shutdown();
  t.set_blocked_on("the ProcessPoolExecutor's manager thread to exit (shutdown)");
  t.without_gil(ThreadState::Wait, [&] { pool.wait_manager_exited(); });
  t.clear_blocked_on();
}

void ProcessPoolRoles::manage(const PoolManagerStep& step) {
  ThreadContext& t = thread_;
  ProcessPoolExecutor& pool = *t.world().pools.at(step.owner);
  const IpcConfig& ipc = t.runtime().ipc;
  for (;;) {
    fill_call_queue(pool);
    int future = -1;
    t.set_blocked_on("a result from the process pool's workers or a submit");
    t.without_gil(ThreadState::Wait, [&] { future = pool.wait_result_or_wakeup(); });
    t.clear_blocked_on();
    t.enter(ThreadState::Python);
    t.run_python(t.runtime().process_pool.manager_wakeup);
    if (future >= 0) {
      // result_reader.recv() (recv_bytes' Python; its reads are not modelled on this pipe)
      // unpickles the _ResultItem; set_result() notifies the future's waiters.
      const PoolCall call = pool.call(future);
      t.run_python(ipc.recv_call +
                   ChannelIo(t).unpickle_cost({call.payload.output_bytes * call.count, call.payload.objects * call.count}));
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
  ThreadContext& t = thread_;
  int future = -1;
  while (!pool.call_queue_full() && pool.pop_work_id(future)) {
    t.enter(ThreadState::Python);
    t.run_python(2 * t.runtime().ipc.queue_op);  // work_ids.get(), call_queue.put()
    pool.count_call_queued();
    const PoolCall call = pool.call(future);
    pool.call_buffer().deliver({call.payload.input_bytes * call.count, call.payload.objects * call.count, call.work, future});
  }
}

// shutdown_workers(): one None per worker started; then the call queue is closed and its
// feeder joined, and every worker process joined. Workers never started never will be.
void ProcessPoolRoles::join_executor_internals(ProcessPoolExecutor& pool) {
  ThreadContext& t = thread_;
  for (std::size_t i = 0; i < pool.started().size(); ++i) {
    t.enter(ThreadState::Python);
    t.run_python(t.runtime().ipc.queue_op);
    pool.count_call_queued();
    pool.call_buffer().deliver({0, 0, nullptr, -1});
  }
  pool.call_buffer().writer_finished();
  t.set_blocked_on("the process pool's call queue feeder thread to exit");
  t.without_gil(ThreadState::Wait, [&] { pool.wait_feeder_exited(); });
  t.clear_blocked_on();
  for (int process : pool.started()) join_process(t, process);
  for (int process : pool.never_started()) t.world().processes[process]->abandon();
}

void ProcessPoolRoles::feed(const FeederStep& step) {
  ProcessPoolExecutor& pool = *thread_.world().pools.at(step.pool_owner);
  ChannelIo(thread_).feed_pipe(pool.call_buffer(), pool.call_pipe());
  pool.call_pipe().writer_finished();
  pool.feeder_exited();
}

void ProcessPoolRoles::work(const PoolWorkerStep& step, int index) {
  ThreadContext& t = thread_;
  ProcessPoolExecutor& pool = *t.world().pools.at(step.owner);
  const IpcConfig& ipc = t.runtime().ipc;
  // Step indices: this one is the get of a call, the functions' steps follow, then the put of
  // its result.
  std::vector<int> first_index;
  int next = index + 1;
  for (const std::vector<Step>* work : step.works) {
    first_index.push_back(next);
    next += subtree_size(*work);
  }
  const int put_index = next;
  for (;;) {
    Message message;
    double started = t.begin_step(index);
    t.set_blocked_on("a call on its process pool's call queue");
    ChannelIo(t).receive(pool.call_pipe(), message, [&] { pool.call_taken(); });
    t.clear_blocked_on();
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
    ChannelIo io(t);
    t.run_python(io.pickle_cost(result) + ipc.send_call);
    // The manager reads results as they come, so the pipe never fills: the write is one os.write
    // and a copy in.
    t.without_gil(ThreadState::Io, [&] {
      io.run_syscall(ipc.write_syscall);
      sg4::this_actor::sleep_for(result.bytes / ipc.pipe_write_bandwidth);
    });
    if (call) pool.deliver_result(message.task);
    t.end_step(started);
    if (!call) return;
  }
}

}  // namespace gilsim
