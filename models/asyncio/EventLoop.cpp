#include "models/asyncio/EventLoop.hpp"

#include <limits>
#include <set>

#include "models/python/ProcessPoolRoles.hpp"
#include "models/python/PythonThread.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim {
namespace {

// Names of the queues a coroutine's program puts to, through repeat and consume bodies.
void queues_put_by(const std::vector<Step>& program, std::set<std::string>& out) {
  for (const Step& step : program) {
    if (const auto* put = std::get_if<PutStep>(&step.action)) out.insert(put->channel);
    if (const auto* repeat = std::get_if<RepeatStep>(&step.action)) queues_put_by(repeat->body, out);
    if (const auto* consume = std::get_if<ConsumeStep>(&step.action)) queues_put_by(consume->body, out);
  }
}

}  // namespace

EventLoop::EventLoop(PythonThread& thread, const AsyncioStep& step) : thread_(thread), step_(step) {
  std::map<std::string, int64_t> producers;
  for (const CoroutineSpec& coroutine : step.coroutines) {
    std::set<std::string> puts;
    queues_put_by(coroutine.program, puts);
    for (const std::string& name : puts) producers[name] += coroutine.count;
    for (int64_t i = 0; i < coroutine.count; ++i)
      tasks_.push_back({&coroutine, i, CoroutineCursor(coroutine.program), Wait::None, "", false});
  }
  for (const AsyncioQueueSpec& q : step.queues) queues_.emplace(q.name, AsyncioQueue(q.name, q.maxsize, producers[q.name]));
  if (step.process_pool) {
    pool_ = thread.world_.pools.at(thread.id_).get();
    completions_ = &pool_->completions();
  } else if (auto found = thread.world_.executors.find(thread.id_); found != thread.world_.executors.end()) {
    executor_ = found->second.get();
    completions_ = &executor_->completions();
  }
}

void EventLoop::run() {
  for (std::size_t task = 0; task < tasks_.size(); ++task) queue_.make_ready(static_cast<int>(task));
  PythonThread& t = thread_;
  while (!queue_.idle() || offloaded_ > 0) {
    if (!queue_.has_ready()) {
      const double until = queue_.idle() ? std::numeric_limits<double>::infinity() : queue_.next_timer();
      t.without_gil(ThreadState::Io, [&] {
        if (!completions_) return sg4::this_actor::sleep_until(until);
        for (int task : completions_->wait_for_completions(until)) queue_.make_ready(task), --offloaded_;
      });
    }
    if (completions_)
      for (int task : completions_->take_completions()) queue_.make_ready(task), --offloaded_;
    queue_.release_due(sg4::Engine::get_clock());
    for (std::size_t n = queue_.ready_count(); n > 0; --n) {
      const int task = queue_.pop_ready();
      t.enter(ThreadState::Python);
      t.run_python(t.world_.scenario.runtime.asyncio.task_step_overhead * t.bytecode_cost_);
      resume(task);
    }
  }
  for (const Task& task : tasks_)
    if (!task.done) throw LoopDeadlock{describe_blocked()};
}

void EventLoop::resume(int id) {
  Task& task = tasks_[id];
  if (task.wait == Wait::Lock) locks_.at(task.on).take(id);  // the woken waiter holds the lock now
  task.wait = Wait::None;
  while (const Step* step = task.cursor.current())
    if (!run_step(id, *step)) return;
  finish(id);
}

bool EventLoop::run_step(int id, const Step& step) {
  Task& task = tasks_[id];
  PythonThread& t = thread_;
  double& solo = t.timeline_.solo_seconds[t.id_];
  const double now = sg4::Engine::get_clock();
  if (const auto* cpu = std::get_if<CpuStep>(&step.action)) {
    solo += cpu->seconds / t.speed_;
    t.enter(ThreadState::Python);
    t.run_python(cpu->seconds * t.bytecode_cost_);  // blocks the loop
  } else if (const auto* native = std::get_if<NativeStep>(&step.action)) {
    // A blocking call inside a coroutine: the loop stalls, but the GIL is released.
    solo += native->seconds / t.speed_;
    t.without_gil(ThreadState::Native, [&] { t.machine_.run_parallel(t.id_, native->seconds, native->threads); });
  } else if (const auto* io = std::get_if<IoStep>(&step.action)) {
    const double latency = io->latency.sample(t.rng_);
    solo += latency;
    queue_.wait_until(id, now + latency);
    task.wait = Wait::Timer;
  } else if (const auto* sleep = std::get_if<SleepStep>(&step.action)) {
    solo += sleep->seconds;
    queue_.wait_until(id, now + sleep->seconds);
    task.wait = Wait::Timer;
  } else if (const auto* offload = std::get_if<RunInExecutorStep>(&step.action)) {
    if (pool_) {
      ProcessPoolRoles(t).submit(*pool_, {&offload->work, 1, offload->payload, id});  // may start workers
    } else {
      t.run_python(t.world_.scenario.runtime.ipc.queue_op);  // ThreadPoolExecutor.submit(): a queue put
      executor_->work_queue().deliver({0, 0, &offload->work, id});
    }
    ++offloaded_;
    task.wait = Wait::Executor;
  } else if (const auto* repeat = std::get_if<RepeatStep>(&step.action)) {
    task.cursor.enter(*repeat);
    return true;
  } else if (const auto* lock_step = std::get_if<LockStep>(&step.action)) {
    return lock(id, *lock_step);
  } else if (const auto* put_step = std::get_if<PutStep>(&step.action)) {
    return put(id, *put_step);
  } else if (const auto* get_step = std::get_if<GetStep>(&step.action)) {
    auto q = queues_.find(get_step->channel);
    if (q == queues_.end()) {
      t.get(*get_step);  // a thread or process channel: a blocking call that stalls the loop
    } else if (!get(id, q->second)) {
      return false;
    }
  } else if (const auto* consume = std::get_if<ConsumeStep>(&step.action)) {
    auto q = queues_.find(consume->channel);
    bool got = false;
    if (q == queues_.end()) {
      Message message;  // a thread or process channel: the loop blocks in each receive
      got = t.receive(t.world_.channel(t.timeline_.threads[t.id_].process, consume->channel), message);
    } else if (!q->second.closed()) {
      if (!get(id, q->second)) return false;
      got = true;
    }
    if (got) {
      task.cursor.enter(*consume);
      return true;
    }
  }
  task.cursor.advance();
  return task.wait == Wait::None;
}

