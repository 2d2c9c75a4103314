#include "sim/trace/ChromeRequestEvents.hpp"

#include <string>

namespace gilsim::chrome {

// Perfetto draws one track per source name (async slices of one name and category stack into
// one track group), under the "requests" process.
void write_requests(const Timeline& timeline, EventWriter& events) {
  if (timeline.requests.empty()) return;
  events.name_metadata(kRequestsPid, 0, "process_name", "requests");
  events.sort_metadata(kRequestsPid, 0, "process_sort_index", static_cast<int64_t>(timeline.processes.size()) + 2);
  for (const RequestRecord& r : timeline.requests) {
    if (r.source < 0 || static_cast<std::size_t>(r.source) >= timeline.request_sources.size()) continue;
    if (!valid_times(r.arrival, r.end) || !valid_times(r.arrival, r.start)) continue;
    const std::string& source = timeline.request_sources[static_cast<std::size_t>(r.source)];
    const std::string id = "\"" + std::to_string(r.source) + ":" + std::to_string(r.index) + "\"";
    auto async = [&](char phase, double at, const std::string& name) -> std::ostream& {
      std::ostream& out = events.open(phase, kRequestsPid, 0) << ",\"ts\":";
      write_us(out, to_ns(at));
      out << ",\"cat\":\"request\",\"id\":" << id << ",\"name\":";
      write_json_string(out, name);
      return out;
    };
    std::ostream& out = async('b', r.arrival, source) << ",\"args\":{\"request\":";
    write_int(out, r.index);
    for (int p = 0; p < kRequestPartCount; ++p) {
      out << ",\"" << kRequestPartNames[static_cast<std::size_t>(p)] << "_us\":";
      write_us(out, to_ns(r.parts[static_cast<std::size_t>(p)]));
    }
    out.put('}');
    events.close();
    if (r.start > r.arrival) {
      async('b', r.arrival, "queue");
      events.close();
      async('e', r.start, "queue");
      events.close();
    }
    async('e', r.end, source);
    events.close();
  }
}

}  // namespace gilsim::chrome
