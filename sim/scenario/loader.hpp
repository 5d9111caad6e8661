// The one place that reads a scenario file: YAML -> typed Scenario, checking everything.
// Every problem is a ScenarioError whose message reads
//   scenario.yaml:12:5: servers.workers: expected a whole number >= 1, got "two"
// (file:line:col: key path: what was expected, got what was written). Problems not tied to a
// key (malformed YAML, an empty file) read `file:line:col: message`; a file that cannot be
// read at all reads `file: cannot read: reason`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "scenario/config.hpp"

namespace statesim {

namespace yaml_tree {
struct Node;
}

class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Magnitudes above which a run would take days or exhaust memory: such a file is refused with
// a message naming the value and the limit. A caller may raise them deliberately.
struct ScenarioLimits {
  std::int64_t max_users = 10'000'000;  // clients.users and traffic users
  int max_servers = 100'000;            // servers.max
  double max_duration_s = 1e7;          // duration
  double max_buckets = 1e6;             // duration / report_interval
  double max_open_sessions = 1e8;       // arrival_rate * duration (open workload)
  int max_replications = 10'000;
  std::size_t max_request_kinds = 1000;  // clients.requests
  std::size_t max_events = 100'000;      // events of one list
  std::size_t max_design_events = 1'000'000;  // events of all designs together (each copies the base's)
  int max_virtual_nodes = 10'000;        // load_balancer.virtual_nodes
};

// Reads and checks a file. `path` is shown in messages as given.
Scenario load_scenario_file(const std::string& path, const ScenarioLimits& limits = ScenarioLimits{});

// Same, from text already in memory (the built-in lesson). `display_name` is used in messages,
// `base_dir` resolves relative paths (platform.file).
Scenario load_scenario_text(const std::string& text, const std::string& display_name,
                            const std::string& base_dir, const ScenarioLimits& limits = ScenarioLimits{});

// Same, from a YAML tree already read (a scenario file with values changed, e.g. a sweep point).
Scenario load_scenario_tree(const yaml_tree::Node& root, const std::string& display_name,
                            const std::string& base_dir, const ScenarioLimits& limits = ScenarioLimits{});

// A complete YAML file that loads back to the same Scenario: every default filled in, the
// seed and replications written, each design written in full.
std::string resolved_yaml(const Scenario& scenario);

}  // namespace statesim
