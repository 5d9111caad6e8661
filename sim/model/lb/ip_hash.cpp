#include "model/lb/policies.hpp"

namespace statesim::lb {

std::optional<int> IpHashPolicy::pick(const RouteRequest& request, const std::vector<ServerView>& servers,
                                      std::uint64_t /*pool_version*/, RandomStream& /*rng*/) {
  std::vector<int> members;
  for (std::size_t i = 0; i < servers.size(); ++i)
    if (servers[i].member) members.push_back(static_cast<int>(i));
  if (members.empty()) return std::nullopt;

  const auto member_for = [&](std::uint64_t hash) { return members[hash % members.size()]; };
  int candidate = member_for(hash64(request.client_ip));
  if (is_usable(servers[static_cast<std::size_t>(candidate)], request)) return candidate;
  // The same ip always retries the same sequence, so a down server's clients spread over
  // the others while every other client keeps its server.
  for (int attempt = 1; attempt <= kRehashAttempts; ++attempt) {
    candidate = member_for(hash_pair(request.client_ip, static_cast<std::uint64_t>(attempt)));
    if (is_usable(servers[static_cast<std::size_t>(candidate)], request)) return candidate;
  }
  return fallback_.next(servers, is_eligible);
}

}  // namespace statesim::lb
