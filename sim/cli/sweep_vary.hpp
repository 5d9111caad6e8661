// The --vary options of `statesim sweep`: KEY=V1,V2,... or KEY=START..END:STEP, where KEY is a
// key path of the scenario file (servers.count, clients.requests[0].cpu) and each value is
// written as in the file and read by the same YAML reader.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "scenario/yaml_tree.hpp"

namespace statesim::cli {

// A grid larger than this is almost certainly a typo in a range.
inline constexpr std::size_t kMaxSweepPoints = 10'000;

struct KeySegment {
  std::string key;  // a map key, or empty for a list index
  std::size_t index = 0;
};

struct VaryValue {
  std::string written;   // as given on the command line (or expanded from a range)
  std::string text;      // as shown in sweep.csv: the scalar's text, or the value as written
  yaml_tree::Node node;  // what is put at the key path
};

struct VaryOption {
  std::string key_path;  // as written: clients.requests[0].cpu
  std::vector<KeySegment> segments;
  std::vector<VaryValue> values;
};

// Every option, the first one outermost. Throws UsageError on a malformed option, a key varied
// twice, a value given twice, or more than kMaxSweepPoints points.
std::vector<VaryOption> parse_vary_options(const std::vector<std::string>& specs);

// Puts `value` at the option's key path in the scenario tree; missing maps on the way are
// created (the loader then checks every key), list items must exist in the file (`file` names
// it in messages). Throws UsageError.
void set_key_path(yaml_tree::Node& root, const VaryOption& option, const yaml_tree::Node& value,
                  const std::string& file);

}  // namespace statesim::cli
