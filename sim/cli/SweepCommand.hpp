#pragma once
#include <string>
#include <vector>

namespace gilsim {

// `gilsim sweep SCENARIO --out DIR --cores LIST [axes] [-j N]`: runs every configuration of the
// cartesian product as its own `gilsim run` process and writes the scaling table, plot and
// explanation to DIR. `--emit-jobs` prints the commands instead; `--collect DIR` builds the
// outputs from results produced elsewhere. Exit 0 when every configuration has a result, 1 when
// some failed or are missing (reported in their rows), 2 on bad input, 130 when interrupted.
int sweep_command(const std::vector<std::string>& args);

}  // namespace gilsim
