// Helpers shared by the tests of the model's parts that a recorder stands behind.
#pragma once

#include "scenario/config.hpp"

namespace statesim::test {

// A scenario of `duration_s` in buckets of `interval_s`, the rest left to the defaults.
inline Scenario scenario_of(double duration_s, double interval_s) {
  Scenario scenario;
  scenario.duration_s = duration_s;
  scenario.report_interval_s = interval_s;
  return scenario;
}

}  // namespace statesim::test
