// Small, locale-independent text helpers shared by the report writers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace statesim {

// 12345 -> "12,345"; -1234 -> "-1,234".
std::string format_count(std::int64_t value);

// A number with `decimals` digits after the point and thousands separators:
// (12345.678, 1) -> "12,345.7". Non-finite values give "-". Never prints "-0".
std::string format_grouped(double value, int decimals);

// Simulated time as the reader thinks of it: 45 -> "45s", 300 -> "5m00s",
// 3725 -> "1h02m05s", 0.25 -> "0.25s", 90.5 -> "1m30.5s". Rounded to milliseconds.
std::string format_clock_time(double seconds);

// `value` with `decimals` fixed digits ("{:.Nf}"), "-0.000" normalised to "0.000".
std::string format_fixed(double value, int decimals);

// One CSV field per RFC 4180: quoted when it holds a comma, quote, CR or LF; inner quotes doubled.
std::string csv_field(std::string_view text);

// One CSV row: the fields by csv_field, separated by commas, ending with "\n".
std::string csv_line(const std::vector<std::string>& fields);

// The fields of one CSV row as csv_line writes it (without its "\n"), or false when `line` is
// not such a row: a stray or unclosed quote, or a line break (a row that spans lines).
bool read_csv_line(std::string_view line, std::vector<std::string>& fields);

// A JSON string literal, quotes included: `"`, `\`, control characters, DEL, C1 and bidi
// controls escaped, everything else (UTF-8 included) passed through.
std::string json_string(std::string_view text);

// Splits `text` on spaces into lines of at most `width` columns (a longer word gets its own line).
std::vector<std::string> wrap_words(std::string_view text, std::size_t width);

// Columns a UTF-8 string takes in a terminal, counting each code point as one ("±" is one).
std::size_t display_width(std::string_view text);

}  // namespace statesim
