// The pipe buffer model (models/ipc/PipeBuffer, Pipe) against times computed by hand.
#include <doctest/doctest.h>

#include <sstream>

#include "tests/sim/SimTestSupport.hpp"

using namespace gilsim;
using namespace gilsim::testing;

namespace {

// "start end" of every step span of `thread`, in microseconds, one per line, then its finish time.
std::string step_times(const Scenario& scenario, int thread) {
  return simulate_and(scenario, [thread](const Timeline& t) {
    std::ostringstream out;
    out.precision(12);
    for (const StepSpan& s : t.step_spans)
      if (s.thread == thread && s.step >= 0) out << s.start * 1e6 << ' ' << s.end * 1e6 << '\n';
    out << "finish " << t.finish_time[thread] * 1e6 << '\n';
    return out.str();
  });
}

std::vector<double> numbers(const std::string& text) {
  std::istringstream in(text);
  std::vector<double> values;
  std::string word;
  while (in >> word)
    if (word != "finish") values.push_back(std::stod(word));
  return values;
}

}  // namespace

TEST_CASE("messages that fit the pipe buffer never block the writer, however slow the reader") {
  const Scenario s = load_variant("tests/fixtures/pipe_small_messages.yaml", "");
  // Each put: pickling 8192 B at 1 GB/s (8.192 us), then one write of the 4-byte header and the
  // payload (8196 B at 1 GB/s: 8.196 us). The four messages (32784 B) fit the 64 KiB buffer, so
  // the writer never waits for the reader: it finishes at 4 x 16.388 = 65.552 us.
  const std::vector<double> writer = numbers(step_times(s, 0));
  REQUIRE(writer.size() == 2 * 4 + 1);
  for (int i = 0; i < 4; ++i) {
    CAPTURE(i);
    CHECK(writer[2 * i] == doctest::Approx(i * 16.388).epsilon(1e-9));
    CHECK(writer[2 * i + 1] == doctest::Approx((i + 1) * 16.388).epsilon(1e-9));
  }
  CHECK(writer.back() == doctest::Approx(65.552).epsilon(1e-9));
  // The reader, blocked on the empty pipe from 0, is woken by the first write (16.388 us) and runs
  // 50 us later. Each message then costs the header (4 ns), the payload (8.192 us), unpickling
  // (8.192 us) and 10 ms of Python; the later messages are already in the pipe:
  // 66.388 + 4 x (0.004 + 8.192 + 8.192 + 10000) = 40131.94 us. The fifth get finds the pipe
  // empty with its writer finished: the channel is closed at once.
  const std::vector<double> reader = numbers(step_times(s, 1));
  REQUIRE(reader.size() == 2 * 9 + 1);  // 5 gets (the last one sees the close) and 4 cpu steps
  CHECK(reader[1] == doctest::Approx(66.388 + 0.004 + 8.192 + 8.192).epsilon(1e-9));
  CHECK(reader.back() == doctest::Approx(40131.94).epsilon(1e-9));
}

TEST_CASE("a message of 3x the pipe buffer blocks the writer until the reader has drained two buffers' worth") {
  const Scenario s = load_variant("tests/fixtures/pipe_large_message.yaml", "");
  // C = 64 KiB; the message (196604 B) and its 4-byte header are 3C. A copy of C in or out takes
  // 10 us, of C - 4 bytes 10 us - h (h = 4 / 6.5536e9 s = 0.6 ns); the header's own copy, under
  // SimGrid's 1 ns accuracy, takes no time. Pickling and unpickling take 10 us each; a woken
  // process runs 50 us after its wake-up.
  // writer: pickles [0, 10]; writes the header at 10 (its own write: the message is larger than
  //   16 KiB), then C-4 payload bytes [10, 20-h]: the pipe is full, it sleeps.
  // reader: woken by the header write, runs at 60: reads the header (4 bytes free no page: the
  //   writer sleeps on), then the C-4 bytes there [60, 70-h], which wakes the writer; it sleeps
  //   on the empty pipe for the 2C bytes left.
  // writer: runs at 120-h, writes C [120-h, 130-h] (full again), wakes the reader, sleeps.
  // reader: runs at 180-h, reads C [180-h, 190-h], wakes the writer, sleeps: it has drained 2C.
  // writer: runs at 240-h, writes the last C [240-h, 250-h]: put ends at 250-h.
  // reader: runs at 300-h, reads C [300-h, 310-h], unpickles: get ends at 320-h.
  const double h = 4 / 6.5536e9 * 1e6;
  const std::vector<double> writer = numbers(step_times(s, 0));
  REQUIRE(writer.size() == 3);
  CHECK(writer[0] == doctest::Approx(0.0));
  CHECK(writer[1] == doctest::Approx(250 - h).epsilon(1e-9));
  const std::vector<double> reader = numbers(step_times(s, 1));
  REQUIRE(reader.size() == 3);
  CHECK(reader[1] == doctest::Approx(320 - h).epsilon(1e-9));
}

TEST_CASE("a writer blocked on a full pipe that nobody reads is reported as a deadlock") {
  CHECK(simulation_error("tests/fixtures/put_without_reader.yaml") == "deadlock: 1 thread(s) can never finish:\n  app/writer: waiting for room in channel 'results', "
                    "whose pipe is full (nothing reads it)");
}
