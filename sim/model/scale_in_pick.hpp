// Which servers a scale-in drains (autoscale.scale_in_pick). Plain C++: the engine passes what
// each candidate holds.
#pragma once

#include <cstdint>
#include <vector>

#include "scenario/config.hpp"

namespace statesim {

struct ScaleInCandidate {
  int server = 0;              // 0-based index (app-<server+1>)
  double started_at_s = 0;     // when it last joined the pool
  std::int64_t sessions = 0;   // memory sessions it holds now
};

// The `count` candidates that leave, in the order they were picked: `newest` takes the most
// recently started (ties: the highest number), `fewest_sessions` those holding the fewest
// sessions (ties: as newest).
std::vector<int> pick_scale_in(std::vector<ScaleInCandidate> candidates, std::size_t count, ScaleInPick pick);

}  // namespace statesim
