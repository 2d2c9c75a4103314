#pragma once
#include <cstddef>
#include <optional>
#include <string>

namespace gilsim {

// What an input file is, for messages ("scenario file", "trace file"), and the largest size
// accepted (README "Limits").
struct InputKind {
  const char* what;
  std::size_t max_bytes;
};

// Reads a whole input file, refusing what is not a readable regular file's worth of text:
// a missing file, a directory, a file over the size limit, or one containing a NUL byte
// (the position is given as file:line:col). Throws ScenarioError.
std::string read_input_file(const std::string& path, const InputKind& kind);

// Why `path` cannot be read as an input file ("No such file or directory", "is a directory"),
// or nothing when it can be opened.
std::optional<std::string> unreadable_input(const std::string& path);

// "1.5 MiB", "8 MiB", "900 bytes": sizes in messages.
std::string describe_bytes(std::size_t bytes);

}  // namespace gilsim
