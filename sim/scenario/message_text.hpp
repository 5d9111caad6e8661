// Small text helpers for error messages: quoting a value as the user wrote it and finding the
// closest valid name for a typo.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace statesim {

// `text` as a YAML double-quoted scalar: quotes, backslashes, control characters and the
// invisible characters that reorder or hide text (bidi overrides, line separators) escaped, so
// that it reads back as exactly the same text and shows on a terminal as it is.
std::string yaml_double_quoted(std::string_view text);

// `text` made safe to print on a terminal: control characters (line feeds aside when
// `keep_newlines`), DEL, C1 controls, bidi controls and line separators become visible escapes
// (\x1b, \u202e), and so does each byte that is not UTF-8. Anything else is unchanged, so
// text that is already safe (or already escaped) passes through as it is.
std::string terminal_text(std::string_view text, bool keep_newlines = true);

// The UTF-8 character at text[i]: its code point and length in bytes; length 0 when the bytes
// there are not UTF-8 (overlong forms and surrogates included).
struct Utf8Char {
  char32_t code_point = 0;
  std::size_t length = 0;
};
Utf8Char utf8_at(std::string_view text, std::size_t i);

// The code point escaped by terminal_text and yaml_double_quoted as \uXXXX: C1 controls, bidi
// controls (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069), U+2028 and U+2029.
bool is_invisible_control(char32_t code_point);

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
