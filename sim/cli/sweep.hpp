// `statesim sweep`: one scenario run at every point of a grid of scenario values (the cross
// product of the --vary lists), with the results of all points in one CSV file.
//
// Each point is the scenario file with the varied key paths set to that point's values; it is
// validated by the scenario loader like any file, every point before anything runs. Finished
// points are kept in OUT/points, so an interrupted sweep resumes where it stopped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace statesim::cli {

struct SweepOptions {
  std::string scenario_path;
  std::vector<std::string> vary;  // "KEY=V1,V2,..." as given, first one outermost
  std::optional<int> replications;
  std::optional<std::uint64_t> seed;
  int jobs = 1;
  bool quiet = false;
  std::string out_dir;
};

// Registers the `sweep` subcommand and its options on `app`; `default_jobs` is --jobs' default.
CLI::App* add_sweep_command(CLI::App& app, SweepOptions& options, int default_jobs);

// Runs the sweep. Throws UsageError or ScenarioError (exit status 2) on bad input, before
// writing anything; returns 0 when every point has run.
int sweep_command(const SweepOptions& options);

}  // namespace statesim::cli
