// The scenario loader's toolkit: typed readers of YAML values whose every problem reads
//   scenario.yaml:12:5: servers.workers: expected a whole number >= 1, got "two"
// (thrown as a yaml_tree::TreeError the loader completes with the file name), a map with a
// fixed set of keys, and where a value was written (for checks that relate several keys).
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/config.hpp"
#include "scenario/message_text.hpp"
#include "scenario/units.hpp"
#include "scenario/yaml_tree.hpp"

namespace statesim::loading {

using yaml_tree::MapEntry;
using yaml_tree::Node;
using yaml_tree::Position;
using yaml_tree::TreeError;

// ---------------------------------------------------------------------------------------------
// Errors

std::string describe(const Node& node);

[[noreturn]] void fail(Position position, const std::string& path, const std::string& message);

[[noreturn]] void fail_expected(const Node& node, const std::string& path, std::string_view expected,
                                std::string_view hint = {});

std::string child_path(const std::string& parent, std::string_view key);

std::string item_path(const std::string& parent, std::size_t index);

// ---------------------------------------------------------------------------------------------
// A YAML map with a fixed set of keys

// Inside a flow map `{query_time: normal(50ms, 15ms)}` the comma ends the value: a value with
// an unclosed "(" beside an unknown key is that, and the hint says to quote it (else empty).
std::string split_at_comma_hint(const Node& map);

class Section {
 public:
  // `extra_hint(key)` may explain an unknown key better than a list of valid keys.
  Section(const Node& node, std::string path, std::vector<std::string> keys,
          std::string (*extra_hint)(const std::string&) = nullptr)
      : node_(node), path_(std::move(path)), keys_(std::move(keys)) {
    if (node.kind != Node::Kind::map)
      fail_expected(node, path_, fmt::format("a map (keys: {})", join_names(keys_)));
    for (const auto& entry : node.entries) {
      const std::string& key = entry.key.text;
      if (std::find(keys_.begin(), keys_.end(), key) != keys_.end()) continue;
      std::string hint = extra_hint ? extra_hint(key) : std::string();
      if (hint.empty()) hint = split_at_comma_hint(node);
      if (hint.empty()) {
        const std::string suggestion = closest_name(key, keys_);
        hint = suggestion.empty() ? fmt::format("valid keys: {}", join_names(keys_))
                                  : fmt::format("did you mean {}?", quote_value(suggestion));
      }
      fail(entry.key.position, child_path(path_, key),
           fmt::format("unknown key {} ({})", quote_value(key), hint));
    }
  }

  const Node* get(std::string_view key) const { return node_.find(key); }
  std::string path(std::string_view key) const { return child_path(path_, key); }
  const std::string& path() const { return path_; }
  const Node& node() const { return node_; }

  const Node& require(std::string_view key) const {
    const Node* value = get(key);
    if (value == nullptr) fail(node_.position, path(key), "required key missing");
    return *value;
  }

 private:
  const Node& node_;
  std::string path_;
  std::vector<std::string> keys_;
};

// ---------------------------------------------------------------------------------------------
// Where a value was written, for checks that relate several keys

struct Origin {
  Position position;
  std::string path;
};

inline Origin origin_of(const Node& node, const std::string& path) { return Origin{node.position, path}; }

// ---------------------------------------------------------------------------------------------
// Typed values

const Node& require_scalar(const Node& node, const std::string& path, std::string_view expected);

std::string read_text(const Node& node, const std::string& path);

bool matches_name(const std::string& text, bool underscore);

std::string read_name(const Node& node, const std::string& path);

bool read_bool(const Node& node, const std::string& path);

std::string whole_number(std::int64_t min, std::int64_t max);

// A plain decimal integer: no quotes, no sign other than '-', no leading zeros, no exponent.
std::int64_t read_integer(const Node& node, const std::string& path, std::int64_t min,
                          std::int64_t max = INT_MAX);

int read_int(const Node& node, const std::string& path, int min, int max = INT_MAX);

std::uint64_t read_seed(const Node& node, const std::string& path);

// A value with a unit (or a fraction or a distribution): quoted or not, parsed by units.hpp.
template <typename Parse>
auto read_unit_value(const Node& node, const std::string& path, std::string_view expected, Parse parse) {
  require_scalar(node, path, expected);
  try {
    return parse(node.text);
  } catch (const UnitError& error) {
    fail(node.position, path, error.what());
  }
}

enum class Lowest { zero, above_zero };

double read_duration(const Node& node, const std::string& path, Lowest lowest);

double read_rate(const Node& node, const std::string& path, Lowest lowest);

double read_size(const Node& node, const std::string& path);

double read_bandwidth(const Node& node, const std::string& path);

double read_fraction(const Node& node, const std::string& path, Lowest lowest);

Distribution read_distribution(const Node& node, const std::string& path);

Distribution read_size_distribution(const Node& node, const std::string& path);

// A plain number above zero (speed, weight): written without quotes like integers, within
// [lowest, highest] (`why` says where the bounds come from).
double read_positive_number(const Node& node, const std::string& path, double lowest, double highest,
                            std::string_view why);

// servers.speed multiplies the built-in 1e9 flops per second; SimGrid aborts on host speeds far
// beyond these bounds, and no server is a million times faster or slower than another.
constexpr double kLowestServerSpeed = 1e-6;
constexpr double kHighestServerSpeed = 1e6;
// Request weights are relative; their sum must stay a finite number.
constexpr double kHighestWeight = 1e12;

template <typename Enum, std::size_t N>
Enum read_choice(const Node& node, const std::string& path, const NameTable<Enum, N>& choices) {
  const std::vector<std::string> names = choices.names();
  const std::string expected = fmt::format("one of {}", join_names(names));
  require_scalar(node, path, expected);
  if (const std::optional<Enum> value = choices.parse(node.text)) return *value;
  const std::string suggestion = closest_name(node.text, names);
  fail_expected(node, path, expected,
                suggestion.empty() ? "" : fmt::format("did you mean {}?", quote_value(suggestion)));
}

enum class AutoscaleMetric { cpu };
inline constexpr NameTable<AutoscaleMetric, 1> kAutoscaleMetrics{{{{"cpu", AutoscaleMetric::cpu}}}};

}  // namespace statesim::loading
