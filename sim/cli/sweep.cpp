#include "cli/sweep.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "report/design_runs.hpp"
#include "report/summary_fields.hpp"
#include "report/text_format.hpp"
#include "scenario/loader.hpp"
#include "scenario/message_text.hpp"
#include "scenario/yaml_tree.hpp"

namespace statesim::cli {
namespace {

namespace fs = std::filesystem;
using yaml_tree::Node;

// A grid larger than this is almost certainly a typo in a range.
constexpr std::size_t kMaxPoints = 10'000;

// ---------------------------------------------------------------------------------------------
// --vary KEY=V1,V2,...

struct KeySegment {
  std::string key;  // a map key, or empty for a list index
  std::size_t index = 0;
};

struct VaryValue {
  std::string text;  // as shown in sweep.csv: the scalar's text, or the value as written
  Node node;         // what is put at the key path
};

struct VaryOption {
  std::string key_path;  // as written: clients.requests[0].cpu
  std::vector<KeySegment> segments;
  std::vector<VaryValue> values;
};

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
  if (steps + 1 > static_cast<double>(kMaxPoints)) throw bad(fmt::format("more than {} values", kMaxPoints));
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
      value.node = parse_value(option.key_path, text);
      value.text = value.node.kind == Node::Kind::scalar ? value.node.text : text;
      for (const VaryValue& earlier : option.values)
        if (earlier.text == value.text)
          throw UsageError(
              fmt::format("--vary {}: the value {} is given twice", option.key_path, quote_value(text)));
      option.values.push_back(std::move(value));
    }
  }
  return option;
}

// ---------------------------------------------------------------------------------------------
// The scenario tree: a key path set in it, and the tree written back as YAML

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

// Puts `value` at the option's key path; missing maps on the way are created (the loader then
// checks every key), list items must exist in the file.
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

// Whether `text` reads back as the same plain scalar in a block context: no indicator at the
// start, no ": " or " #" inside, no control characters, no surrounding spaces.
bool can_be_plain(const std::string& text) {
  if (text.empty() || text.front() == ' ' || text.back() == ' ' || text.back() == ':') return false;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return false;
  }
  if (text.find(": ") != std::string::npos || text.find(" #") != std::string::npos) return false;
  const char first = text.front();
  if (std::string_view("?:,[]{}#&*!|>'\"%@`").find(first) != std::string_view::npos) return false;
  if (first == '-' && (text.size() == 1 || text[1] == ' ' || text.rfind("---", 0) == 0)) return false;
  return true;
}

std::string double_quoted(const std::string& text) { return yaml_double_quoted(text); }

// A scalar keeps the way it was written: plain stays plain (the loader reads numbers and
// booleans only when plain), quoted stays quoted.
std::string scalar_yaml(const Node& node) {
  if (node.kind == Node::Kind::null) return "~";
  return node.plain && can_be_plain(node.text) ? node.text : double_quoted(node.text);
}

void write_block(const Node& node, int indent, std::string& out);

// The value after "key:" or "-": inline for scalars and empty collections, else on the next lines.
void write_value(const Node& value, int indent, std::string& out) {
  if (value.kind == Node::Kind::map && !value.entries.empty()) {
    out += '\n';
    write_block(value, indent + 2, out);
  } else if (value.kind == Node::Kind::sequence && !value.items.empty()) {
    out += '\n';
    write_block(value, indent + 2, out);
  } else if (value.kind == Node::Kind::map) {
    out += " {}\n";
  } else if (value.kind == Node::Kind::sequence) {
    out += " []\n";
  } else {
    out += ' ' + scalar_yaml(value) + '\n';
  }
}

void write_block(const Node& node, int indent, std::string& out) {
  const std::string margin(static_cast<std::size_t>(indent), ' ');
  if (node.kind == Node::Kind::map) {
    for (const auto& entry : node.entries) {
      out += margin + scalar_yaml(entry.key) + ':';
      write_value(entry.value, indent, out);
    }
  } else {
    for (const Node& item : node.items) {
      out += margin + '-';
      write_value(item, indent, out);
    }
  }
}

