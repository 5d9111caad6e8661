#include "model/lb/policies.hpp"

namespace statesim::lb {

std::optional<int> RandomPolicy::pick(const RouteRequest& /*request*/, const std::vector<ServerView>& servers,
                                      std::uint64_t /*pool_version*/, RandomStream& rng) {
  const std::vector<int> eligible = eligible_indices(servers);
  if (eligible.empty()) return std::nullopt;
  return eligible[rng.below(eligible.size())];
}

}  // namespace statesim::lb
