#pragma once
#include <cstddef>
#include <functional>
#include <ostream>
#include <streambuf>
#include <string>

namespace gilsim {

// Output files whose every write is checked: a full disk (ENOSPC), /dev/full or a closed
// stream is an error naming the file and the reason, never a silent exit 0 with a truncated
// file. Each file may be bounded in size (a trace: README "Limits"). Errors throw ScenarioError
// ("path: error: reason").

// mkdir -p: creates `dir` and its missing parents; `where` names the option in errors.
void make_directories(const std::string& dir, const std::string& where);

// Before a simulation: creates the missing parent folders of `path` and checks that it can be
// written (not a directory, a writable folder), so an unusable path fails in a second, not
// after the run. `option` ("--trace") names where the path came from.
void prepare_output_path(const std::string& path, const std::string& option);

// Writes `path` through `writer`. Past `max_bytes` the write stops with an error that says
// `too_large` (what to do instead). On any error a regular file written so far is removed.
void write_output_file(const std::string& path, const std::function<void(std::ostream&)>& writer,
                       std::size_t max_bytes = static_cast<std::size_t>(-1), const std::string& too_large = "");

// Flushes standard output and reports a write error on it ("cannot write to standard output:
// No space left on device"), as an empty string when there was none.
std::string standard_output_error();

}  // namespace gilsim
