#include "model/lb/policies.hpp"

namespace statesim::lb {

std::optional<int> LeastConnectionsPolicy::pick(const RouteRequest& /*request*/, const Pool& servers,
                                                std::uint64_t /*pool_version*/, RandomStream& /*rng*/) {
  if (servers.size() == 0) return std::nullopt;
  // The first of the least loaded in rotation order: tied servers take turns.
  const std::optional<int> best = servers.least_loaded(rotation_.first(servers.size()));
  if (best) rotation_.moved_to(*best);
  return best;
}

}  // namespace statesim::lb
