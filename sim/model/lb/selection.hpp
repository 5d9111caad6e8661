// What every policy shares: which servers may take a request, and a rotating cursor that
// walks them in index order.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "model/lb/policy.hpp"
#include "model/lb/pool.hpp"

namespace statesim::lb {

// May take a new session or a request of a policy that ignores sessions.
inline bool is_eligible(const ServerView& server) {
  return server.member && server.healthy && server.accepts_new_sessions;
}

// May take this request: healthy, and not draining if the request is a login. A draining
// server keeps serving the sessions it already holds.
inline bool is_usable(const ServerView& server, const RouteRequest& request) {
  return server.member && server.healthy && (server.accepts_new_sessions || !request.new_session);
}

// Round-robin position: the index picked last. Each pick starts looking just after it, so
// consecutive picks walk the servers in index order and skip those not eligible.
class Rotation {
 public:
  // The first eligible server after the last pick (wrapping around).
  std::optional<int> next(const Pool& servers) {
    if (servers.size() == 0) return std::nullopt;
    const std::optional<int> picked = servers.next_eligible(first(servers.size()));
    if (picked) last_ = *picked;
    return picked;
  }

  // Where the next rotation starts: the server after the last pick (wrapping around).
  int first(std::size_t count) const { return wrap(last_ + 1, static_cast<int>(count)); }

  void moved_to(int index) { last_ = index; }

 private:
  static int wrap(int value, int count) { return ((value % count) + count) % count; }
  int last_ = -1;
};

// hash64 of a pair, for ring points (server, replica) and ip_hash retries (ip, attempt).
inline std::uint64_t hash_pair(std::uint64_t first, std::uint64_t second) {
  return hash64(hash64(first) ^ second);
}

}  // namespace statesim::lb