std::string tree_yaml(const Node& root) {
  std::string out;
  write_block(root, 0, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The points of the sweep

struct SweepPoint {
  int number = 0;                   // 1-based, in sweep order
  std::vector<std::size_t> choice;  // index of the value of each option
  Scenario scenario;
  std::string resolved;  // resolved_yaml(scenario): the point's identity
};

std::string point_label(const std::vector<VaryOption>& options, const std::vector<std::size_t>& choice) {
  std::vector<std::string> parts;
  for (std::size_t k = 0; k < options.size(); ++k)
    parts.push_back(options[k].key_path + "=" + options[k].values[choice[k]].text);
  return join_names(parts);
}

// The loader's message without the file position: positions in a generated point are not
// positions in the user's file.
std::string without_position(const std::string& message, const std::string& display_name) {
  const std::string prefix = display_name + ":";
  if (message.rfind(prefix, 0) != 0) return message;
  std::size_t i = prefix.size();
  for (int number = 0; number < 2; ++number) {
    const std::size_t digits = i;
    while (i < message.size() && std::isdigit(static_cast<unsigned char>(message[i]))) ++i;
    if (i == digits || i >= message.size() || message[i] != ':') return message;
    ++i;
  }
  return trim(message.substr(i));
}

class PointLoader {
 public:
  PointLoader(const SweepOptions& options, const Node& base)
      : options_(options), base_(base), base_dir_(fs::path(options.scenario_path).parent_path().string()) {}

  // The scenario with the given values set; ScenarioError when the loader refuses it.
  Scenario load(const std::vector<const VaryOption*>& options, const std::vector<const Node*>& values) const {
    Node tree = base_;
    for (std::size_t k = 0; k < options.size(); ++k)
      set_key_path(tree, *options[k], *values[k], options_.scenario_path);
    Scenario scenario = load_scenario_text(tree_yaml(tree), options_.scenario_path, base_dir_);
    if (options_.seed) scenario.seed = *options_.seed;
    if (options_.replications) scenario.replications = *options_.replications;
    return scenario;
  }

  std::string message(const ScenarioError& error) const {
    return without_position(error.what(), options_.scenario_path);
  }

 private:
  const SweepOptions& options_;
  const Node& base_;
  std::string base_dir_;
};

// Every point, validated. A value that the loader refuses on its own is named with its --vary
// option; a combination that it refuses is named with the point's values.
std::vector<SweepPoint> build_points(const std::vector<VaryOption>& options, const PointLoader& loader) {
  std::vector<std::size_t> stride(options.size(), 1);
  for (std::size_t k = options.size(); k-- > 1;) stride[k - 1] = stride[k] * options[k].values.size();

  for (std::size_t k = 0; k < options.size(); ++k) {
    for (std::size_t v = 0; v < options[k].values.size(); ++v) {
      try {
        loader.load({&options[k]}, {&options[k].values[v].node});
      } catch (const ScenarioError& error) {
        throw UsageError(fmt::format("--vary {}={}: sweep point {}: {}", options[k].key_path,
                                     options[k].values[v].text, v * stride[k] + 1, loader.message(error)));
      }
    }
  }

  const std::size_t count = stride[0] * options[0].values.size();
  std::vector<SweepPoint> points;
  for (std::size_t p = 0; p < count; ++p) {
    SweepPoint point;
    point.number = static_cast<int>(p + 1);
    std::vector<const VaryOption*> chosen_options;
    std::vector<const Node*> chosen_values;
    for (std::size_t k = 0; k < options.size(); ++k) {
      point.choice.push_back(p / stride[k] % options[k].values.size());
      chosen_options.push_back(&options[k]);
      chosen_values.push_back(&options[k].values[point.choice[k]].node);
    }
    try {
      point.scenario = loader.load(chosen_options, chosen_values);
    } catch (const ScenarioError& error) {
      throw UsageError(fmt::format("sweep point {} ({}): {}", point.number,
                                   point_label(options, point.choice), loader.message(error)));
    }
    point.resolved = resolved_yaml(point.scenario);
    points.push_back(std::move(point));
  }
  return points;
}

// A design that sets a varied key itself hides the base value: such points are the same scenario.
void warn_about_identical_points(const std::vector<SweepPoint>& points,
                                 const std::vector<VaryOption>& options) {
  std::unordered_map<std::string, std::size_t> first_with_text;
  for (std::size_t b = 0; b < points.size(); ++b) {
    const auto [found, inserted] = first_with_text.emplace(points[b].resolved, b);
    if (inserted) continue;
    const SweepPoint& a = points[found->second];
    std::cerr << fmt::format(
        "warning: sweep points {} ({}) and {} ({}) are the same scenario: does every design set the varied "
        "key "
        "itself?\n",
        a.number, point_label(options, a.choice), points[b].number, point_label(options, points[b].choice));
    return;
  }
}

// ---------------------------------------------------------------------------------------------
// sweep.csv and the point files

std::string csv_line(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += ',';
    line += csv_field(fields[i]);
  }
  return line + '\n';
}

// One line of RFC 4180 CSV (fields hold no line breaks here).
std::vector<std::string> parse_csv_line(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

std::vector<std::string> sweep_header(const std::vector<VaryOption>& options) {
  std::vector<std::string> header = {"point"};
  for (const VaryOption& option : options) header.push_back(option.key_path);
  header.emplace_back("design");
  header.emplace_back("replication");
  for (const SummaryField& field : summary_fields()) header.emplace_back(field.name);
  for (const SummaryField& field : summary_fields()) {
    header.push_back(std::string(field.name) + "_ci95_low");
    header.push_back(std::string(field.name) + "_ci95_high");
  }
  return header;
}

// The columns before `design` of every row of a point.
std::vector<std::string> point_columns(const SweepPoint& point, const std::vector<VaryOption>& options) {
  std::vector<std::string> columns = {std::to_string(point.number)};
  for (std::size_t k = 0; k < options.size(); ++k) columns.push_back(options[k].values[point.choice[k]].text);
  return columns;
}

// Header, one row per design and replication, then one `mean` row per design.
std::string point_csv(const SweepPoint& point, const std::vector<VaryOption>& options,
                      const std::vector<RunResult>& runs) {
  const auto& fields = summary_fields();
  std::string csv = csv_line(sweep_header(options));
  for (const RunResult& run : runs) {
    std::vector<std::string> row = point_columns(point, options);
    row.push_back(run.summary.design);
    row.push_back(std::to_string(run.summary.replication));
    for (const SummaryField& field : fields)
      row.push_back(format_field_value(field, field.value(run.summary)));
    row.resize(row.size() + 2 * fields.size());
    csv += csv_line(row);
  }
  for (const DesignRuns& design : group_by_design(runs)) {
    std::vector<std::string> row = point_columns(point, options);
    row.push_back(design.name);
    row.emplace_back("mean");
    std::vector<FieldInterval> intervals;
    for (const SummaryField& field : fields) intervals.push_back(field_interval(design, field));
    for (std::size_t f = 0; f < fields.size(); ++f)
      row.push_back(format_field_statistic(fields[f], intervals[f].mean));
    for (std::size_t f = 0; f < fields.size(); ++f) {
      row.push_back(format_field_statistic(fields[f], intervals[f].low));
      row.push_back(format_field_statistic(fields[f], intervals[f].high));
    }
    csv += csv_line(row);
  }
  return csv;
}

std::optional<std::string> read_text_file(const std::string& path) {
  std::ifstream input(path, std::ios::binary);
  if (!input) return std::nullopt;
  std::ostringstream text;
  text << input.rdbuf();
  if (input.bad()) return std::nullopt;
  return text.str();
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

struct PointFiles {
  std::string csv;
  std::string key;
};

PointFiles point_files(const std::string& out_dir, int number) {
  const std::string stem = fmt::format("{}/points/point-{:03d}", out_dir, number);
  return PointFiles{stem + ".csv", stem + ".key"};
}

// The point's CSV from an earlier run of the same sweep, or nullopt when the point must run:
// no file, another scenario (.key), other columns or values, or not the expected row count.
std::optional<std::string> finished_point(const std::string& out_dir, const SweepPoint& point,
                                          const std::vector<VaryOption>& options) {
  const PointFiles files = point_files(out_dir, point.number);
  const auto key = read_text_file(files.key);
  if (!key || *key != point.resolved) return std::nullopt;
  auto csv = read_text_file(files.csv);
  if (!csv || csv->empty() || csv->back() != '\n') return std::nullopt;
  const std::vector<std::string> lines = split_lines(*csv);
  const std::size_t designs = point.scenario.designs.size();
  const std::size_t replications = static_cast<std::size_t>(point.scenario.replications);
  if (lines.size() != 1 + designs * (replications + 1)) return std::nullopt;
  if (lines[0] + '\n' != csv_line(sweep_header(options))) return std::nullopt;
  std::string prefix = csv_line(point_columns(point, options));
  prefix.back() = ',';
  for (std::size_t i = 1; i < lines.size(); ++i)
    if (lines[i].rfind(prefix, 0) != 0) return std::nullopt;
  return csv;
}

// "1-4, 7, 9-10"
std::string number_ranges(const std::vector<int>& numbers) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < numbers.size();) {
    std::size_t j = i;
    while (j + 1 < numbers.size() && numbers[j + 1] == numbers[j] + 1) ++j;
    parts.push_back(j == i ? std::to_string(numbers[i]) : fmt::format("{}-{}", numbers[i], numbers[j]));
    i = j + 1;
  }
  return join_names(parts);
}

std::string sweep_yaml(const SweepOptions& options, const std::vector<VaryOption>& vary,
                       std::size_t point_count, const std::string& base_resolved) {
  std::string out =
      "# statesim sweep: every point is `base` with one value of each `vary` key set (the first key\n"
      "# outermost); the results are in sweep.csv, one file per point in points/.\n";
  out += "file: " + double_quoted(options.scenario_path) + "\n";
  out += "vary:\n";
  for (const VaryOption& option : vary) {
    out += "  - key: " + double_quoted(option.key_path) + "\n";
    out += "    values:\n";
    for (const VaryValue& value : option.values) {
      out += "      -";
      write_value(value.node, 6, out);
    }
  }
  out += fmt::format("points: {}\n", point_count);
  out += "base:\n";
  for (const std::string& line : split_lines(base_resolved)) out += line.empty() ? "\n" : "  " + line + "\n";
  return out;
}

// ---------------------------------------------------------------------------------------------
// Progress and the closing table

// One line on a terminal, rewritten as the sweep goes.
class SweepProgress {
 public:
  SweepProgress(bool enabled, std::size_t points_to_run)
      : enabled_(enabled && ::isatty(STDERR_FILENO)), points_to_run_(points_to_run) {}
  ~SweepProgress() {
    if (shown_) std::cerr << "\r\033[K" << std::flush;
  }
  void running(int number, std::size_t total, const std::string& label) {
    if (!enabled_) return;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::string line =
        fmt::format("\r\033[Ksweep point {}/{} ({})  elapsed {:.0f}s", number, total, label, elapsed);
    if (done_ > 0)
      line += fmt::format("  about {:.0f}s left",
                          elapsed * static_cast<double>(points_to_run_ - done_) / static_cast<double>(done_));
    std::cerr << line << std::flush;
    shown_ = true;
  }
  void finished() { ++done_; }

 private:
  bool enabled_;
  bool shown_ = false;
  std::size_t points_to_run_;
  std::size_t done_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Runs every point that has no CSV yet and writes its files; fills `point_csvs`.
void run_missing_points(const std::vector<SweepPoint>& points, const std::vector<VaryOption>& vary,
                        const SweepOptions& options, std::vector<std::optional<std::string>>& point_csvs,
                        std::size_t skipped) {
  SweepProgress progress(!options.quiet, points.size() - skipped);
  for (std::size_t p = 0; p < points.size(); ++p) {
    if (point_csvs[p]) continue;
    const SweepPoint& point = points[p];
    progress.running(point.number, points.size(), point_label(vary, point.choice));
    const std::vector<RunResult> runs = simulate_all(point.scenario, options.jobs, true);
    point_csvs[p] = point_csv(point, vary, runs);
    // The CSV before the key: a key on disk always belongs to the CSV beside it.
    const PointFiles files = point_files(options.out_dir, point.number);
    write_file_atomically(files.csv, *point_csvs[p]);
    write_file_atomically(files.key, point.resolved);
    progress.finished();
  }
}

// One line per point and design: the varied values and the means of the main fields.
void print_sweep_table(std::ostream& out, const std::vector<VaryOption>& options,
                       const std::string& sweep_csv) {
  const std::vector<std::string> lines = split_lines(sweep_csv);
  const std::vector<std::string> header = parse_csv_line(lines.at(0));
  const std::vector<std::pair<std::string, std::string>> shown = {{"sessions_lost", "sessions lost"},
                                                                  {"forced_logouts", "forced logouts"},
                                                                  {"failed", "failed"},
                                                                  {"latency_p99_ms", "p99 (ms)"}};
  const auto column = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  std::vector<std::vector<std::string>> table;
  std::vector<std::string> titles = {"point"};
  for (const VaryOption& option : options) titles.push_back(option.key_path);
  titles.emplace_back("design");
  for (const auto& field : shown) titles.push_back(field.second);
  table.push_back(titles);
  const std::size_t text_columns = options.size() + 2;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> fields = parse_csv_line(lines[i]);
    if (fields.size() != header.size() || fields[column("replication")] != "mean") continue;
    std::vector<std::string> row(fields.begin(), fields.begin() + static_cast<long>(text_columns));
    for (const auto& field : shown) {
      const std::string& value = fields[column(field.first)];
      row.push_back(value.empty() ? "-" : format_grouped(std::strtod(value.c_str(), nullptr), 1));
    }
    table.push_back(row);
  }
  std::vector<std::size_t> widths(titles.size(), 0);
  for (const auto& row : table)
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], display_width(row[c]));
  for (const auto& row : table) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string padding(widths[c] - display_width(row[c]), ' ');
      const bool right_aligned = c == 0 || c >= text_columns;
      line += (c > 0 ? "  " : "") + (right_aligned ? padding + row[c] : row[c] + padding);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
}

}  // namespace

