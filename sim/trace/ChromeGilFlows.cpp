#include "sim/trace/ChromeGilFlows.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "sim/trace/ChromeTrackIds.hpp"

namespace gilsim::chrome {
namespace {

bool valid_handover(const Timeline& timeline, const GilHandover& h) {
  const auto valid_thread = [&](int thread) {
    if (thread < 0 || static_cast<std::size_t>(thread) >= timeline.threads.size()) return false;
    const int process = timeline.threads[thread].process;
    return process >= 0 && static_cast<std::size_t>(process) < timeline.processes.size();
  };
  return valid_thread(h.from) && valid_thread(h.to) && valid_times(h.dropped, h.taken) && std::isfinite(h.waited);
}

// The hand-overs in time order; every field takes part in the key, so that the output does not
// depend on the order the engine recorded them in.
std::vector<const GilHandover*> sorted_handovers(const Timeline& timeline) {
  std::vector<const GilHandover*> order;
  for (const GilHandover& h : timeline.gil_handovers)
    if (valid_handover(timeline, h)) order.push_back(&h);
  const auto key = [](const GilHandover* h) {
    return std::make_tuple(h->dropped, h->taken, h->from, h->to, h->forced, h->waited);
  };
  std::stable_sort(order.begin(), order.end(), [&](const GilHandover* a, const GilHandover* b) { return key(a) < key(b); });
  return order;
}

// An upper bound of the bytes one flow's two events take: fixed fields, numbers, and the two
// thread names escaped at worst (6 bytes per byte, "\u0001").
std::size_t flow_bytes_bound(const Timeline& timeline, const GilHandover& h) {
  return 640 + 6 * 2 * (timeline.threads[h.from].name.size() + timeline.threads[h.to].name.size());
}

// 1 ns before `seconds`, not before 0: inside the span that ends there, before the one that starts.
int64_t just_before(double seconds) { return std::max<int64_t>(0, to_ns(seconds) - 1); }

}  // namespace

HandoverFlows write_handover_flows(const Timeline& timeline, EventWriter& events, std::ostream& out,
                                   std::size_t budget, std::size_t reserve) {
  HandoverFlows flows;
  const std::vector<const GilHandover*> order = sorted_handovers(timeline);
  for (std::size_t i = 0; i < order.size(); ++i) {
    const GilHandover& h = *order[i];
    const std::streamoff written = out.tellp();  // -1 if the stream cannot tell: no budget then
    const std::size_t needed = flow_bytes_bound(timeline, h) + reserve;
    if (written >= 0 && (needed > budget || static_cast<std::size_t>(written) > budget - needed)) {
      flows.left_out = static_cast<int64_t>(order.size() - i);
      flows.left_out_from = h.dropped;
      break;
    }
    const ThreadInfo& from = timeline.threads[h.from];
    const ThreadInfo& to = timeline.threads[h.to];
    const std::string name = h.forced ? "GIL hand-over (forced)" : "GIL hand-over (voluntary)";
    const auto flow_event = [&](char phase, const ThreadInfo& thread, int index, int64_t ns) -> std::ostream& {
      std::ostream& event = events.open(phase, process_pid(thread.process), thread_tid(index)) << ",\"ts\":";
      write_us(event, ns);
      event << ",\"name\":\"" << name << "\",\"cat\":\"gil-handover\",\"id\":";
      write_int(event, flows.written);
      return event;
    };
    std::ostream& start = flow_event('s', from, h.from, just_before(h.dropped)) << ",\"args\":{\"kind\":\""
                                                                                 << (h.forced ? "forced" : "voluntary")
                                                                                 << "\",\"from\":";
    write_json_string(start, from.name);
    start << ",\"to\":";
    write_json_string(start, to.name);
    start << ",\"dropped_us\":";
    write_us(start, to_ns(h.dropped));
    start << ",\"taken_us\":";
    write_us(start, to_ns(h.taken));
    start << ",\"taker_wait_us\":";
    write_us(start, to_ns(h.waited));
    start.put('}');
    events.close();
    flow_event('f', to, h.to, just_before(h.taken));
    events.close();
    ++flows.written;
  }
  return flows;
}

}  // namespace gilsim::chrome
