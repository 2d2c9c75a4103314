#include "sim/trace/ChromeTaskEvents.hpp"

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "sim/trace/ChromeTrackIds.hpp"

namespace gilsim::chrome {

void write_tasks(const Timeline& timeline, EventWriter& events) {
  std::vector<const TaskSpan*> order;
  for (const TaskSpan& t : timeline.task_spans) {
    if (t.thread < 0 || static_cast<std::size_t>(t.thread) >= timeline.threads.size()) continue;
    const int process = timeline.threads[t.thread].process;
    if (process < 0 || static_cast<std::size_t>(process) >= timeline.processes.size()) continue;
    if (t.coroutine < 0 || static_cast<std::size_t>(t.coroutine) >= timeline.coroutine_names.size()) continue;
    if (valid_times(t.start, t.end)) order.push_back(&t);
  }
  // Every field takes part in the key: the output does not depend on the order of recording.
  const auto key = [](const TaskSpan* t) { return std::make_tuple(t->thread, t->start, t->end, t->coroutine, t->index, t->count); };
  std::stable_sort(order.begin(), order.end(), [&](const TaskSpan* a, const TaskSpan* b) { return key(a) < key(b); });
  for (const TaskSpan* t : order) {
    const std::string& coroutine = timeline.coroutine_names[static_cast<std::size_t>(t->coroutine)];
    const ThreadInfo& thread = timeline.threads[t->thread];
    // Unique in the trace: a loop's thread, its coroutine, the task's index.
    const std::string id = "\"task:" + std::to_string(t->thread) + ":" + std::to_string(t->coroutine) + ":" +
                           std::to_string(t->index) + "\"";
    auto async = [&](char phase, double at) -> std::ostream& {
      std::ostream& out = events.open(phase, process_pid(thread.process), thread_tid(t->thread)) << ",\"ts\":";
      write_us(out, to_ns(at));
      out << ",\"cat\":\"asyncio-task\",\"id\":" << id << ",\"name\":";
      write_json_string(out, coroutine);
      return out;
    };
    std::ostream& out = async('b', t->start) << ",\"args\":{\"task\":";
    write_json_string(out, t->count > 1 ? coroutine + "[" + std::to_string(t->index) + "]" : coroutine);
    out << ",\"loop\":";
    write_json_string(out, thread.name);
    out.put('}');
    events.close();
    async('e', t->end);
    events.close();
  }
}

}  // namespace gilsim::chrome
