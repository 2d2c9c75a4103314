#pragma once
#include <string>

namespace gilsim {

// " held by a, b, c, d and 2 more" (empty without holders): who holds a semaphore, in the
// deadlock report. Four names at most, so a pool of 1000 stays one readable line.
template <class Holders, class Name>
std::string held_by(const Holders& holders, Name name_of) {
  if (holders.empty()) return "";
  std::string text = " held by ";
  for (std::size_t i = 0; i < holders.size() && i < 4; ++i) text += (i ? ", " : "") + name_of(holders[i]);
  if (holders.size() > 4) text += " and " + std::to_string(holders.size() - 4) + " more";
  return text;
}

}  // namespace gilsim
