#include "model/lb/policies.hpp"

namespace statesim::lb {

std::optional<int> PowerOfTwoPolicy::pick(const RouteRequest& /*request*/,
                                          const std::vector<ServerView>& servers,
                                          std::uint64_t /*pool_version*/, RandomStream& rng) {
  const std::vector<int> eligible = eligible_indices(servers);
  if (eligible.empty()) return std::nullopt;
  if (eligible.size() == 1) return eligible.front();
  // Two distinct positions: the second is drawn among the others.
  const std::size_t first = rng.below(eligible.size());
  std::size_t second = rng.below(eligible.size() - 1);
  if (second >= first) ++second;
  const int first_server = eligible[first];
  const int second_server = eligible[second];
  const bool second_is_lighter = servers[static_cast<std::size_t>(second_server)].in_flight <
                                 servers[static_cast<std::size_t>(first_server)].in_flight;
  return second_is_lighter ? second_server : first_server;
}

}  // namespace statesim::lb
