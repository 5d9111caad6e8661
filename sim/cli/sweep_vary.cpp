#include "cli/sweep_vary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "cli/commands.hpp"
#include "report/text_format.hpp"
#include "scenario/message_text.hpp"

namespace statesim::cli {
namespace {

using yaml_tree::Node;

std::string trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  const std::size_t last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

std::vector<KeySegment> parse_key_path(const std::string& key_path) {
  const auto bad = [&](const std::string& why) {
    return UsageError(
        fmt::format("--vary {}: not a key path ({}); write it as in the file, e.g. servers.count "
                    "or clients.requests[0].cpu",
                    key_path, why));
  };
  std::vector<KeySegment> segments;
  std::size_t i = 0;
  while (true) {
    std::string key;
    while (i < key_path.size() && key_path[i] != '.' && key_path[i] != '[' && key_path[i] != ']') {
      const char c = key_path[i];
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
        throw bad(fmt::format("unexpected character {}", quote_value(std::string(1, c))));
      key += c;
      ++i;
    }
    if (key.empty()) throw bad("an empty key name");
    segments.push_back(KeySegment{key, 0});
    while (i < key_path.size() && key_path[i] == '[') {
      const std::size_t close = key_path.find(']', i);
      const std::string digits = close == std::string::npos ? "" : key_path.substr(i + 1, close - i - 1);
      if (digits.empty() || digits.size() > 6 ||
          !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        throw bad("a list index is a whole number in brackets, [0]");
      segments.push_back(KeySegment{"", static_cast<std::size_t>(std::stoul(digits))});
      i = close + 1;
    }
    if (i == key_path.size()) return segments;
    if (key_path[i] != '.') throw bad(fmt::format("unexpected {}", quote_value(std::string(1, key_path[i]))));
    ++i;
  }
}

// Splits on commas that are not inside brackets, parentheses or quotes, so that
// `uniform(1ms, 9ms),exp(5ms)` is two values.
std::vector<std::string> split_values(const std::string& text) {
  std::vector<std::string> items;
  std::string current;
  int depth = 0;
  char quote = 0;
  for (const char c : text) {
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      items.push_back(trim(current));
      current.clear();
      continue;
    }
    current += c;
  }
  items.push_back(trim(current));
  return items;
}

struct DecimalNumber {
  double value = 0;
  int decimals = 0;  // digits after the point as written
};

std::optional<DecimalNumber> parse_decimal(const std::string& text) {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  const std::size_t digits_start = i;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == digits_start) return std::nullopt;
  int decimals = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    const std::size_t fraction_start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    decimals = static_cast<int>(i - fraction_start);
    if (decimals == 0) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  return DecimalNumber{std::strtod(text.c_str(), nullptr), decimals};
}

// `start..end:step` (inclusive, step 1 when left out), optionally followed by a unit that every
// value gets: `2..16:2`, `0.1..0.5:0.1`, `5..20:5/s`. nullopt when `item` is not a range.
std::optional<std::vector<std::string>> expand_range(const std::string& option, const std::string& item) {
  const std::size_t dots = item.find("..");
  if (dots == std::string::npos || dots == 0) return std::nullopt;
  const std::string start_text = item.substr(0, dots);
  if (!parse_decimal(start_text)) return std::nullopt;
  std::string rest = item.substr(dots + 2);
  // The unit is what follows the last number: letters, '/', '%'.
  std::size_t unit_start = rest.size();
  while (unit_start > 0 && !std::isdigit(static_cast<unsigned char>(rest[unit_start - 1]))) --unit_start;
  const std::string unit = rest.substr(unit_start);
  rest = rest.substr(0, unit_start);
  const std::size_t colon = rest.find(':');
  const std::string end_text = rest.substr(0, colon);
  const std::string step_text = colon == std::string::npos ? "1" : rest.substr(colon + 1);
  const auto bad = [&](const std::string& why) {
    return UsageError(fmt::format("--vary {}: {} is not a range ({}); write start..end:step, e.g. 2..16:2",
                                  option, quote_value(item), why));
  };
  const auto start = parse_decimal(start_text);
  const auto end = parse_decimal(end_text);
  const auto step = parse_decimal(step_text);
  if (!end || !step) throw bad("start, end and step are whole or decimal numbers");
  if (unit.find_first_of(" .,:") != std::string::npos)
    throw bad(fmt::format("unexpected unit {}", quote_value(unit)));
  if (!(step->value > 0)) throw bad("the step must be above 0");
  if (end->value < start->value) throw bad("the end is below the start");
  const int decimals = std::max({start->decimals, end->decimals, step->decimals});
  // A tolerance of a millionth of a step keeps 0.1..0.3:0.1 at three values despite rounding.
  const double steps = std::floor((end->value - start->value) / step->value + 1e-6);
  if (steps + 1 > static_cast<double>(kMaxSweepPoints))
    throw bad(fmt::format("more than {} values", kMaxSweepPoints));
  std::vector<std::string> values;
  for (int k = 0; k <= static_cast<int>(steps); ++k)
    values.push_back(format_fixed(start->value + k * step->value, decimals) + unit);
  return values;
}

// A value written as in a scenario file, read by the same YAML reader as the file.
Node parse_value(const std::string& option, const std::string& text) {
  if (text.find_first_of("\r\n") != std::string::npos)
    throw UsageError(fmt::format("--vary {}: a value is one line", option));
  Node document;
  try {
    document = yaml_tree::read_document("value: " + text);
  } catch (const yaml_tree::TreeError& error) {
    throw UsageError(fmt::format("--vary {}={}: not a YAML value: {}", option, text, error.what()));
  }
  if (document.entries.size() != 1 || document.entries[0].value.kind == Node::Kind::null)
    throw UsageError(fmt::format("--vary {}={}: not a single YAML value", option, text));
  return document.entries[0].value;
}

VaryOption parse_vary(const std::string& spec) {
  const std::size_t equals = spec.find('=');
  if (equals == std::string::npos)
    throw UsageError(fmt::format("--vary {}: expected KEY=V1,V2,... (e.g. servers.count=2,3,4)", spec));
  VaryOption option;
  option.key_path = trim(spec.substr(0, equals));
  option.segments = parse_key_path(option.key_path);
  const std::string list = spec.substr(equals + 1);
  for (const std::string& item : split_values(list)) {
    if (item.empty())
      throw UsageError(fmt::format("--vary {}: an empty value in {}", option.key_path, quote_value(list)));
    std::vector<std::string> texts;
    if (auto range = expand_range(option.key_path, item)) {
      texts = *range;
    } else {
      texts.push_back(item);
    }
    for (const std::string& text : texts) {
      VaryValue value;
      value.written = text;
      value.node = parse_value(option.key_path, text);
      value.text = value.node.kind == Node::Kind::scalar ? value.node.text : text;
      // The value is a column of sweep.csv and a cell of the table printed on a terminal.
      if (std::any_of(value.text.begin(), value.text.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
        throw UsageError(fmt::format("--vary {}: the value {} holds a control character", option.key_path,
                                     quote_value(value.text)));
      for (const VaryValue& earlier : option.values)
        if (earlier.text == value.text)
          throw UsageError(
              fmt::format("--vary {}: the value {} is given twice", option.key_path, quote_value(text)));
      option.values.push_back(std::move(value));
    }
  }
  return option;
}

std::string path_text(const std::vector<KeySegment>& segments, std::size_t count) {
  std::string text;
  for (std::size_t i = 0; i < count; ++i) {
    if (segments[i].key.empty()) {
      text += fmt::format("[{}]", segments[i].index);
    } else {
      text += (text.empty() ? "" : ".") + segments[i].key;
    }
  }
  return text;
}

}  // namespace

std::vector<VaryOption> parse_vary_options(const std::vector<std::string>& specs) {
  std::vector<VaryOption> options;
  std::size_t point_count = 1;
  for (const std::string& spec : specs) {
    VaryOption option = parse_vary(spec);
    for (const VaryOption& earlier : options)
      if (earlier.key_path == option.key_path)
        throw UsageError(fmt::format("--vary {}: this key is varied twice", option.key_path));
    point_count *= option.values.size();
    if (point_count > kMaxSweepPoints)
      throw UsageError(fmt::format("--vary: more than {} sweep points; vary fewer values", kMaxSweepPoints));
    options.push_back(std::move(option));
  }
  return options;
}

void set_key_path(Node& root, const VaryOption& option, const Node& value, const std::string& file) {
  Node* node = &root;
  const auto& segments = option.segments;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string here = path_text(segments, i);
    const KeySegment& segment = segments[i];
    if (segment.key.empty()) {
      if (node->kind != Node::Kind::sequence)
        throw UsageError(
            fmt::format("--vary {}: {} is not a list in {}: a list item can be varied only where the "
                        "file writes the list",
                        option.key_path, here, file));
      if (segment.index >= node->items.size())
        throw UsageError(fmt::format("--vary {}: {} has {} item(s) in {} (indices from 0)", option.key_path,
                                     here, node->items.size(), file));
      node = &node->items[segment.index];
      continue;
    }
    if (node->kind == Node::Kind::null) node->kind = Node::Kind::map;
    if (node->kind != Node::Kind::map)
      throw UsageError(fmt::format("--vary {}: {} is {} in {}, not a map of settings", option.key_path, here,
                                   node->kind == Node::Kind::sequence ? "a list" : "a single value", file));
    Node* child = nullptr;
    for (auto& entry : node->entries)
      if (entry.key.text == segment.key) child = &entry.value;
    if (child == nullptr) {
      yaml_tree::MapEntry entry;
      entry.key.kind = Node::Kind::scalar;
      entry.key.text = segment.key;
      entry.key.plain = true;
      node->entries.push_back(std::move(entry));
      child = &node->entries.back().value;
    }
    node = child;
  }
  *node = value;
}

}  // namespace statesim::cli
