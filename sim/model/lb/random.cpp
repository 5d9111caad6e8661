#include "model/lb/policies.hpp"

namespace statesim::lb {

std::optional<int> RandomPolicy::pick(const RouteRequest& /*request*/, const Pool& servers,
                                      std::uint64_t /*pool_version*/, RandomStream& rng) {
  const int eligible = servers.eligible_count();
  if (eligible == 0) return std::nullopt;
  return servers.eligible_at(static_cast<int>(rng.below(static_cast<std::uint64_t>(eligible))));
}

}  // namespace statesim::lb
