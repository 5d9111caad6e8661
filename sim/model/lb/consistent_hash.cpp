#include <algorithm>

#include "model/lb/policies.hpp"

namespace statesim::lb {

void ConsistentHashPolicy::rebuild(const Pool& servers, std::uint64_t pool_version) {
  ring_.clear();
  for (std::size_t i = 0; i < servers.size(); ++i) {
    if (!servers[i].member) continue;
    // A server's points depend only on its own index, so membership changes move only the
    // keys of the arcs that server owns or gains.
    for (int replica = 0; replica < virtual_nodes_; ++replica)
      ring_.emplace_back(hash_pair(i, static_cast<std::uint64_t>(replica)), static_cast<int>(i));
  }
  std::sort(ring_.begin(), ring_.end());
  ring_version_ = pool_version;
}

std::optional<int> ConsistentHashPolicy::pick(const RouteRequest& request, const Pool& servers,
                                              std::uint64_t pool_version, RandomStream& /*rng*/) {
  if (!ring_version_ || *ring_version_ != pool_version) rebuild(servers, pool_version);
  if (ring_.empty()) return std::nullopt;

  const std::uint64_t key = hash64(request.client_ip);
  auto start = std::lower_bound(ring_.begin(), ring_.end(), std::make_pair(key, 0));
  std::size_t position = static_cast<std::size_t>(start - ring_.begin());
  for (std::size_t step = 0; step < ring_.size(); ++step, ++position) {
    const int server = ring_[position % ring_.size()].second;
    if (static_cast<std::size_t>(server) < servers.size() &&
        is_usable(servers[static_cast<std::size_t>(server)], request))
      return server;
  }
  return std::nullopt;
}

}  // namespace statesim::lb
