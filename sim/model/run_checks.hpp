// What must hold at the end of every run (the output contract's invariants): a violation is a
// bug in statesim, never a property of the scenario.
#pragma once

#include <string>
#include <vector>

#include "model/metrics.hpp"

namespace statesim {

// Sessions and requests add up, failure causes add up to `failed`, events lose no more
// sessions than the summary, Little's law holds; with part 2, message deliveries and matches
// add up, uploads started = completed + failed + in progress and no more bytes wasted than sent,
// effects requested = applied + failed + in flight (each action once); no more final failures
// than failed attempts. One line per violation, empty when none.
std::vector<std::string> invariant_violations(const RunResult& run);

}  // namespace statesim
