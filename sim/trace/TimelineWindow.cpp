#include "sim/trace/TimelineWindow.hpp"

#include <algorithm>

namespace gilsim {
namespace {

template <class Span>
void keep_overlapping(std::vector<Span>& spans, double start, double end) {
  spans.erase(std::remove_if(spans.begin(), spans.end(),
                             [&](const Span& s) { return s.end < start || s.start > end; }),
              spans.end());
  spans.shrink_to_fit();
}

}  // namespace

void keep_spans_in_window(Timeline& timeline, double start, double end) {
  keep_overlapping(timeline.spans, start, end);
  keep_overlapping(timeline.step_spans, start, end);
  keep_overlapping(timeline.core_spans, start, end);
  keep_overlapping(timeline.task_spans, start, end);
  // A hand-over's arrow needs the dropper's span that ends at the drop and the taker's that
  // starts at the take: both are kept when the drop and the take are in the window.
  timeline.gil_handovers.erase(std::remove_if(timeline.gil_handovers.begin(), timeline.gil_handovers.end(),
                                              [&](const GilHandover& h) { return h.dropped < start || h.taken > end; }),
                               timeline.gil_handovers.end());
  // Requests span arrival to end.
  timeline.requests.erase(std::remove_if(timeline.requests.begin(), timeline.requests.end(),
                                         [&](const RequestRecord& r) { return r.end < start || r.arrival > end; }),
                          timeline.requests.end());
}

}  // namespace gilsim
