#pragma once
#include "sim/timeline/Timeline.hpp"
#include "sim/trace/TraceEventWriter.hpp"

namespace gilsim::chrome {

// Each asyncio task of Timeline::task_spans as an async slice of its loop's process, from its
// creation to its return, named after its coroutine and with the task's name in its args:
// Perfetto shows one track per task, grouped by coroutine under the process. (Tasks that serve
// requests are the requests' slices: ChromeRequestEvents.hpp.)
void write_tasks(const Timeline& timeline, EventWriter& events);

}  // namespace gilsim::chrome
