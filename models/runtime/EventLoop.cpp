#include "models/runtime/EventLoop.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <type_traits>

#include "models/runtime/ProcessPoolRoles.hpp"
#include "sim/scenario/WorkloadLayout.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim {
EventLoop::EventLoop(ThreadContext& thread, const AsyncioStep& step) : thread_(thread), step_(step), requests_(thread) {
  std::map<std::string, int64_t> producers;
  for (const CoroutineSpec& coroutine : step.coroutines) {
    for (const std::string& name : WorkloadLayout::channels_put_by(coroutine.program)) producers[name] += coroutine.count;
    for (int64_t i = 0; i < coroutine.count; ++i)
      tasks_.push_back({&coroutine, i, CoroutineCursor(coroutine.program), Wait::None, "", false});
  }
  for (const AsyncioQueueSpec& q : step.queues) queues_.emplace(q.name, AsyncioQueue(q.name, q.maxsize, producers[q.name]));
  for (const SemaphoreSpec& s : step.semaphores) semaphores_.emplace(s.name, AsyncioSemaphore(s.name, s.value, s.bounded));
  if (step.process_pool) {
    pool_ = thread.world().pools.at(thread.id()).get();
    completions_ = &pool_->completions();
  } else if (auto found = thread.world().executors.find(thread.id()); found != thread.world().executors.end()) {
    executor_ = found->second.get();
    completions_ = &executor_->completions();
  }
}

// A task handling a request is created with the loop and starts when its request arrives, as
// if the server's accept callback had created it then (asyncio.start_server).
void EventLoop::run() {
  created_ = sg4::Engine::get_clock();
  for (std::size_t task = 0; task < tasks_.size(); ++task) {
    const int id = static_cast<int>(task);
    const std::string& source = tasks_[task].coroutine->requests;
    if (source.empty()) {
      queue_.make_ready(id, sg4::Engine::get_clock());
      continue;
    }
    RequestSource& requests = thread_.world().request_source(source);
    first_request_task_[&requests] = id - static_cast<int>(tasks_[task].index);
    // A closed loop's client sends its next request when its previous one is done (resume).
    if (requests.closed() && tasks_[task].index >= requests.clients()) continue;
    requests_.add(id, requests, tasks_[task].index);
    queue_.wait_event(id, requests.arrival(tasks_[task].index));
    tasks_[task].wait = Wait::Timer;
  }
  ThreadContext& t = thread_;
  while (!queue_.idle() || offloaded_ > 0) {
    if (!queue_.has_ready()) {
      const double until = selector_wake(sg4::Engine::get_clock());
      t.without_gil(ThreadState::Io, [&] {
        if (!completions_) return t.blocked_sleep_until(until);
        for (int task : completions_->wait_for_completions(until)) make_ready(task), --offloaded_;
      });
    }
    if (completions_)
      for (int task : completions_->take_completions()) make_ready(task), --offloaded_;
    queue_.release_due(sg4::Engine::get_clock());
    for (std::size_t n = queue_.ready_count(); n > 0; --n) {
      const auto [task, since] = queue_.pop_ready();
      record_lag(sg4::Engine::get_clock() - since);
      if (requests_.tracks(task)) requests_.resuming(task);  // the task's step overhead is its own Python
      t.enter(ThreadState::Python);
      t.run_python(t.runtime().asyncio.task_step_overhead * t.bytecode_cost());
      resume(task);
    }
  }
  for (const Task& task : tasks_)
    if (!task.done) throw LoopDeadlock{describe_blocked()};
}

void EventLoop::resume(int id) {
  Task& task = tasks_[id];
  if (task.wait == Wait::Lock) locks_.at(task.on).take(id);  // the woken waiter holds the lock now
  if (task.wait == Wait::Semaphore)  // ... or its unit of the semaphore, and may wake the next waiter
    if (const int next = semaphores_.at(task.on).take(id); next >= 0) make_ready(next);
  task.wait = Wait::None;
  const bool request = requests_.tracks(id);
  while (const Step* step = task.cursor.current())
    if (!run_step(id, *step)) {
      if (request) requests_.paused(id);
      return;
    }
  finish(id);
  if (!request) return;
  if (const auto sent = requests_.finished(id)) {  // its client's next request, after a think
    const int next = first_request_task_.at(sent->source) + static_cast<int>(sent->request);
    requests_.add(next, *sent->source, sent->request);
    queue_.wait_event(next, sent->source->arrival(sent->request));
    tasks_[next].wait = Wait::Timer;
  }
}

void EventLoop::make_ready(int task) {
  queue_.make_ready(task, sg4::Engine::get_clock());
  if (requests_.tracks(task)) requests_.made_ready(task);
}

// Every kind allowed in a coroutine has a run_in_loop (models/steps/<kind>/): a kind without one
// does not build. The loader keeps the others out of coroutines.
bool EventLoop::run_step(int id, const Step& step) {
  return std::visit(
      [&](const auto& action) -> bool {
        using Kind = std::decay_t<decltype(action)>;
        if constexpr ((Kind::kTraits.places & kInCoroutine) != 0)
          return run_in_loop(*this, action, id);
        else
          throw std::logic_error(std::string("a coroutine cannot run a '") + Kind::kTraits.kind + "' step");
      },
      step.action);
}

