#include "model/lb/policies.hpp"

namespace statesim::lb {

std::optional<int> LeastConnectionsPolicy::pick(const RouteRequest& /*request*/,
                                                const std::vector<ServerView>& servers,
                                                std::uint64_t /*pool_version*/, RandomStream& /*rng*/) {
  std::optional<int> best;
  // Visiting in rotation order and keeping only strict improvements breaks ties in turn.
  for (int index : rotation_.order(servers.size())) {
    const ServerView& server = servers[static_cast<std::size_t>(index)];
    if (!is_eligible(server)) continue;
    if (!best || server.in_flight < servers[static_cast<std::size_t>(*best)].in_flight) best = index;
  }
  if (best) rotation_.moved_to(*best);
  return best;
}

}  // namespace statesim::lb
