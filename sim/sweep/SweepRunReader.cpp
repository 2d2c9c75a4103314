#include "sim/sweep/SweepRunReader.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "sim/sweep/SweepSeeds.hpp"
#include "sim/trace/Summary.hpp"

namespace gilsim::sweep {
namespace {

bool read_text(const std::string& path, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return true;
}

// One line: a multi-line stderr becomes "line 1 | line 2".
std::string one_line(const std::string& text) {
  std::string line;
  std::istringstream in(text);
  std::string part;
  while (std::getline(in, part)) {
    while (!part.empty() && (part.back() == '\r' || part.back() == ' ')) part.pop_back();
    if (part.empty()) continue;
    line += (line.empty() ? "" : " | ") + part;
  }
  return line;
}

// A failed run's stderr for its row: gilsim's own "...: error: ..." lines (a crash also prints a
// SimGrid backtrace, kept in runs/<key>.err), or else its last line.
std::string error_summary(const std::string& text) {
  std::istringstream in(text);
  std::string line, errors, last;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    last = line;
    if (line.find("error: ") != std::string::npos) errors += (errors.empty() ? "" : "\n") + line;
  }
  return one_line(errors.empty() ? last : errors);
}

}  // namespace

void read_run_result(SweepRow& row, const std::string& dir) {
  const SweepConfig& c = *row.config;
  if (!c.error.empty()) {
    row.error = one_line(c.error);
    return;
  }
  std::string text;
  if (read_text(result_path(dir, c), text)) {
    try {
      const YAML::Node doc = YAML::Load(text);
      if (!doc["schema_version"] || doc["schema_version"].as<int>() != kSummarySchemaVersion)
        throw std::runtime_error("written by another gilsim version (summary schema " +
                                 (doc["schema_version"] ? doc["schema_version"].as<std::string>() : std::string("1")) +
                                 ", expected " + std::to_string(kSummarySchemaVersion) + "); delete it to run it again");
      if (!doc["variants"] || doc["variants"].size() != 1) throw std::runtime_error("expected one variant");
      if (doc["seeds"]) {
        read_seeded_row(row, doc["variants"][0]);
      } else {
        const Summary summary = Summary::from_json(doc["variants"][0]);
        row.metrics = metrics_of(summary);
        row.latency = summary.latency;
      }
      row.ok = true;
    } catch (const std::exception& e) {
      row.error = "runs/" + c.key + ".json: unreadable result: " + one_line(e.what());
    }
    return;
  }
  if (read_text(error_path(dir, c), text)) {
    row.error = error_summary(text);
    if (row.error.empty()) row.error = "gilsim run failed without a message";
    return;
  }
  row.error = "missing: no result runs/" + c.key + ".json";
}

}  // namespace gilsim::sweep
