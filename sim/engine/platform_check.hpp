// The platform files of a scenario, loaded by SimGrid before anything runs. Each distinct file
// (and pool size) is loaded in a child process of its own (SimGrid allows one engine per
// process, and aborts on many bad platforms: in a child, an abort becomes a message), which
// checks every host the scenario needs (speed above 0 and finite, at least one core), every
// link (bandwidth above 0, latency 0 or more, both finite) and every route the requests take
// (client<->lb, client<->app-N, lb<->app-N, and app-N<->store when the store is used), and
// measures what loading it costs in memory.
#pragma once

#include <vector>

#include "model/run_estimate.hpp"
#include "scenario/config.hpp"

namespace statesim::engine {

// One entry per design, in order: for a platform file, the memory SimGrid took to load it and
// its routes' lowest network time, as measured in the child. Throws ScenarioError naming the
// platform file, a line of it, and the host, link or route at fault; or, before loading it,
// when its size estimate is above `memory_limit_bytes`.
std::vector<PlatformCost> check_platforms(const Scenario& scenario, double memory_limit_bytes);

}  // namespace statesim::engine
