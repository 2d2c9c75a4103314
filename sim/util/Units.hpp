#pragma once
#include <optional>
#include <string>

namespace gilsim {

// Parses "10ms", "1.5s", "200us", "250ns", "2min" into seconds. A unit is required:
// a bare number is ambiguous in a file where some values are seconds and others counts.
std::optional<double> parse_duration(const std::string& text);

// Parses "64KiB", "10MB", "512B" into bytes.
std::optional<double> parse_size(const std::string& text);

// Formats seconds with the largest unit that keeps the value >= 1 ("1.5s", "200us").
std::string format_duration(double seconds);

}  // namespace gilsim
