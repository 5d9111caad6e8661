// Small text helpers for error messages: quoting a value as the user wrote it and finding the
// closest valid name for a typo.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace statesim {

// `text` as a YAML double-quoted scalar: quotes, backslashes and control characters escaped,
// so that it reads back as exactly the same text.
std::string yaml_double_quoted(std::string_view text);

// `text` quoted as above for a message; long texts are shortened with "..." so that a message
// stays one readable line.
std::string quote_value(std::string_view text);

// Edit distance counting insertions, deletions, substitutions and swaps of neighbours.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `typo` if it is close enough to be a likely typo, else "".
std::string closest_name(std::string_view typo, const std::vector<std::string>& candidates);

// "a, b, c"
std::string join_names(const std::vector<std::string>& names);

}  // namespace statesim
