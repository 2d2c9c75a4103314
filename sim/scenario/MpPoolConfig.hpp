#pragma once

namespace gilsim {

// Python that multiprocessing.Pool (Lib/multiprocessing/pool.py, CPython 3.11) runs per task
// besides pickling and the pipe calls (README "multiprocessing.Pool per task"). Each is measured
// by scripts/calibrate_calls.py (part of record.py calibrate) running pool.py's own function with
// its queue calls stubbed; defaults: medians of 3 runs on the project's VM (CPython 3.11.2,
// 2026-12-03).
struct MpPoolConfig {
  // Pool._handle_tasks, per task (a chunk): the _guarded_task_generation and _get_tasks
  // generators making the task tuple, the handler loop and its thread._state check.
  double task_handler = 2.418e-6;  // s
  // Pool._handle_results, per result: unpacking it and cache[job]._set() (MapResult._set).
  double result_handler = 468.6e-9;  // s
  // pool.worker(), per task: unpacking the task, calling func(*args) through mapstar, building
  // the (job, i, (True, result)) tuple and clearing the locals.
  double worker_task = 1.964e-6;  // s
};

// Which of these costs a put or get of the processes strategy's Pool pays (never read from YAML).
enum class PoolStepCost { None, TaskHandler, ResultHandler, WorkerTask };

inline double pool_step_cost(const MpPoolConfig& pool, PoolStepCost which) {
  switch (which) {
    case PoolStepCost::None: return 0;
    case PoolStepCost::TaskHandler: return pool.task_handler;
    case PoolStepCost::ResultHandler: return pool.result_handler;
    case PoolStepCost::WorkerTask: return pool.worker_task;
  }
  return 0;
}

}  // namespace gilsim
