#pragma once
#include <fstream>
#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/util/ScenarioError.hpp"

namespace gilsim {

// Loads a YAML file (JSON is YAML): throws ScenarioError "FILE: error: cannot open the WHAT", or
// "FILE:LINE:COL: error: not valid LANGUAGE: ..." where the parser stopped.
inline YAML::Node load_yaml_file(const std::string& file, const std::string& what, const std::string& language) {
  std::ifstream in(file);
  if (!in) throw ScenarioError(file, "cannot open the " + what);
  try {
    return YAML::Load(in);
  } catch (const YAML::ParserException& e) {
    throw ScenarioError(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1),
                        "not valid " + language + ": " + e.msg);
  }
}

}  // namespace gilsim
