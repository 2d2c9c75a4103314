#pragma once
#include <string>
#include <vector>

#include "models/steps/Step.hpp"

// Walks over programs that hold for every step kind: what a kind nests comes from its own
// for_each_nested (models/steps/StepTraits.hpp).

namespace gilsim {

template <class Visit>
void for_each_nested(const Step& step, Visit&& visit) {
  std::visit(
      [&](const auto& action) {
        if constexpr (NestsPrograms<std::decay_t<decltype(action)>>::value) action.for_each_nested(visit);
      },
      step.action);
}

template <class Kind>
constexpr const StepTraits& traits_of() {
  return Kind::kTraits;
}
const StepTraits& traits_of(const Step& step);

// Step indices: a thread's steps are numbered in pre-order, the steps it runs of nested programs
// included (Nested::indexed). `indices_of` counts a step's own and its nested steps'.
int indices_of(const Step& step);
int subtree_size(const std::vector<Step>& program);
// Labels and kinds of a program's steps by step index (for the timeline's step tables).
void describe_steps(const std::vector<Step>& program, std::vector<std::string>& labels,
                    std::vector<std::string>& kinds);
// How many step executions a program makes (the loader's limit): repeats multiply, a consume
// body counts once (its messages are bounded by the puts), coroutines count per task.
double count_step_executions(const std::vector<Step>& program);
// A step a blocking function (run_in_executor, a ThreadPoolExecutor call) may run.
bool is_leaf(const Step& step);

}  // namespace gilsim
