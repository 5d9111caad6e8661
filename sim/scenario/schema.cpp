#include "scenario/schema.hpp"

#include <charconv>
#include <limits>

namespace statesim::loading {

std::string describe(const Node& node) {
  switch (node.kind) {
    case Node::Kind::null:
      return "nothing";
    case Node::Kind::scalar:
      return quote_value(node.text);
    case Node::Kind::sequence:
      return node.items.empty() ? "an empty list" : "a list";
    case Node::Kind::map:
      return node.entries.empty() ? "an empty map" : "a map";
  }
  return "nothing";
}

[[noreturn]] void fail(Position position, const std::string& path, const std::string& message) {
  throw TreeError(position, path, message);
}

[[noreturn]] void fail_expected(const Node& node, const std::string& path, std::string_view expected,
                                std::string_view hint) {
  std::string message = fmt::format("expected {}, got {}", expected, describe(node));
  if (!hint.empty()) message += fmt::format(" ({})", hint);
  fail(node.position, path, message);
}

std::string split_at_comma_hint(const Node& map) {
  for (std::size_t i = 0; i + 1 < map.entries.size(); ++i) {
    const Node& value = map.entries[i].value;
    const std::string& rest = map.entries[i + 1].key.text;
    if (value.kind != Node::Kind::scalar || value.text.find('(') == std::string::npos ||
        value.text.find(')') != std::string::npos || rest.find(')') == std::string::npos)
      continue;
    return fmt::format("the comma of {} ended the value in this {{flow map}}: quote it, {}: \"{}, {}\"",
                       quote_value(value.text + ", " + rest), map.entries[i].key.text, value.text, rest);
  }
  return "";
}

std::string child_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

std::string item_path(const std::string& parent, std::size_t index) {
  return fmt::format("{}[{}]", parent, index);
}

const Node& require_scalar(const Node& node, const std::string& path, std::string_view expected) {
  if (node.kind != Node::Kind::scalar) fail_expected(node, path, expected);
  return node;
}

std::string read_text(const Node& node, const std::string& path) {
  return require_scalar(node, path, "a text").text;
}

bool matches_name(const std::string& text, bool underscore) {
  if (text.empty()) return false;
  return std::all_of(text.begin(), text.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || (underscore && c == '_');
  });
}

std::string read_name(const Node& node, const std::string& path) {
  constexpr std::string_view kExpected = "a name of lowercase letters, digits and dashes ([a-z0-9-]+)";
  const std::string& text = require_scalar(node, path, kExpected).text;
  if (!matches_name(text, false)) fail_expected(node, path, kExpected);
  return text;
}

bool read_bool(const Node& node, const std::string& path) {
  constexpr std::string_view kExpected = "true or false";
  require_scalar(node, path, kExpected);
  if (node.plain && node.text == "true") return true;
  if (node.plain && node.text == "false") return false;
  fail_expected(node, path, kExpected, node.plain ? "" : "without quotes");
}

std::string whole_number(std::int64_t min, std::int64_t max) {
  if (max >= INT_MAX) return fmt::format("a whole number >= {}", min);
  return fmt::format("a whole number between {} and {}", min, max);
}

std::int64_t read_integer(const Node& node, const std::string& path, std::int64_t min,
                          std::int64_t max) {
  const std::string expected = whole_number(min, max);
  require_scalar(node, path, expected);
  if (!node.plain) fail_expected(node, path, expected, "without quotes");
  const std::string& text = node.text;
  const std::size_t digits_start = !text.empty() && text[0] == '-' ? 1 : 0;
  const std::string digits = text.substr(digits_start);
  const bool well_formed = !digits.empty() && std::all_of(digits.begin(), digits.end(),
                                                          [](char c) { return c >= '0' && c <= '9'; });
  if (!well_formed) fail_expected(node, path, expected);
  if (digits.size() > 1 && digits[0] == '0')
    fail_expected(node, path, expected, "leading zeros are not allowed: 010 would read as octal in YAML");
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size())
    fail_expected(node, path, expected, "too large");
  if (value < min) fail_expected(node, path, expected);
  if (value > max) fail_expected(node, path, expected, max >= INT_MAX ? "too large" : "");
  return value;
}

int read_int(const Node& node, const std::string& path, int min, int max) {
  return static_cast<int>(read_integer(node, path, min, max));
}

std::uint64_t read_seed(const Node& node, const std::string& path) {
  constexpr std::string_view kExpected = "a whole number between 0 and 18446744073709551615";
  require_scalar(node, path, kExpected);
  if (!node.plain) fail_expected(node, path, kExpected, "without quotes");
  try {
    return parse_seed(node.text);
  } catch (const UnitError& error) {
    fail(node.position, path, error.what());
  }
}

double read_duration(const Node& node, const std::string& path, Lowest lowest) {
  const double seconds = read_unit_value(node, path, "a duration such as 250ms or 1.5s", parse_duration);
  if (lowest == Lowest::above_zero && seconds <= 0) fail_expected(node, path, "a duration > 0");
  return seconds;
}

double read_rate(const Node& node, const std::string& path, Lowest lowest) {
  const double rate = read_unit_value(node, path, "a rate such as 10/s", parse_rate);
  if (lowest == Lowest::above_zero && rate <= 0) fail_expected(node, path, "a rate > 0");
  return rate;
}

double read_size(const Node& node, const std::string& path) {
  return read_unit_value(node, path, "a size such as 1KB", parse_size);
}

double read_bandwidth(const Node& node, const std::string& path) {
  return read_unit_value(node, path, "a bandwidth such as 1Gbps", parse_bandwidth);
}

double read_fraction(const Node& node, const std::string& path, Lowest lowest) {
  const double fraction = read_unit_value(node, path, "a fraction such as 0.25 or 25%", parse_fraction);
  if (lowest == Lowest::above_zero && fraction <= 0) fail_expected(node, path, "a fraction in (0, 1]");
  return fraction;
}

Distribution read_distribution(const Node& node, const std::string& path) {
  return read_unit_value(node, path, "a distribution such as exp(5ms)", parse_distribution);
}

Distribution read_size_distribution(const Node& node, const std::string& path) {
  return read_unit_value(node, path, "a size or a distribution such as lognormal(20MB, 10MB)",
                         parse_size_distribution);
}

double read_positive_number(const Node& node, const std::string& path, double lowest, double highest,
                            std::string_view why) {
  constexpr std::string_view kExpected = "a number > 0 such as 2 or 1.5";
  require_scalar(node, path, kExpected);
  if (!node.plain) fail_expected(node, path, kExpected, "without quotes");
  const double value = read_unit_value(node, path, kExpected, parse_number);
  if (value <= 0) fail_expected(node, path, kExpected);
  if (value < lowest || value > highest)
    fail_expected(node, path, fmt::format("a number between {:g} and {:g}", lowest, highest), why);
  return value;
}

}  // namespace statesim::loading
