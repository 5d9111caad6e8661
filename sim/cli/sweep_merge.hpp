// `statesim sweep --merge DIR`, and the end of a local sweep: the rows of every point gathered
// into DIR/sweep.csv, written with DIR/sweep.yaml and DIR/scenario.yaml as one set (each file
// written whole beside its target, then the three renamed into place with SIGINT and SIGTERM
// held), so that the folder holds either the previous complete set or the new one. While a
// point is missing nothing is written: the missing points are named with the commands that run
// them.
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "cli/sweep_plan.hpp"
#include "cli/sweep_results.hpp"

namespace statesim::cli {

// Throws UsageError when one of the result files cannot be replaced (a folder in the way).
void check_result_files(const PlanFolder& folder);

// Merges the plan's points; `known` holds the rows of points this process already has (by
// point number), the others are read from their files. Complete: writes the set, prints the
// table to `out`, returns 0. Incomplete: prints the missing points and how to run them to
// `err`, returns 1.
int merge_points(const PlanFolder& folder, const SweepPlan& plan, std::map<int, PointResult> known,
                 std::ostream& out, std::ostream& err);

// "1-4, 7, 9-10"
std::string number_ranges(const std::vector<int>& numbers);

}  // namespace statesim::cli
