// What every policy shares: which servers may take a request, and a rotating cursor that
// walks them in index order.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "model/lb/policy.hpp"

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
// consecutive picks walk the servers in index order and skip those a filter rejects.
class Rotation {
 public:
  // The first server after the last pick (wrapping around) that passes `accept`.
  template <typename Accept>
  std::optional<int> next(const std::vector<ServerView>& servers, Accept accept) {
    const int count = static_cast<int>(servers.size());
    for (int step = 1; step <= count; ++step) {
      const int index = wrap(last_ + step, count);
      if (accept(servers[static_cast<std::size_t>(index)])) {
        last_ = index;
        return index;
      }
    }
    return std::nullopt;
  }

  // Where the next rotation starts: the server after the last pick (wrapping around).
  int first(std::size_t count) const { return wrap(last_ + 1, static_cast<int>(count)); }

  void moved_to(int index) { last_ = index; }

 private:
  static int wrap(int value, int count) { return ((value % count) + count) % count; }
  int last_ = -1;
};

// Indices of the eligible servers, in increasing order.
inline std::vector<int> eligible_indices(const std::vector<ServerView>& servers) {
  std::vector<int> indices;
  for (std::size_t i = 0; i < servers.size(); ++i)
    if (is_eligible(servers[i])) indices.push_back(static_cast<int>(i));
  return indices;
}

// hash64 of a pair, for ring points (server, replica) and ip_hash retries (ip, attempt).
inline std::uint64_t hash_pair(std::uint64_t first, std::uint64_t second) {
  return hash64(hash64(first) ^ second);
}

}  // namespace statesim::lb
