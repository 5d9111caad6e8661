// The points of `statesim sweep FILE --vary ...`: the scenario file with one value of each
// varied key set, every point checked by the scenario loader before anything is written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/sweep_plan.hpp"

namespace statesim::cli {

struct SweepRequest {
  std::string scenario_path;
  std::vector<std::string> vary;  // "KEY=V1,V2,..." as given, first one outermost
  std::optional<std::uint64_t> seed;
  std::optional<int> replications;
  int points_per_task = 0;  // 0: as task_layout chooses
  int array_limit = 100;
};

// The plan: every point, validated. Throws ScenarioError when the file itself is bad (with the
// positions of its lines) and UsageError for a bad --vary option or a point that the loader
// refuses (naming the option or the point's values).
SweepPlan make_plan(const SweepRequest& request);

}  // namespace statesim::cli