bool EventLoop::step_done(int id) {
  Task& task = tasks_[id];
  task.cursor.advance();
  return task.wait == Wait::None;
}

void EventLoop::suspend(int id, Wait wait, const std::string& on) {
  tasks_[id].wait = wait;
  tasks_[id].on = on;
}

void EventLoop::wait_timer(int id, double until) {
  queue_.wait_timer(id, until);
  tasks_[id].wait = Wait::Timer;
  if (requests_.tracks(id)) requests_.awaiting_timer(id, until);
}

void EventLoop::wait_io(int id, double until) {
  queue_.wait_event(id, until);
  tasks_[id].wait = Wait::Timer;
  if (requests_.tracks(id)) requests_.awaiting_timer(id, until);
}

// With nothing ready, BaseEventLoop._run_once calls the selector with a timeout of the earliest
// timer's `when - now`, and EpollSelector.select (Lib/selectors.py) rounds it up to whole
// milliseconds ("epoll_wait() has a resolution of 1 millisecond, round away from zero"). The
// kernel fires that timeout late by the timer slack (fs/select.c, select_estimate_accuracy:
// max(timer_slack_ns, 0.1% of the timeout)), as it does a time.sleep (SleepExecutor.cpp): the
// calibrated lateness under fair sharing, the idle CPU's wake-up under eevdf. An event (an I/O
// completion, a request's arrival, an executor's result) wakes the selector at once.
double EventLoop::selector_wake(double now) const {
  const double timer = queue_.next_timer();
  double wake = queue_.next_event();
  if (timer <= now) return now;  // a timeout of 0: the selector only polls
  if (std::isfinite(timer)) {
    // Whole milliseconds, at least the remaining time; 1 ns of slack in the rounding keeps an
    // exact 1 ms from becoming 2 by the arithmetic of doubles.
    const double timeout = std::ceil((timer - now) * 1e3 - 1e-6) * 1e-3;
    const double lateness = thread_.machine().scheduled() ? 0.0 : thread_.runtime().gil.timer_slack;
    wake = std::min(wake, now + timeout + lateness);
  }
  return wake;
}

// One lag per task step, into the entry of the loop's thread (a thread's successive asyncio.run()
// calls share it). Found by name: Timeline::drop_processes renumbers threads after the run.
void EventLoop::record_lag(double lag) {
  Timeline& timeline = thread_.timeline();
  if (lag_entry_ < 0) {
    const std::string name = timeline.processes[static_cast<std::size_t>(thread_.process_index())].name + "/" +
                             timeline.threads[static_cast<std::size_t>(thread_.id())].name;
    auto& entries = timeline.loop_lags;
    auto found = std::find_if(entries.begin(), entries.end(), [&](const LoopLagRecord& r) { return r.loop == name; });
    if (found == entries.end()) found = entries.insert(entries.end(), LoopLagRecord{name, {}});
    lag_entry_ = static_cast<int>(found - entries.begin());
  }
  timeline.loop_lags[static_cast<std::size_t>(lag_entry_)].lags.push_back(lag);
}

AsyncioLock& EventLoop::lock(const std::string& name) { return locks_.try_emplace(name, name).first->second; }

AsyncioQueue* EventLoop::queue(const std::string& name) {
  auto found = queues_.find(name);
  return found == queues_.end() ? nullptr : &found->second;
}

void EventLoop::offload(int id, const RunInExecutorStep& step) {
  if (pool_) {
    ProcessPoolRoles(thread_).submit(*pool_, {&step.work, 1, step.payload, id});  // may start workers
  } else {
    thread_.run_python(thread_.runtime().ipc.queue_op);  // ThreadPoolExecutor.submit(): a queue put
    executor_->work_queue().deliver({0, 0, &step.work, id});
  }
  ++offloaded_;
  tasks_[id].wait = Wait::Executor;
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
  if (const int woken = queue.get(); woken >= 0) make_ready(woken);
  thread_.run_python(thread_.runtime().asyncio.queue_op);
  return true;
}

void EventLoop::finish(int id) {
  Task& task = tasks_[id];
  task.done = true;
  Timeline& timeline = thread_.timeline();
  if (timeline.keep_spans && !requests_.tracks(id))  // a request's task is its RequestRecord
    timeline.task_spans.push_back({thread_.id(), timeline.coroutine_name(task.coroutine->name), task.index,
                                   task.coroutine->count, created_, sg4::Engine::get_clock()});
  for (const std::string& name : WorkloadLayout::channels_put_by(task.coroutine->program))
    if (auto q = queues_.find(name); q != queues_.end())
      for (int woken : q->second.producer_returned()) make_ready(woken);
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
    } else if (task.wait == Wait::Semaphore) {
      what = semaphores_.at(task.on).describe([this](int holder) { return name_of(holder); });
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
