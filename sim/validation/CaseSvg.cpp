#include "sim/validation/CaseSvg.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace gilsim {
namespace {

// A program span's blocking state, from the name the program gave it.
ThreadState blocking_state(const std::string& name) {
  auto starts = [&](const char* prefix) { return name.rfind(prefix, 0) == 0; };
  if (starts("sleep")) return ThreadState::Sleep;
  if (starts("hash") || starts("zlib") || starts("native")) return ThreadState::Native;
  if (starts("lock")) return ThreadState::LockWait;
  return ThreadState::Io;
}

// The simulated lanes: a gil-wait inside a blocking step takes the step's state (the recorder
// cannot tell them apart).
void coarsen_blocking_steps(Timeline& t) {
  for (StateSpan& s : t.spans) {
    if (s.state != ThreadState::GilWait || s.step < 0) continue;
    const std::string& kind = t.threads[s.thread].step_kinds[s.step];
    if (kind == "io") s.state = ThreadState::Io;
    else if (kind == "sleep") s.state = ThreadState::Sleep;
    else if (kind == "native") s.state = ThreadState::Native;
    else if (kind == "lock") s.state = ThreadState::LockWait;
    else if (kind != "cpu") s.state = ThreadState::Wait;
  }
}

// The leaf spans of one measured thread (spans that contain no later-starting span).
std::vector<const NamedSpan*> leaves(std::vector<const NamedSpan*> spans) {
  std::sort(spans.begin(), spans.end(), [](const NamedSpan* a, const NamedSpan* b) { return std::tie(a->start, a->end) < std::tie(b->start, b->end); });
  std::vector<const NamedSpan*> out;
  for (std::size_t i = 0; i < spans.size(); ++i)
    if (i + 1 == spans.size() || spans[i + 1]->start >= spans[i]->end) out.push_back(spans[i]);
  return out;
}

}  // namespace

Timeline case_side_by_side(const Timeline& simulated, const SpanTrace& measured) {
  Timeline t = simulated;
  t.core_spans.clear();
  coarsen_blocking_steps(t);
  for (ProcessInfo& p : t.processes) p.name = "sim " + p.name;
  std::map<std::pair<std::string, std::string>, std::vector<const NamedSpan*>> spans;
  std::map<std::pair<std::string, std::string>, std::vector<const ThreadRun*>> runs;
  for (const NamedSpan& s : measured.spans) spans[{s.process, s.thread}].push_back(&s);
  for (const ThreadRun& r : measured.runs) runs[{r.process, r.thread}].push_back(&r);
  std::map<std::string, int> process_index;
  for (const auto& [key, list] : spans) {
    auto [p, added] = process_index.emplace(key.first, static_cast<int>(t.processes.size()));
    if (added) t.processes.push_back({"measured " + key.first});
    ThreadInfo info;
    info.process = p->second;
    info.name = key.second;
    info.group = "measured";
    const int lane = static_cast<int>(t.threads.size());
    t.threads.push_back(info);
    std::vector<const ThreadRun*>& mine = runs[key];
    std::sort(mine.begin(), mine.end(), [](const ThreadRun* a, const ThreadRun* b) { return a->start < b->start; });
    for (const NamedSpan* s : leaves(list)) {
      bool has_runs = false;
      double at = s->start;
      for (const ThreadRun* r : mine) {
        if (r->end <= s->start || r->start >= s->end) continue;
        has_runs = true;
        if (r->start > at) t.spans.push_back({lane, ThreadState::GilWait, 0, 0, at, r->start});
        t.spans.push_back({lane, ThreadState::Python, 0, 0, std::max(at, r->start), std::min(s->end, r->end)});
        at = std::min(s->end, r->end);
      }
      if (!has_runs) t.spans.push_back({lane, blocking_state(s->name), 0, 0, s->start, s->end});
      else if (at < s->end) t.spans.push_back({lane, ThreadState::GilWait, 0, 0, at, s->end});
    }
  }
  return t;
}

}  // namespace gilsim