CLI::App* add_sweep_command(CLI::App& app, SweepOptions& options, int default_jobs) {
  options.jobs = default_jobs;
  auto* sweep = app.add_subcommand(
      "sweep",
      "Run a scenario at every combination of the --vary values and collect the results in OUT/sweep.csv");
  sweep->add_option("FILE", options.scenario_path, "Scenario file (YAML)")->required();
  sweep
      ->add_option("--vary", options.vary,
                   "KEY=V1,V2,... or KEY=START..END:STEP: a scenario key path (servers.count, "
                   "clients.requests[0].cpu) and its values as written in a file; repeat for a grid")
      ->required()
      ->allow_extra_args(false);
  sweep->add_option("--replications", options.replications,
                    "Independent runs per design and point (overrides the file's)");
  sweep->add_option("--seed", options.seed, "Seed (overrides the file's)");
  sweep->add_option("--jobs", options.jobs, "Simulations run in parallel (default: the number of cores)")
      ->check(CLI::Range(1, 1024));
  sweep->add_flag("--quiet", options.quiet, "No progress line");
  sweep
      ->add_option("--out", options.out_dir,
                   "Write sweep.csv, sweep.yaml and points/ here (an earlier sweep there resumes)")
      ->required();
  return sweep;
}

int sweep_command(const SweepOptions& options) {
  if (options.replications && (*options.replications < 1 || *options.replications > 10000))
    throw UsageError(
        fmt::format("--replications: expected a whole number in 1..10000, got {}", *options.replications));
  check_output_dir(options.out_dir);

  std::vector<VaryOption> vary;
  std::size_t point_count = 1;
  for (const std::string& spec : options.vary) {
    VaryOption option = parse_vary(spec);
    for (const VaryOption& earlier : vary)
      if (earlier.key_path == option.key_path)
        throw UsageError(fmt::format("--vary {}: this key is varied twice", option.key_path));
    point_count *= option.values.size();
    if (point_count > kMaxPoints)
      throw UsageError(fmt::format("--vary: more than {} sweep points; vary fewer values", kMaxPoints));
    vary.push_back(std::move(option));
  }

  // The file itself must load (with the positions of its own lines in any message) before
  // points made from it are.
  Scenario base = load_scenario_file(options.scenario_path);
  if (options.seed) base.seed = *options.seed;
  if (options.replications) base.replications = *options.replications;
  const auto text = read_text_file(options.scenario_path);
  if (!text) throw ScenarioError(fmt::format("{}: cannot read", options.scenario_path));
  const Node tree = yaml_tree::read_document(*text);
  const PointLoader loader(options, tree);
  if (resolved_yaml(loader.load({}, {})) != resolved_yaml(base))
    throw std::logic_error(
        "internal error: the scenario written back by sweep does not load as the file does");
  std::vector<SweepPoint> points = build_points(vary, loader);
  warn_about_identical_points(points, vary);

  // Every point is valid: from here on the output folder is written.
  const std::string& out_dir = options.out_dir;
  fs::create_directories(out_dir + "/points");
  write_file_atomically(out_dir + "/scenario.yaml", resolved_yaml(base));
  write_file_atomically(out_dir + "/sweep.yaml",
                        sweep_yaml(options, vary, points.size(), resolved_yaml(base)));

  std::vector<std::optional<std::string>> point_csvs;
  std::vector<int> skipped;
  for (const SweepPoint& point : points) {
    point_csvs.push_back(finished_point(out_dir, point, vary));
    if (point_csvs.back()) skipped.push_back(point.number);
  }
  if (!skipped.empty())
    std::cerr << fmt::format("skipped {} of {} sweep points already done in {}/points: {}\n", skipped.size(),
                             points.size(), out_dir, number_ranges(skipped));

  run_missing_points(points, vary, options, point_csvs, skipped.size());

  std::string sweep_csv = csv_line(sweep_header(vary));
  for (const auto& csv : point_csvs) sweep_csv += csv->substr(csv->find('\n') + 1);
  write_file_atomically(out_dir + "/sweep.csv", sweep_csv);

  std::cout << fmt::format("statesim sweep: {}, {} point(s), {} design(s), {} replication(s) each\n",
                           base.name, points.size(), base.designs.size(), base.replications);
  print_sweep_table(std::cout, vary, sweep_csv);
  std::cout << fmt::format("results: {}/sweep.csv\n", out_dir) << std::flush;
  return 0;
}

}  // namespace statesim::cli
