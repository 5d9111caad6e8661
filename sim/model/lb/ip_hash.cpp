#include "model/lb/policies.hpp"

namespace statesim::lb {

std::optional<int> IpHashPolicy::pick(const RouteRequest& request, const Pool& servers,
                                      std::uint64_t /*pool_version*/, RandomStream& /*rng*/) {
  const int members = servers.member_count();
  if (members == 0) return std::nullopt;

  const auto member_for = [&](std::uint64_t hash) {
    return servers.member_at(static_cast<int>(hash % static_cast<std::uint64_t>(members)));
  };
  int candidate = member_for(hash64(request.client_ip));
  if (is_usable(servers[static_cast<std::size_t>(candidate)], request)) return candidate;
  // The same ip always retries the same sequence, so a down server's clients spread over
  // the others while every other client keeps its server.
  for (int attempt = 1; attempt <= kRehashAttempts; ++attempt) {
    candidate = member_for(hash_pair(request.client_ip, static_cast<std::uint64_t>(attempt)));
    if (is_usable(servers[static_cast<std::size_t>(candidate)], request)) return candidate;
  }
  return fallback_.next(servers);
}

}  // namespace statesim::lb
