#include "model/scale_in_pick.hpp"

#include <algorithm>

namespace statesim {

std::vector<int> pick_scale_in(std::vector<ScaleInCandidate> candidates, std::size_t count, ScaleInPick pick) {
  const auto newer = [](const ScaleInCandidate& a, const ScaleInCandidate& b) {
    return a.started_at_s != b.started_at_s ? a.started_at_s > b.started_at_s : a.server > b.server;
  };
  std::sort(candidates.begin(), candidates.end(), [&](const ScaleInCandidate& a, const ScaleInCandidate& b) {
    switch (pick) {
      case ScaleInPick::newest: return newer(a, b);
      case ScaleInPick::fewest_sessions: return a.sessions != b.sessions ? a.sessions < b.sessions : newer(a, b);
    }
    return false;
  });
  candidates.resize(std::min(count, candidates.size()));
  std::vector<int> picked;
  picked.reserve(candidates.size());
  for (const ScaleInCandidate& candidate : candidates) picked.push_back(candidate.server);
  return picked;
}

}  // namespace statesim
