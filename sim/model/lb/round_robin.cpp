#include "model/lb/policies.hpp"

namespace statesim::lb {

std::optional<int> RoundRobinPolicy::pick(const RouteRequest& /*request*/, const Pool& servers,
                                          std::uint64_t /*pool_version*/, RandomStream& /*rng*/) {
  return rotation_.next(servers);
}

}  // namespace statesim::lb
