#include "model/lb/policies.hpp"

namespace statesim::lb {

std::optional<int> PowerOfTwoPolicy::pick(const RouteRequest& /*request*/, const Pool& servers,
                                          std::uint64_t /*pool_version*/, RandomStream& rng) {
  const int eligible = servers.eligible_count();
  if (eligible == 0) return std::nullopt;
  if (eligible == 1) return servers.eligible_at(0);
  // Two distinct ranks among the eligible servers: the second is drawn among the others.
  const auto count = static_cast<std::uint64_t>(eligible);
  const std::uint64_t first = rng.below(count);
  std::uint64_t second = rng.below(count - 1);
  if (second >= first) ++second;
  const int first_server = servers.eligible_at(static_cast<int>(first));
  const int second_server = servers.eligible_at(static_cast<int>(second));
  const bool second_is_lighter = servers[static_cast<std::size_t>(second_server)].in_flight <
                                 servers[static_cast<std::size_t>(first_server)].in_flight;
  return second_is_lighter ? second_server : first_server;
}

}  // namespace statesim::lb
