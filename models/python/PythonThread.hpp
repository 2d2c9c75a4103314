#pragma once
#include <functional>
#include <vector>

#include "models/machine/Machine.hpp"
#include "models/python/Gil.hpp"
#include "models/python/ProcessRuntime.hpp"
#include "models/python/PythonWorld.hpp"
#include "sim/scenario/Scenario.hpp"
#include "sim/timeline/Timeline.hpp"
#include "sim/util/Rng.hpp"

namespace gilsim {

// One Python thread (one SimGrid actor): takes its process's GIL, runs its program of steps,
// and records its states in the timeline.
class PythonThread {
  friend class EventLoop;         // runs an asyncio step's tasks on this thread
  friend class ProcessPoolRoles;  // runs a ProcessPoolExecutor's roles on this thread

 public:
  PythonThread(int id, const ThreadSpec& spec, Gil& gil, PythonWorld& world, Rng rng);

  bool finished() const { return finished_; }
  // What the thread is blocked on, for deadlock reports ("" when not blocked on a lock).
  const std::string& blocked_on() const { return blocked_on_; }

  void operator()();

  // Pre-order labels and kinds of a program's steps, matching the step indices threads record.
  static void describe_steps(const std::vector<Step>& program, ThreadInfo& info);
  // Number of step indices a program takes (its steps and their nested steps).
  static int subtree_size(const std::vector<Step>& program);

 private:
  void run_program(const std::vector<Step>& program, int first_index);
  void run_step(const Step& step);
  void run_python(double work);
  void run_lock_step(const LockStep& step);
  void start_process(const ProcessStartStep& step);
  void put(const PutStep& step);
  void get(const GetStep& step);
  // Sends a pickled message through a pipe (GIL released, blocking while the pipe is full).
  void send(Pipe& pipe, const Message& message);
  // Takes the next message (blocking with the GIL released when none is ready) and pays for
  // reading and unpickling it; false when the channel is closed.
  bool receive(const std::string& channel, Message& message);
  // `taken` runs once the message is off the channel, before it is unpickled.
  bool receive(Channel& channel, Message& message, const std::function<void()>& taken = {});
  bool receive(Pipe& pipe, Message& message, const std::function<void()>& taken = {});
  // Copies of pipe data at `bandwidth`, run on a core by this thread.
  PipeBuffer::Copy copy_at(double bandwidth);
  void consume(const ConsumeStep& step, int index);
  void feed(const FeederStep& step);
  void feed_pipe(Channel& buffer, Pipe& pipe);
  // Step `index` begins (its execution count advances); returns the time. end_step records it.
  double begin_step(int index);
  void end_step(double started);
  void run_executor_worker(const ExecutorWorkerStep& step);
  void finish_writing();
  void stop_blocked();
  double pickle_cost(const Message& m) const;
  double unpickle_cost(const Message& m) const;
  void join_process(const ProcessJoinStep& step);
  // Leaves the GIL while blocked in `state` (Py_BEGIN_ALLOW_THREADS ... END) around `wait`.
  template <class Wait>
  void without_gil(ThreadState state, Wait wait) {
    enter(ThreadState::GilWait);
    gil_.drop(id_, false);
    enter(state);
    wait();
    enter(ThreadState::GilWait);
    gil_.take(id_);
  }
  void enter(ThreadState state);
  void close_span();

  int id_;
  const ThreadSpec& spec_;
  Gil& gil_;
  PythonWorld& world_;
  ProcessRuntime& process_;
  Machine& machine_;
  Timeline& timeline_;
  double speed_;
  double bytecode_cost_;  // work multiplier of Python bytecode (free-threaded build > 1)
  Rng rng_;
  // The step being executed (kStartStep before the first), and the span open since `since_`.
  int step_ = kStartStep;
  int64_t iteration_ = 0;
  std::vector<int64_t> executions_;  // per step index: times executed so far
  ThreadState state_ = ThreadState::GilWait;
  int open_step_ = kStartStep;
  int64_t open_iteration_ = 0;
  double since_ = 0;
  bool finished_ = false;
  std::string blocked_on_;
};

}  // namespace gilsim
