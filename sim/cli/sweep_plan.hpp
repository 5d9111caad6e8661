// The plan of a sweep: its points and the folder that holds them. The folder is the whole state
// of a sweep, so that its points can run anywhere that sees the folder (a Slurm job array, GNU
// parallel over ssh, or this process) and be merged into the same sweep.csv:
//
//   DIR/points/manifest.csv     point, one column per varied key, scenario (the point's file)
//   DIR/points/point-NNN.yaml   each point's resolved scenario: what --run-point runs
//   DIR/points/base.yaml        the scenario file itself, resolved
//   DIR/points/sweep.yaml       what was swept: the file, the --vary values, the base
//   DIR/slurm.sbatch, DIR/jobs.txt, DIR/logs/     the launchers (sweep_launchers.hpp)
//   DIR/points/point-NNN.csv and .key             a finished point (sweep_results.hpp)
//   DIR/sweep.csv, DIR/sweep.yaml, DIR/scenario.yaml   the merged result (sweep_merge.hpp)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scenario/config.hpp"

namespace statesim::cli {

// How the points are grouped into the tasks of a job array (sweep_launchers.hpp). Slurm's
// default MaxArraySize is 1001 (task ids 0..1000): the default grouping keeps under it.
inline constexpr int kMaxArrayTasks = 1000;
inline constexpr int kMaxArrayLimit = 100'000;

struct TaskLayout {
  int points_per_task = 1;
  int array_limit = 100;  // tasks running at once (the array's %limit)
};

// The layout for `point_count` points: `points_per_task` when given (> 0), else the fewest per
// task that keep the array within kMaxArrayTasks tasks.
TaskLayout task_layout(int point_count, int points_per_task, int array_limit);

// One point: the scenario file with one value of each varied key set.
struct SweepPoint {
  int number = 0;                   // 1-based, in sweep order (the first --vary outermost)
  std::vector<std::string> values;  // each varied key's value as shown in sweep.csv
  Scenario scenario;
  std::string resolved;  // the point's resolved scenario: its file, and its identity
};

struct SweepPlan {
  std::vector<std::string> keys;  // the varied key paths, in --vary order
  std::vector<SweepPoint> points;
  Scenario base;              // the scenario file with --seed and --replications applied
  std::string base_resolved;  // resolved_yaml(base)
  std::string description;    // sweep.yaml, which records the layout too
  TaskLayout layout;
};

// The files of a plan folder.
class PlanFolder {
 public:
  explicit PlanFolder(std::string dir) : dir_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  std::string points() const { return path("points"); }
  std::string manifest() const { return path("points/manifest.csv"); }
  std::string point_scenario(int number) const { return point_stem(number) + ".yaml"; }
  std::string point_csv(int number) const { return point_stem(number) + ".csv"; }
  std::string point_key(int number) const { return point_stem(number) + ".key"; }
  static std::string point_scenario_name(int number);  // "point-007.yaml", as the manifest names it

 private:
  std::string point_stem(int number) const;
  std::string dir_;
};

// "servers.count=2, sessions.store=memory"
std::string point_label(const std::vector<std::string>& keys, const SweepPoint& point);

// Writes the plan's files (not the launchers): the manifest, base.yaml, sweep.yaml and each
// point's scenario. A file that already holds the same text is left as it is, so that writing
// the same plan again changes nothing.
void write_plan_files(const PlanFolder& folder, const SweepPlan& plan);

// The manifest: the varied keys and each point's values. Throws UsageError naming the file and
// line when it is not a manifest that write_plan_files writes.
struct Manifest {
  std::vector<std::string> keys;
  std::vector<std::vector<std::string>> values;  // [point number - 1][key]
};
Manifest read_manifest(const PlanFolder& folder);

// Point `number` of the manifest with its scenario, loaded and checked: the file must be the
// resolved scenario it loads to, so an edited file (or, when the resolved scenario records the
// platform file's contents, a changed platform) is refused. Throws UsageError or ScenarioError.
SweepPoint read_point(const PlanFolder& folder, const Manifest& manifest, int number);

// The whole plan, every point loaded (for --merge).
SweepPlan read_plan(const PlanFolder& folder);

// The content of a file of the plan folder; nullopt (errno says why) when it is missing, not a
// regular file, unreadable or larger than a scenario file may be.
std::optional<std::string> read_plan_file(const std::string& path);

}  // namespace statesim::cli