bool EventLoop::lock(int id, const LockStep& step) {
  Task& task = tasks_[id];
  thread_.run_python(thread_.world_.scenario.runtime.asyncio.lock_op);
  AsyncioLock& lock = locks_.try_emplace(step.lock, step.lock).first->second;
  task.cursor.advance();
  if (!step.acquire) {
    if (const int woken = lock.release(); woken >= 0) queue_.make_ready(woken);
    return true;
  }
  if (lock.acquire(id)) return true;
  task.wait = Wait::Lock;
  task.on = step.lock;
  return false;
}

bool EventLoop::put(int id, const PutStep& step) {
  Task& task = tasks_[id];
  auto found = queues_.find(step.channel);
  if (found == queues_.end()) {
    thread_.put(step);  // a thread or process channel: a blocking call on the loop's thread
  } else {
    AsyncioQueue& queue = found->second;
    if (queue.full()) {  // put(): waits for a free slot, then checks again
      queue.wait_to_put(id);
      task.wait = Wait::Put;
      task.on = step.channel;
      return false;
    }
    if (const int woken = queue.put(); woken >= 0) queue_.make_ready(woken);
    thread_.run_python(thread_.world_.scenario.runtime.asyncio.queue_op);
  }
  task.cursor.advance();
  return true;
}

bool EventLoop::get(int id, AsyncioQueue& queue) {
  Task& task = tasks_[id];
  task.on = queue.name();
  if (queue.closed()) {  // a get that nothing can ever serve (a consume stops before this)
    task.wait = Wait::Closed;
    return false;
  }
  if (queue.empty()) {  // get(): waits for an item, then checks again
    queue.wait_to_get(id);
    task.wait = Wait::Get;
    return false;
  }
  if (const int woken = queue.get(); woken >= 0) queue_.make_ready(woken);
  thread_.run_python(thread_.world_.scenario.runtime.asyncio.queue_op);
  return true;
}

void EventLoop::finish(int id) {
  Task& task = tasks_[id];
  task.done = true;
  std::set<std::string> puts;
  queues_put_by(task.coroutine->program, puts);
  for (const std::string& name : puts)
    if (auto q = queues_.find(name); q != queues_.end())
      for (int woken : q->second.producer_returned()) queue_.make_ready(woken);
}

std::string EventLoop::name_of(int id) const {
  const Task& task = tasks_[id];
  const CoroutineSpec& c = *task.coroutine;
  return c.count == 1 ? c.name : c.name + "[" + std::to_string(task.index) + "]";
}

std::string EventLoop::describe_blocked() const {
  std::vector<std::string> lines;
  for (std::size_t id = 0; id < tasks_.size(); ++id) {
    const Task& task = tasks_[id];
    if (task.done) continue;
    std::string what;
    if (task.wait == Wait::Lock) {
      const int holder = locks_.at(task.on).holder();
      what = "asyncio.Lock '" + task.on + "'" + (holder >= 0 ? " held by " + name_of(holder) : "");
    } else if (task.wait == Wait::Put) {
      what = "asyncio.Queue '" + task.on + "' (full: maxsize " + std::to_string(queues_.at(task.on).maxsize()) + ")";
    } else if (queues_.at(task.on).closed()) {
      what = "asyncio.Queue '" + task.on + "', empty, whose producers have all returned (nothing left to get)";
    } else {
      what = "asyncio.Queue '" + task.on + "' (empty)";
    }
    lines.push_back(name_of(static_cast<int>(id)) + ": waiting for " + what);
  }
  std::string text = std::to_string(lines.size()) + " asyncio task(s) that can never finish:";
  for (std::size_t i = 0; i < lines.size() && i < 8; ++i) text += "\n    " + lines[i];
  if (lines.size() > 8) text += "\n    ... and " + std::to_string(lines.size() - 8) + " more";
  return text;
}

}  // namespace gilsim
