#pragma once
#include <iosfwd>
#include <string>
#include <vector>
#include "models/steps/StepTraits.hpp"

namespace gilsim {

// A worker process of the ProcessPoolExecutor of thread `owner` (_process_worker): gets calls from
// the call queue (this step's spans, as a consume's), runs them and puts the results on the
// result queue (`put_result`). `works` are the functions it may be handed; their steps follow
// this one in step-index order, then the put. Never read from YAML.
struct PoolWorkerStep {
  static constexpr StepTraits kTraits{"consume", false, false, kInThread, StepSpans::Own};
  int owner = 0;
  std::vector<const std::vector<Step>*> works;
  std::vector<Step> put_result;  // one put step, labelled "put result_queue"
  template <class Visit>
  void for_each_nested(Visit&& visit) const {
    for (const std::vector<Step>* work : works) visit(*work, Nested{Nesting::PoolWork, 1});
    visit(put_result, Nested{Nesting::PoolResult, 1});
  }
};

void run_step(ThreadContext& thread, const PoolWorkerStep& step, int index);

}  // namespace gilsim
