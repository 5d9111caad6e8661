#include "model/lb/policies.hpp"

namespace statesim::lb {

std::optional<int> StickyCookiePolicy::pick(const RouteRequest& request, const Pool& servers,
                                            std::uint64_t /*pool_version*/, RandomStream& /*rng*/) {
  if (request.cookie_server) {
    const int server = *request.cookie_server;
    if (server >= 0 && static_cast<std::size_t>(server) < servers.size() &&
        is_usable(servers[static_cast<std::size_t>(server)], request))
      return server;
  }
  return rotation_.next(servers);
}

}  // namespace statesim::lb
