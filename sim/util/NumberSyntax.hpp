#pragma once
#include <cstddef>
#include <string>

namespace gilsim {

// The number syntax of scenarios and command-line values (README "Scenario format"): an optional
// '-', digits with an optional fraction, and an optional exponent: 3, 1.5, .5, 2e-3, 1.771e+9.
// strtod and strtoll accept more (leading blanks, '+', hex such as 0x10, inf, nan); those are
// refused rather than read as something the user did not write.

// Length of the number at the start of `text`, 0 when it does not start with one.
std::size_t number_prefix_length(const std::string& text);

// Whether the whole text is a number (with fraction and exponent allowed) or an integer.
bool is_number_text(const std::string& text);
bool is_integer_text(const std::string& text);

}  // namespace gilsim
