#include "model/lb/policies.hpp"

namespace statesim::lb {

std::optional<int> LeastConnectionsPolicy::pick(const RouteRequest& /*request*/,
                                                const std::vector<ServerView>& servers,
                                                std::uint64_t /*pool_version*/, RandomStream& /*rng*/) {
  const int count = static_cast<int>(servers.size());
  if (count == 0) return std::nullopt;
  std::optional<int> best;
  int fewest = 0;
  // Visiting in rotation order and keeping only strict improvements breaks ties in turn.
  for (int step = 0, index = rotation_.first(servers.size()); step < count;
       ++step, index = index + 1 < count ? index + 1 : 0) {
    const ServerView& server = servers[static_cast<std::size_t>(index)];
    if (!is_eligible(server) || (best && server.in_flight >= fewest)) continue;
    best = index;
    fewest = server.in_flight;
  }
  if (best) rotation_.moved_to(*best);
  return best;
}

}  // namespace statesim::lb
