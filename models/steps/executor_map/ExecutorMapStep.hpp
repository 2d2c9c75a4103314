#pragma once
#include "sim/scenario/ProcessPoolSpec.hpp"
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>
#include "models/steps/StepTraits.hpp"

namespace gilsim {

// `with ProcessPoolExecutor(...) as pool: list(pool.map(fn, range(tasks), chunksize=chunksize))`
// where fn runs `program` (the processes strategy with api: executor). Never read from YAML.
struct ExecutorMapStep {
  static constexpr StepTraits kTraits{"executor_map", false, true, kInThread};
  ProcessPoolSpec pool;
  int64_t tasks = 1;
  int64_t chunksize = 1;
  std::vector<Step> program;
  Payload payload;  // per task
  int64_t calls() const { return (tasks + chunksize - 1) / chunksize; }
  template <class Visit>
  void for_each_nested(Visit&& visit) const {
    visit(program, Nested{Nesting::MapFunction, tasks});
  }
  // The map itself, and a worker's get of each call and put of its result.
  int64_t own_executions() const { return 1 + 2 * calls(); }
};

void write_step(std::ostream& out, const ExecutorMapStep& step, const std::string& pad);
void run_step(ThreadContext& thread, const ExecutorMapStep& step, int index);

}  // namespace gilsim
