#pragma once
#include <string>
#include <variant>

#include "models/steps/asyncio/AsyncioStep.hpp"
#include "models/steps/consume/ConsumeStep.hpp"
#include "models/steps/cpu/CpuStep.hpp"
#include "models/steps/executor_map/ExecutorMapStep.hpp"
#include "models/steps/executor_worker/ExecutorWorkerStep.hpp"
#include "models/steps/feeder/FeederStep.hpp"
#include "models/steps/get/GetStep.hpp"
#include "models/steps/io/IoStep.hpp"
#include "models/steps/lock/LockStep.hpp"
#include "models/steps/native/NativeStep.hpp"
#include "models/steps/pool_manager/PoolManagerStep.hpp"
#include "models/steps/pool_worker/PoolWorkerStep.hpp"
#include "models/steps/process_join/ProcessJoinStep.hpp"
#include "models/steps/process_start/ProcessStartStep.hpp"
#include "models/steps/put/PutStep.hpp"
#include "models/steps/repeat/RepeatStep.hpp"
#include "models/steps/run_in_executor/RunInExecutorStep.hpp"
#include "models/steps/semaphore/SemaphoreStep.hpp"
#include "models/steps/serve/ServeStep.hpp"
#include "models/steps/sleep/SleepStep.hpp"

namespace gilsim {

// Every step kind, registered here once. A kind's folder (models/steps/<kind>/) holds the rest.
using StepAction = std::variant<CpuStep, IoStep, NativeStep, SleepStep, RepeatStep, LockStep, ProcessStartStep,
                                ProcessJoinStep, PutStep, GetStep, ConsumeStep, FeederStep, AsyncioStep,
                                RunInExecutorStep, ExecutorWorkerStep, ExecutorMapStep, PoolManagerStep,
                                PoolWorkerStep, ServeStep, SemaphoreStep>;

struct Step {
  StepAction action;
  std::string label;  // e.g. "cpu 1s", shown in traces and summaries
};

// The kind of a step as traces and exports name it ("unlock" for a release).
inline const char* kind_of(const Step& step) {
  return std::visit(
      [](const auto& action) -> const char* {
        using Kind = std::decay_t<decltype(action)>;
        if constexpr (HasKindName<Kind>::value)
          return action.kind();
        else
          return Kind::kTraits.kind;
      },
      step.action);
}

}  // namespace gilsim
