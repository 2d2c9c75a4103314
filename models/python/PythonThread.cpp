#include "models/python/PythonThread.hpp"

#include <algorithm>
#include <limits>

#include "models/asyncio/EventLoop.hpp"
#include "models/python/ProcessPoolRoles.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim {
namespace {

// Copies of pipe data shorter than this take no simulated time: they are not measurable, and
// an exec that short is below what SimGrid times reliably.
constexpr double kShortestCopy = 1e-9;  // s

// Thrown when a thread waits on a channel that can never deliver: the thread stops there and
// the end-of-run check reports it with the other blocked threads.
struct ChannelClosed {
  std::string channel;
};

}  // namespace

PythonThread::PythonThread(int id, const ThreadSpec& spec, Gil& gil, PythonWorld& world, Rng rng)
    : id_(id),
      spec_(spec),
      gil_(gil),
      world_(world),
      process_(*world.processes[world.timeline.threads[id].process]),
      machine_(world.machine),
      timeline_(world.timeline),
      speed_(world.scenario.machine.speed),
      bytecode_cost_(world.scenario.runtime.build == PythonBuild::FreeThreaded
                         ? world.scenario.runtime.free_threaded_slowdown
                         : 1.0),
      rng_(rng) {}

int PythonThread::subtree_size(const std::vector<Step>& program) {
  int size = 0;
  for (const Step& step : program) {
    ++size;
    if (const auto* repeat = std::get_if<RepeatStep>(&step.action)) size += subtree_size(repeat->body);
    if (const auto* consume = std::get_if<ConsumeStep>(&step.action)) size += subtree_size(consume->body);
    if (const auto* worker = std::get_if<PoolWorkerStep>(&step.action)) {
      for (const std::vector<Step>* work : worker->works) size += subtree_size(*work);
      size += 1;  // the put of a result
    }
  }
  return size;
}

void PythonThread::describe_steps(const std::vector<Step>& program, ThreadInfo& info) {
  static const char* const kKinds[] = {"cpu",  "io",  "native", "sleep",   "repeat", "lock",
                                       "process_start", "join", "put", "get", "consume", "feed", "asyncio",
                                       "run_in_executor", "executor_worker", "executor_map", "executor_manager",
                                       "consume"};
  for (const Step& step : program) {
    info.step_labels.push_back(step.label);
    const auto* lock = std::get_if<LockStep>(&step.action);
    info.step_kinds.push_back(lock && !lock->acquire ? "unlock" : kKinds[step.action.index()]);
    if (const auto* repeat = std::get_if<RepeatStep>(&step.action)) describe_steps(repeat->body, info);
    if (const auto* consume = std::get_if<ConsumeStep>(&step.action)) describe_steps(consume->body, info);
    if (const auto* worker = std::get_if<PoolWorkerStep>(&step.action)) {
      for (const std::vector<Step>* work : worker->works) describe_steps(*work, info);
      info.step_labels.push_back("put result_queue");
      info.step_kinds.push_back("put");
    }
  }
}

void PythonThread::operator()() {
  // A child process's threads exist once it has booted; a pool's worker may never be started.
  if (!process_.wait_until_running()) {
    finished_ = true;
    return;
  }
  since_ = sg4::Engine::get_clock();
  executions_.assign(timeline_.threads[id_].step_labels.size(), 0);
  enter(ThreadState::GilWait);
  gil_.take(id_);  // t_bootstrap: a new thread takes the GIL before running Python
  // The start span begins when the parent called Process.start() (0 for processes running
  // from the start), as the recorder measures it.
  timeline_.step_spans.push_back({id_, kStartStep, 0, process_.launched_at(), sg4::Engine::get_clock()});
  try {
    run_program(spec_.program, 0);
  } catch (const ChannelClosed& closed) {
    blocked_on_ = "channel '" + closed.channel + "', whose writers have all finished (nothing left to get)";
    stop_blocked();
    return;
  } catch (const LoopDeadlock& deadlock) {
    blocked_on_ = deadlock.blocked;
    stop_blocked();
    return;
  }
  // The ProcessPoolExecutor this thread's coroutines used: `with` ends with shutdown(wait=True).
  if (auto pool = world_.pools.find(id_); pool != world_.pools.end() && !pool->second->shutting_down())
    ProcessPoolRoles(*this).shutdown(*pool->second);
  finish_writing();
  gil_.drop(id_, true);
  gil_.thread_exits(id_);
  close_span();
  timeline_.finish_time[id_] = sg4::Engine::get_clock();
  finished_ = true;
  process_.thread_finished(id_);
}

