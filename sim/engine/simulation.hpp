// Runs one design of a scenario for one replication on SimGrid and returns its metrics.
// SimGrid allows one engine per process: call this once per process (see runner.hpp).
#pragma once

#include "model/metrics.hpp"
#include "scenario/config.hpp"

namespace statesim::engine {

RunResult simulate(const Scenario& scenario, const Design& design, int replication);

}  // namespace statesim::engine
