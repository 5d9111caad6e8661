// What is checked after a scenario has loaded and before anything runs (by `run`, `check`
// and every sweep point): the platform files, loaded by SimGrid in a child process; a loop
// that would take no simulated time on a platform file; and the memory and time the run will
// take on this machine, refused when it cannot fit, flagged when it will take hours.
#pragma once

#include <ostream>

#include "scenario/config.hpp"

namespace statesim::cli {

// Prints the loader's and the estimate's warnings to `err` and returns how many simulations
// may run at once (at most `jobs`). Throws ScenarioError when the run cannot be done.
int preflight(const Scenario& scenario, int jobs, std::ostream& err);

// The memory one process running the scenario's designs one at a time needs at its peak: the
// parent's results and the largest simulation (what a batch scheduler is asked for per task).
double peak_memory_bytes(const Scenario& scenario);

}  // namespace statesim::cli