// The thread can never go on: it stops here, and the end-of-run check reports it as blocked.
void PythonThread::stop_blocked() {
  gil_.drop(id_, true);
  gil_.thread_exits(id_);
  close_span();
}

void PythonThread::run_program(const std::vector<Step>& program, int first_index) {
  int index = first_index;
  for (const Step& step : program) {
    if (const auto* repeat = std::get_if<RepeatStep>(&step.action)) {
      const int body_size = subtree_size(repeat->body);
      for (int64_t i = 0; i < repeat->count; ++i) run_program(repeat->body, index + 1);
      index += 1 + body_size;
    } else if (const auto* consume = std::get_if<ConsumeStep>(&step.action)) {
      this->consume(*consume, index);
      index += 1 + subtree_size(consume->body);
    } else if (const auto* worker = std::get_if<PoolWorkerStep>(&step.action)) {
      ProcessPoolRoles(*this).work(*worker, index);
      index += subtree_size({step});
    } else {
      const double started = begin_step(index);
      run_step(step);
      end_step(started);
      index += 1;
    }
  }
}

double PythonThread::begin_step(int index) {
  step_ = index;
  iteration_ = executions_[index]++;
  return sg4::Engine::get_clock();
}

void PythonThread::end_step(double started) {
  timeline_.step_spans.push_back({id_, step_, iteration_, started, sg4::Engine::get_clock()});
}

void PythonThread::run_step(const Step& step) {
  double& solo = timeline_.solo_seconds[id_];
  if (const auto* cpu = std::get_if<CpuStep>(&step.action)) {
    solo += cpu->seconds / speed_;  // the baseline is the default build, alone
    run_python(cpu->seconds * bytecode_cost_);
    return;
  }
  if (const auto* lock = std::get_if<LockStep>(&step.action)) {
    run_lock_step(*lock);
    return;
  }
  if (const auto* start = std::get_if<ProcessStartStep>(&step.action)) {
    start_process(*start);
    return;
  }
  if (const auto* join = std::get_if<ProcessJoinStep>(&step.action)) {
    join_process(*join);
    return;
  }
  if (const auto* p = std::get_if<PutStep>(&step.action)) {
    put(*p);
    return;
  }
  if (const auto* g = std::get_if<GetStep>(&step.action)) {
    get(*g);
    return;
  }
  if (const auto* f = std::get_if<FeederStep>(&step.action)) {
    if (f->pool_owner >= 0) ProcessPoolRoles(*this).feed(*f);
    else feed(*f);
    return;
  }
  if (const auto* map = std::get_if<ExecutorMapStep>(&step.action)) {
    ProcessPoolRoles(*this).map(*map);
    return;
  }
  if (const auto* manager = std::get_if<PoolManagerStep>(&step.action)) {
    ProcessPoolRoles(*this).manage(*manager);
    return;
  }
  if (const auto* loop = std::get_if<AsyncioStep>(&step.action)) {
    EventLoop(*this, *loop).run();
    return;
  }
  if (const auto* worker = std::get_if<ExecutorWorkerStep>(&step.action)) {
    run_executor_worker(*worker);
    return;
  }
  // Every other step is a call that releases the GIL around a blocking wait or native code
  // (Py_BEGIN_ALLOW_THREADS) and takes it back before returning to bytecode.
  if (const auto* io = std::get_if<IoStep>(&step.action)) {
    const double latency = io->latency.sample(rng_);
    solo += latency;
    without_gil(ThreadState::Io, [&] { sg4::this_actor::sleep_for(latency); });
  } else if (const auto* native = std::get_if<NativeStep>(&step.action)) {
    solo += native->seconds / speed_;
    without_gil(ThreadState::Native, [&] { machine_.run_parallel(id_, native->seconds, native->threads); });
  } else if (const auto* sleep = std::get_if<SleepStep>(&step.action)) {
    solo += sleep->seconds;
    without_gil(ThreadState::Sleep, [&] { sg4::this_actor::sleep_for(sleep->seconds); });
  }
}

void PythonThread::run_python(double work) {
  if (work > 0) gil_.run_python(id_, work, [this](ThreadState state) { enter(state); });
}

