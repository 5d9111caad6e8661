// Why a design's users had to give up sessions that still existed (sessions_abandoned): said in
// the report after the run, so that the count is explained by the design that caused it.
#pragma once

#include <string>

#include "scenario/config.hpp"

namespace statesim {

// One line for the report ("19,607 sessions abandoned: ..."), or "" when nothing was abandoned
// (`abandoned` is the design's mean over its replications).
std::string abandonment_note(const Design& design, double abandoned);

}  // namespace statesim
