// A point's results: its rows of sweep.csv, run here or read back from DIR/points/point-NNN.csv.
// A point's files are written whole (temporary name, then rename): point-NNN.csv, then
// point-NNN.key, a copy of the scenario it ran. A point is finished when its .key is the
// point's scenario and its CSV holds exactly the rows of that scenario, so a point run by an
// earlier plan, cut short, or edited runs again, and a finished point never does.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/sweep_plan.hpp"
#include "engine/runner.hpp"
#include "model/metrics.hpp"

namespace statesim::cli {

// A point's results: its lines of sweep.csv and of sweep_means.csv as CSV text, and its `mean`
// rows (in the point file's columns, sweep_header) as fields for the closing table.
struct PointResult {
  std::string file_rows;                            // the point file's lines (sweep_header)
  std::string rows;                                 // sweep.csv: one line per design and replication
  std::string means;                                // sweep_means.csv: one line per design
  std::vector<std::vector<std::string>> mean_rows;  // one per design
};

// The columns of a point file (points/point-NNN.csv): point, the varied keys, design,
// replication, the summary fields, then a _ci95_low and _ci95_high column for each; its
// `mean` rows carry the means and intervals. The fields are those of the point's FieldGroups
// (part 1's, and those of the part-2 sections its designs have): every point of a sweep has the
// same sections, since a --vary sets the same keys in each, so they are those of any point.
std::vector<std::string> sweep_header(const std::vector<std::string>& keys, const SweepPoint& point);

// sweep.csv: point, the varied keys, design, replication, the summary fields.
std::vector<std::string> replications_header(const std::vector<std::string>& keys, const SweepPoint& point);
// sweep_means.csv: point, the varied keys, design, replications, each field's mean, then its
// _ci95_low and _ci95_high.
std::vector<std::string> means_header(const std::vector<std::string>& keys, const SweepPoint& point);

// One row per design and replication (interval columns empty), then one `mean` row per design.
PointResult point_result(const SweepPoint& point, const std::vector<RunResult>& runs);

// The results of a finished point, or nullopt when it must run; `why` (when given) then says why.
std::optional<PointResult> finished_point(const PlanFolder& folder, const std::vector<std::string>& keys,
                                          const SweepPoint& point, std::string* why = nullptr);

// Runs every design and replication of the point (`jobs` processes at a time), then writes its
// CSV and .key. Throws what the runs throw (engine::RunFailure, engine::Interrupted) before
// writing anything.
PointResult run_point(const PlanFolder& folder, const std::vector<std::string>& keys, const SweepPoint& point,
                      int jobs, const engine::ProgressCallback& progress);

}  // namespace statesim::cli
