#pragma once
#include <stdexcept>
#include <string>

namespace gilsim {

// A user-facing error in the LLVM style: "where: error: what is wrong and what is expected".
// `where` is "file:line:col" for a scenario value, or "--set key=value" for a command-line one.
class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(const std::string& where, const std::string& message)
      : std::runtime_error(where + ": error: " + message) {}
};

}  // namespace gilsim
