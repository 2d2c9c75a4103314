#include "models/ipc/ProcessPoolExecutor.hpp"

#include "models/machine/OsThreads.hpp"
#include "models/machine/Wakeup.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim {

ProcessPoolExecutor::ProcessPoolExecutor(const ProcessPoolSpec& spec, std::vector<int> workers, double wake_latency,
                                         const IpcConfig& ipc)
    : spec_(spec),
      workers_(std::move(workers)),
      wake_latency_(wake_latency),
      pipe_wakeup_(ipc.pipe_wakeup),
      // The manager is the buffer's only writer, the feeder thread the pipe's.
      call_buffer_("call_queue", ChannelKind::Queue, 1),
      call_pipe_("call_queue", ChannelKind::MpQueue, 1, ipc),
      completions_(wake_latency),
      mutex_(sg4::Mutex::create()),
      changed_(sg4::ConditionVariable::create()) {}

int ProcessPoolExecutor::submit(const PoolCall& call) {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  const int future = static_cast<int>(calls_.size());
  calls_.push_back(call);
  done_.push_back(false);
  work_ids_.push_back(future);
  ++wakeups_;
  changed_->notify_all();
  return future;
}

std::vector<int> ProcessPoolExecutor::processes_to_start() {
  std::vector<int> start;
  if (spec_.start_method == StartMethod::Fork) {
    // Forking from a process with threads risks deadlocks (gh-90622): every worker is forked at
    // the first submit, before the manager thread starts.
    if (started_.empty()) start = workers_;
  } else if (idle_workers_ > 0) {
    --idle_workers_;  // _idle_worker_semaphore.acquire(blocking=False)
  } else if (started_.size() < workers_.size()) {
    start.push_back(workers_[started_.size()]);
  }
  started_.insert(started_.end(), start.begin(), start.end());
  return start;
}

void ProcessPoolExecutor::wait_done(int future) {
  // Future.result()'s condition wait returns once the OS runs the waiter.
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  block_then_wake(lock, *changed_, [&] { return done_[static_cast<std::size_t>(future)]; },
                  [&](double) { return wake_latency_; });
}

void ProcessPoolExecutor::shutdown() {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  shutdown_ = true;
  ++wakeups_;
  changed_->notify_all();
}

void ProcessPoolExecutor::wait_manager_exited() {
  // Thread.join() returns once the OS runs the joiner.
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  block_then_wake(lock, *changed_, [&] { return manager_exited_; }, [&](double) { return wake_latency_; });
}

bool ProcessPoolExecutor::pop_work_id(int& future) {
  if (work_ids_.empty()) return false;
  future = work_ids_.front();
  work_ids_.pop_front();
  return true;
}

int ProcessPoolExecutor::wait_result_or_wakeup() {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  const double since = sg4::Engine::get_clock();
  bool blocked = false;
  while (results_.empty() && wakeups_ == 0) {
    if (!blocked) {
      os::block();
      blocked = true;
      continue;  // checked again: the block may let a result come first
    }
    changed_->wait(lock);
  }
  // Woken by a submit: its wake-up write reaches the select (under fair sharing, the pipe's
  // wake-up; a result's arrival is not delayed there).
  const double fair_latency = results_.empty() ? pipe_wakeup_.latency(sg4::Engine::get_clock() - since) : 0;
  if (blocked && (fair_latency > 0 || os::scheduled())) {
    lock.unlock();
    os::wake(WakeKind::Sync, -1, fair_latency);
    lock.lock();
  }
  wakeups_ = 0;
  if (results_.empty()) return -1;
  const int future = results_.front();
  results_.pop_front();
  return future;
}

void ProcessPoolExecutor::set_result(int future) {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  done_[static_cast<std::size_t>(future)] = true;
  ++finished_;
  changed_->notify_all();
  if (const int task = calls_[static_cast<std::size_t>(future)].task; task >= 0) completions_.complete(task);
}

std::vector<int> ProcessPoolExecutor::never_started() const {
  return std::vector<int>(workers_.begin() + static_cast<std::ptrdiff_t>(started_.size()), workers_.end());
}

void ProcessPoolExecutor::wait_feeder_exited() {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  while (!feeder_exited_) changed_->wait(lock);
}

void ProcessPoolExecutor::manager_exited() {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  manager_exited_ = true;
  changed_->notify_all();
}

void ProcessPoolExecutor::feeder_exited() {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  feeder_exited_ = true;
  changed_->notify_all();
}

void ProcessPoolExecutor::deliver_result(int future) {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  results_.push_back(future);
  changed_->notify_all();
}

}  // namespace gilsim
