#pragma once
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>

// What every step kind declares about itself, and the forward declarations of the contexts its
// functions take. A step kind lives in models/steps/<kind>/: <Kind>Step.hpp (its data, its
// traits and the declarations of its functions), <Kind>Format.cpp (how it is read from YAML
// and exported as JSON: the loader layer) and <Kind>Executor.cpp (how a thread, and a coroutine,
// run it: the models layer). models/steps/Step.hpp lists the kinds. Every interpreter of steps
// dispatches with std::visit, so a kind without one of its functions does not build.

namespace YAML {
class Node;
}

namespace gilsim {

struct Step;
struct StepReading;    // sim/loader/StepReading.hpp: reading one thread's program
class ThreadContext;   // models/runtime/ThreadContext.hpp: a Python thread running steps
class EventLoop;       // models/runtime/EventLoop.hpp: an event loop running coroutines

// Where a kind may appear (bit flags): the loader refuses it elsewhere.
enum StepPlace : unsigned {
  kInThread = 1,        // a thread's program (and the bodies of its repeat and consume steps)
  kInCoroutine = 2,     // a coroutine of an asyncio step
  kInExecutorCall = 4,  // the blocking function of a run_in_executor
};

// How the timeline records a kind's executions.
enum class StepSpans {
  PerExecution,  // one step span per execution, opened and closed around the kind's executor
  Own,           // the executor records its own spans (one per message, or none for a repeat)
};

struct StepTraits {
  const char* kind;  // YAML key, export "kind", trace span name
  bool from_yaml;    // written by users (false: made by the layout or a strategy)
  bool exported;     // `gilsim export` writes it
  unsigned places;
  StepSpans spans = StepSpans::PerExecution;
  const char* yaml_alias = nullptr;  // a second YAML key for the same kind ("unlock")
};

// How a kind nests programs: its executors run them, and walks over programs (step indices,
// limits, the channels a program puts to) follow them.
enum class Nesting {
  Repeated,      // a repeat's body, run `count` times
  PerMessage,    // a consume's body, run once per message
  Coroutine,     // an asyncio step's coroutine, `count` tasks of it
  ExecutorCall,  // a run_in_executor's blocking function
  MapFunction,   // a ProcessPoolExecutor.map() function, over `count` tasks
  PoolWork,      // a function a pool worker may be handed
  PoolResult,    // a pool worker's put of a result
};
struct Nested {
  Nesting how;
  int64_t count = 1;
  // Its steps take step indices in the enclosing thread's program (they run on that thread,
  // each execution recorded as a step span of it).
  bool indexed() const {
    return how == Nesting::Repeated || how == Nesting::PerMessage || how == Nesting::PoolWork ||
           how == Nesting::PoolResult;
  }
};

// A kind that nests programs says so with a member `template <class Visit> void
// for_each_nested(Visit&&) const` (calling visit(program, Nested{...}) for each); a leaf has none.
// A kind may also override how many step executions it counts for the limit (own_executions(),
// 1 by default) and its name per step (kind(), for lock/unlock).
struct AnyNestedVisit {
  template <class... Args>
  void operator()(Args&&...) const {}
};
template <class Kind, class = void>
struct NestsPrograms : std::false_type {};
template <class Kind>
struct NestsPrograms<Kind, std::void_t<decltype(std::declval<const Kind&>().for_each_nested(AnyNestedVisit{}))>>
    : std::true_type {};

template <class Kind, class = void>
struct HasOwnExecutions : std::false_type {};
template <class Kind>
struct HasOwnExecutions<Kind, std::void_t<decltype(std::declval<const Kind&>().own_executions())>> : std::true_type {};

template <class Kind, class = void>
struct HasKindName : std::false_type {};
template <class Kind>
struct HasKindName<Kind, std::void_t<decltype(std::declval<const Kind&>().kind())>> : std::true_type {};

template <class Kind>
struct StepTag {};

}  // namespace gilsim
