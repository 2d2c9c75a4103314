#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace gilsim::svg {

// Text and numbers in SVG output, shared by the activity, validation and scaling plots.

// Fixed two-decimal coordinates; -0.00 is folded into 0.00 so output does not hinge on signs.
std::string fmt(double value);

// XML text/attribute escaping. XML 1.0 forbids most control characters even as references, so
// they become spaces; malformed UTF-8 becomes U+FFFD.
std::string escape(const std::string& text);

// Keeps at most `max_chars` code points, marking a cut with an ellipsis.
std::string truncate(const std::string& text, std::size_t max_chars);

// The width of `text` in a sans-serif font of `font_size` px, estimated generously (about 0.6 em
// a character, twice that for wide characters such as CJK and emoji), so labels are not clipped.
double text_width(const std::string& text, double font_size);

// `text` split at blanks into lines no wider than `width` px (a word wider than that is a line
// of its own).
std::vector<std::string> wrap(const std::string& text, double width, double font_size);

}  // namespace gilsim::svg
