// The scenario's `expect:` lines against the report: which summary fields they may name, and
// whether they hold over a set of runs (means over each design's replications).
#pragma once

#include <string>
#include <vector>

#include "model/metrics.hpp"
#include "scenario/config.hpp"
#include "scenario/expectation.hpp"

namespace statesim {

// The summary fields an expectation may name, in report order.
const std::vector<std::string>& expectation_fields();

// The scenario's `expect:` lines, parsed and checked against the designs and the field table;
// a line naming an unknown field throws ScenarioError with the line's file:line:col.
std::vector<Expectation> parse_expectations(const Scenario& scenario);

// One checked `expect:` line.
struct ExpectationResult {
  std::string text;  // as written: "sticky-memory.sessions_lost > 100"
  bool passed = false;
  double actual = 0;  // the value compared (NaN when there was none)
  bool percent = false;  // written as a percentage ("< 60%"): the table shows actual in percent
};

// Each expectation against the mean of its field over the design's replications.
std::vector<ExpectationResult> check_expectations(const Scenario& scenario, const std::vector<RunResult>& runs);

}  // namespace statesim
