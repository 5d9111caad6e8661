// `statesim sweep`: one scenario run at every point of a grid of scenario values (the cross
// product of the --vary lists), with the results of all points in one CSV file.
//
//   sweep FILE --vary ... --out DIR       plan, run every point here, merge
//   sweep FILE --vary ... --plan DIR      plan only: the points and the launchers for a cluster
//   sweep --run-point DIR K               run point K of a plan (what each cluster task runs)
//   sweep --merge DIR                     gather the finished points into DIR/sweep.csv
//
// Each point is the scenario file with the varied key paths set to that point's values; every
// point is validated by the scenario loader before anything is written. The folder is the
// whole state (sweep_plan.hpp): finished points are kept in DIR/points, so an interrupted
// sweep resumes where it stopped and a lost cluster task is run again by itself.
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
  std::optional<std::string> seed;  // as given: checked like the file's seed (CLI11 would wrap -1)
  int jobs = 1;
  bool quiet = false;
  bool plot = false;
  std::string out_dir;                 // run here
  std::string plan_dir;                // write the plan only
  std::vector<std::string> run_point;  // DIR K
  std::string merge_dir;
  int points_per_task = 0;  // 0: as few as keep the job array within 1000 tasks
  int array_limit = 100;
};

// Registers the `sweep` subcommand and its options on `app`; `default_jobs` is --jobs' default.
CLI::App* add_sweep_command(CLI::App& app, SweepOptions& options, int default_jobs);

// Runs the sweep command. Throws UsageError or ScenarioError (exit status 2) on bad input,
// before writing anything; returns the exit status otherwise.
int sweep_command(const SweepOptions& options);

}  // namespace statesim::cli
