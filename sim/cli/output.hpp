// The --out folder: every file written whole to a temporary name, then renamed into place,
// so an interrupted run never leaves a half-written file.
#pragma once

#include <string>
#include <vector>

#include "model/metrics.hpp"
#include "scenario/config.hpp"

namespace statesim::cli {

// Throws UsageError when `dir` exists and is not a directory, or cannot be created.
void check_output_dir(const std::string& dir);

// summary.csv, summary_ci.csv, comparisons.csv, timeseries.csv, events.csv, scenario.yaml.
void write_outputs(const std::string& dir, const Scenario& scenario, const std::vector<RunResult>& runs);

// Writes `content` to `path` atomically (temporary file in the same folder, then rename).
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace statesim::cli
