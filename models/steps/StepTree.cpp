#include "models/steps/StepTree.hpp"

namespace gilsim {

const StepTraits& traits_of(const Step& step) {
  return std::visit([](const auto& action) -> const StepTraits& { return std::decay_t<decltype(action)>::kTraits; },
                    step.action);
}

int indices_of(const Step& step) {
  int size = 1;
  for_each_nested(step, [&](const std::vector<Step>& program, Nested nested) {
    if (nested.indexed()) size += subtree_size(program);
  });
  return size;
}

int subtree_size(const std::vector<Step>& program) {
  int size = 0;
  for (const Step& step : program) size += indices_of(step);
  return size;
}

void describe_steps(const std::vector<Step>& program, std::vector<std::string>& labels,
                    std::vector<std::string>& kinds) {
  for (const Step& step : program) {
    labels.push_back(step.label);
    kinds.push_back(kind_of(step));
    for_each_nested(step, [&](const std::vector<Step>& nested, Nested how) {
      if (how.indexed()) describe_steps(nested, labels, kinds);
    });
  }
}

double count_step_executions(const std::vector<Step>& program) {
  double total = 0;
  for (const Step& step : program) {
    total += static_cast<double>(std::visit(
        [](const auto& action) -> int64_t {
          if constexpr (HasOwnExecutions<std::decay_t<decltype(action)>>::value)
            return action.own_executions();
          else
            return 1;
        },
        step.action));
    for_each_nested(step, [&](const std::vector<Step>& nested, Nested how) {
      switch (how.how) {
        case Nesting::Repeated:
        case Nesting::Coroutine:
        case Nesting::MapFunction: total += static_cast<double>(how.count) * count_step_executions(nested); break;
        case Nesting::PerMessage: total += count_step_executions(nested); break;
        // A blocking function's steps run on the executor's threads; a pool worker's steps are
        // counted by the map that hands them out.
        case Nesting::ExecutorCall:
        case Nesting::PoolWork:
        case Nesting::PoolResult: break;
      }
    });
  }
  return total;
}

bool is_leaf(const Step& step) { return (traits_of(step).places & kInExecutorCall) != 0; }

}  // namespace gilsim
