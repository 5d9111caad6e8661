// The commands of the `statesim` program; main.cpp only parses the command line into these.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/runner.hpp"
#include "model/metrics.hpp"
#include "scenario/config.hpp"

namespace statesim::cli {

// A bad command line (exit status 2, like a bad scenario).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RunOptions {
  std::optional<std::uint64_t> seed;
  std::optional<int> replications;
  std::optional<std::string> out_dir;  // given, even empty: checked
  bool json = false;
  std::optional<std::string> design;  // run only this design
  int jobs = 1;
  bool quiet = false;
  bool plot = false;
};

// An empty path means the built-in default lesson.
Scenario load(const std::string& path);

// Every design x replication of the scenario, in child processes; checks the invariants.
std::vector<RunResult> simulate_all(const Scenario& scenario, int jobs, bool quiet);
// Same, telling `progress` (runs done, runs in all) instead of drawing a progress line.
std::vector<RunResult> simulate_all(const Scenario& scenario, int jobs, const engine::ProgressCallback& progress);

int run_command(const std::string& path, const RunOptions& options);
int check_command(const std::string& path);

}  // namespace statesim::cli
