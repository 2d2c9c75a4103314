#pragma once
#include <cmath>
#include <cstdint>
#include <ostream>
#include <string>

// The Chrome Trace Event stream that ChromeTraceWriter writes: locale-independent numbers,
// always-parsable strings, and the events themselves, one per line. Kept apart from the tracks
// (which spans become which events) so that each file holds one concern.

namespace gilsim::chrome {

// Times are quantised to whole nanoseconds once, so spans sharing an endpoint in seconds share
// it in the output too, and ts + dur never overlaps the next event by a rounding step.
inline int64_t to_ns(double seconds) { return std::llround(seconds * 1e9); }

// An interval the format can show: finite and not reversed (a corrupt timeline is skipped,
// never written as an unparsable or negative event).
inline bool valid_times(double start, double end) { return std::isfinite(start) && std::isfinite(end) && end >= start; }

// Numbers go through snprintf rather than operator<<, which would follow the stream's locale.
void write_int(std::ostream& out, int64_t value);
// Nanoseconds as microseconds with three decimals (the format's unit).
void write_us(std::ostream& out, int64_t ns);
// %.9g, or null for inf and nan (JSON has neither).
void write_double(std::ostream& out, double value);
// Quoted JSON string; malformed UTF-8 becomes U+FFFD so the file always parses.
void write_json_string(std::ostream& out, const std::string& text);

// Writes the traceEvents array one event per line, handling the separators.
class EventWriter {
 public:
  explicit EventWriter(std::ostream& out) : out_(out) {}

  // Opens an event with the fields every phase shares; the caller closes it with close().
  std::ostream& open(char phase, int pid, int64_t tid) {
    out_ << (first_ ? "\n" : ",\n");
    first_ = false;
    out_ << "{\"ph\":\"" << phase << "\",\"pid\":";
    write_int(out_, pid);
    out_ << ",\"tid\":";
    write_int(out_, tid);
    return out_;
  }

  void close() { out_.put('}'); }

  // "M" event naming a process or thread (kind "process_name" or "thread_name").
  void name_metadata(int pid, int64_t tid, const char* kind, const std::string& name) {
    open('M', pid, tid) << ",\"name\":\"" << kind << "\",\"args\":{\"name\":";
    write_json_string(out_, name);
    out_.put('}');
    close();
  }

  // "M" event fixing display order (kind "process_sort_index" or "thread_sort_index").
  void sort_metadata(int pid, int64_t tid, const char* kind, int64_t index) {
    open('M', pid, tid) << ",\"name\":\"" << kind << "\",\"args\":{\"sort_index\":";
    write_int(out_, index);
    out_.put('}');
    close();
  }

  // Opens an "X" event; the caller may add ",\"args\":{...}" before close().
  std::ostream& open_complete(int pid, int64_t tid, int64_t start_ns, int64_t end_ns,
                              const std::string& name, const char* category) {
    open('X', pid, tid) << ",\"ts\":";
    write_us(out_, start_ns);
    out_ << ",\"dur\":";
    write_us(out_, end_ns - start_ns);
    out_ << ",\"name\":";
    write_json_string(out_, name);
    out_ << ",\"cat\":\"" << category << '"';
    return out_;
  }

  void counter(int pid, int64_t tid, int64_t ns, const char* name, int64_t value) {
    open('C', pid, tid) << ",\"ts\":";
    write_us(out_, ns);
    out_ << ",\"name\":\"" << name << "\",\"args\":{\"value\":";
    write_int(out_, value);
    out_.put('}');
    close();
  }

 private:
  std::ostream& out_;
  bool first_ = true;
};


}  // namespace gilsim::chrome