void PythonThread::run_lock_step(const LockStep& step) {
  ThreadingLock& lock = process_.lock(step.lock);
  if (!step.acquire) {
    lock.release(id_);  // quick, with the GIL held
    return;
  }
  if (lock.try_acquire(id_)) return;  // uncontended: no GIL release
  // Contended: lock.acquire() releases the GIL while it blocks, and takes it back after.
  blocked_on_ = "lock '" + step.lock + "' held by " + timeline_.threads[lock.holder()].name;
  without_gil(ThreadState::LockWait, [&] { lock.acquire_blocking(id_); });
  blocked_on_.clear();
}

void PythonThread::start_process(const ProcessStartStep& step) {
  ProcessRuntime& child = *world_.processes[step.process];
  const ProcessCosts& costs = world_.scenario.runtime.processes;
  child.mark_launched(sg4::Engine::get_clock());
  if (step.method == StartMethod::Forkserver && !world_.forkserver_started) {
    // The first forkserver start waits for the server process to come up.
    world_.forkserver_started = true;
    without_gil(ThreadState::Wait, [&] { machine_.run(id_, costs.forkserver_server); });
  }
  enter(ThreadState::Python);
  machine_.run(id_, costs.of(step.method).parent);
  child.launch(costs.of(step.method).child, world_.layout.first_thread_of(step.process));
}

double PythonThread::pickle_cost(const Message& m) const {
  const IpcConfig& ipc = world_.scenario.runtime.ipc;
  return m.bytes / ipc.pickle_bandwidth + m.objects * ipc.pickle_per_object;
}

double PythonThread::unpickle_cost(const Message& m) const {
  const IpcConfig& ipc = world_.scenario.runtime.ipc;
  return m.bytes / ipc.unpickle_bandwidth + m.objects * ipc.unpickle_per_object;
}

void PythonThread::put(const PutStep& step) {
  const int process = timeline_.threads[id_].process;
  const IpcConfig& ipc = world_.scenario.runtime.ipc;
  const Message message{step.bytes, step.objects};
  if (Pipe* pipe = world_.pipe(step.channel)) {
    if (pipe->kind() == ChannelKind::MpQueue) {  // put() buffers; the feeder thread pickles and writes
      run_python(ipc.queue_op);
      world_.feeder_buffer(process, step.channel).deliver(message);
    } else {  // SimpleQueue.put: pickles, then sends under the write lock
      run_python(pickle_cost(message));
      send(*pipe, message);
    }
    return;
  }
  Channel& channel = world_.channel(process, step.channel);
  run_python(channel.kind() == ChannelKind::Queue ? ipc.queue_op : pickle_cost(message));
  channel.deliver(message);
}

// Copies run on a core: they are CPU work in the kernel (and in recv_bytes' io.BytesIO). One
// shorter than SimGrid's numerical accuracy (surf/precision, 1 ns), such as a 4-byte length
// header, is not run: SimGrid cannot time it, and the two GIL engines would round it apart.
PipeBuffer::Copy PythonThread::copy_at(double bandwidth) {
  return [this, bandwidth](double bytes) {
    if (bytes / bandwidth >= kShortestCopy) machine_.run(id_, bytes / bandwidth);
  };
}

// Connection.send_bytes: os.write releases the GIL; the writer blocks while the pipe is full.
void PythonThread::send(Pipe& pipe, const Message& message) {
  blocked_on_ = "room in channel '" + pipe.name() + "', whose pipe is full (nothing reads it)";
  without_gil(ThreadState::Io, [&] { pipe.send(id_, message, copy_at(world_.scenario.runtime.ipc.pipe_write_bandwidth)); });
  blocked_on_.clear();
}

bool PythonThread::receive(Channel& channel, Message& message, const std::function<void()>& taken) {
  if (!channel.try_receive(message)) {
    bool open = true;
    if (blocked_on_.empty()) blocked_on_ = "channel '" + channel.name() + "'";
    without_gil(ThreadState::Wait, [&] { open = channel.receive(message); });
    blocked_on_.clear();
    if (!open) return false;
  }
  if (taken) taken();
  enter(ThreadState::Python);
  run_python(channel.kind() == ChannelKind::Queue ? world_.scenario.runtime.ipc.queue_op : unpickle_cost(message));
  return true;
}

// SimpleQueue.get / Queue.get: waits for a message (state wait), reads it as it arrives (io, the
// GIL released around os.read), then unpickles it.
bool PythonThread::receive(Pipe& pipe, Message& message, const std::function<void()>& taken) {
  const PipeBuffer::Copy copy = copy_at(world_.scenario.runtime.ipc.pipe_read_bandwidth);
  bool open = true;
  if (blocked_on_.empty()) blocked_on_ = "channel '" + pipe.name() + "'";
  without_gil(ThreadState::Wait, [&] {
    open = pipe.receive_header(id_, message, copy);
    if (!open) return;
    enter(ThreadState::Io);
    pipe.receive_body(id_, copy);
  });
  blocked_on_.clear();
  if (!open) return false;
  if (taken) taken();
  enter(ThreadState::Python);
  run_python(unpickle_cost(message));
  return true;
}

bool PythonThread::receive(const std::string& channel, Message& message) {
  if (Pipe* pipe = world_.pipe(channel)) return receive(*pipe, message);
  return receive(world_.channel(timeline_.threads[id_].process, channel), message);
}

void PythonThread::get(const GetStep& step) {
  Message message;
  if (!receive(step.channel, message)) throw ChannelClosed{step.channel};
}

void PythonThread::consume(const ConsumeStep& step, int index) {
  Message message;
  for (;;) {
    step_ = index;
    iteration_ = executions_[index]++;
    const double started = sg4::Engine::get_clock();
    const bool got = receive(step.channel, message);
    timeline_.step_spans.push_back({id_, index, iteration_, started, sg4::Engine::get_clock()});
    if (!got) return;
    run_program(step.body, index + 1);
  }
}

void PythonThread::feed(const FeederStep& step) {
  const int process = timeline_.threads[id_].process;
  feed_pipe(world_.feeder_buffer(process, step.channel), *world_.pipe(step.channel));
}

// Lib/multiprocessing/queues.py _feed: pickles each buffered object and sends it through the
// pipe; it waits on the buffer only when it is empty, and returns once the buffer is closed.
void PythonThread::feed_pipe(Channel& buffer, Pipe& pipe) {
  Message message;
  for (;;) {
    if (!buffer.try_receive(message)) {
      bool open = true;
      without_gil(ThreadState::Wait, [&] { open = buffer.receive(message); });
      if (!open) return;
    }
    enter(ThreadState::Python);
    run_python(pickle_cost(message));
    send(pipe, message);
  }
}

// A finished thread no longer writes to its channels: readers may see them close.
void PythonThread::finish_writing() {
  const int process = timeline_.threads[id_].process;
  if (auto executor = world_.executors.find(id_); executor != world_.executors.end())
    executor->second->work_queue().writer_finished();  // executor.shutdown(): the workers leave
  if (const auto* feeder = spec_.program.empty() ? nullptr : std::get_if<FeederStep>(&spec_.program[0].action)) {
    if (feeder->pool_owner < 0) world_.pipe(feeder->channel)->writer_finished();  // else the pool's
    return;
  }
  for (const std::string& name : WorkloadLayout::channels_put_by(spec_.program)) {
    Pipe* pipe = world_.pipe(name);
    if (!pipe) world_.channel(process, name).writer_finished();
    else if (pipe->kind() == ChannelKind::MpQueue) world_.feeder_buffer(process, name).writer_finished();
    else pipe->writer_finished();
  }
}

// A ThreadPoolExecutor worker: takes blocking calls from the loop's queue, runs them (taking the
// process's GIL for their Python like any thread), and wakes the loop with the result.
void PythonThread::run_executor_worker(const ExecutorWorkerStep& step) {
  ExecutorLink& executor = *world_.executors.at(step.loop_thread);
  Message item;
  while (receive(executor.work_queue(), item)) {
    for (const Step& work : *item.work) run_step(work);
    executor.completions().complete(item.task);
  }
}

void PythonThread::join_process(const ProcessJoinStep& step) {
  ProcessRuntime& child = *world_.processes[step.process];
  blocked_on_ = "process " + timeline_.processes[step.process].name + " to exit";
  without_gil(ThreadState::Wait, [&] { child.wait_exited(); });
  blocked_on_.clear();
}

void PythonThread::enter(ThreadState state) {
  if (state == state_ && step_ == open_step_ && iteration_ == open_iteration_) return;
  close_span();
  state_ = state;
  open_step_ = step_;
  open_iteration_ = iteration_;
}

void PythonThread::close_span() {
  double now = sg4::Engine::get_clock();
  if (now > since_) timeline_.add_span({id_, state_, open_step_, open_iteration_, since_, now});
  since_ = now;
}

}  // namespace gilsim
