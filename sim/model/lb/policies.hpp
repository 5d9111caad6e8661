// The balancer policies of the scenario format (load_balancer.policy), one class each.
// make_policy() builds them from the spec; tests may also build them directly.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "model/lb/policy.hpp"
#include "model/lb/pool.hpp"
#include "model/lb/selection.hpp"

namespace statesim::lb {

// Eligible servers in turn, in index order.
class RoundRobinPolicy : public Policy {
 public:
  std::optional<int> pick(const RouteRequest& request, const Pool& servers, std::uint64_t pool_version,
                          RandomStream& rng) override;

 private:
  Rotation rotation_;
};

// A uniformly random eligible server (one draw from rng).
class RandomPolicy : public Policy {
 public:
  std::optional<int> pick(const RouteRequest& request, const Pool& servers, std::uint64_t pool_version,
                          RandomStream& rng) override;
};

// The eligible server with the fewest requests in flight; ties go to the first one in
// round-robin order after the previous pick, so tied servers take turns.
class LeastConnectionsPolicy : public Policy {
 public:
  std::optional<int> pick(const RouteRequest& request, const Pool& servers, std::uint64_t pool_version,
                          RandomStream& rng) override;

 private:
  Rotation rotation_;
};

// Two distinct random eligible servers, the one with fewer in flight (the first drawn on a
// tie). Two draws from rng when there are at least two eligible servers, none otherwise.
class PowerOfTwoPolicy : public Policy {
 public:
  std::optional<int> pick(const RouteRequest& request, const Pool& servers, std::uint64_t pool_version,
                          RandomStream& rng) override;
};

// nginx-style ip_hash: hash(ip) mod (number of members). A server that cannot take the
// request is skipped by rehashing (ip, attempt) up to kRehashAttempts times, so only its
// clients move; then round robin over the eligible servers.
class IpHashPolicy : public Policy {
 public:
  static constexpr int kRehashAttempts = 20;
  std::optional<int> pick(const RouteRequest& request, const Pool& servers, std::uint64_t pool_version,
                          RandomStream& rng) override;

 private:
  Rotation fallback_;
};

// A hash ring with `virtual_nodes` points per member; a key goes to the first point
// clockwise from hash64(ip) whose server can take the request. The ring is rebuilt only
// when pool_version changes.
class ConsistentHashPolicy : public Policy {
 public:
  explicit ConsistentHashPolicy(int virtual_nodes) : virtual_nodes_(virtual_nodes < 1 ? 1 : virtual_nodes) {}
  std::optional<int> pick(const RouteRequest& request, const Pool& servers, std::uint64_t pool_version,
                          RandomStream& rng) override;

 private:
  void rebuild(const Pool& servers, std::uint64_t pool_version);

  int virtual_nodes_;
  std::optional<std::uint64_t> ring_version_;
  std::vector<std::pair<std::uint64_t, int>> ring_;  // (point, server index), sorted
};

// The server named by the session cookie while it is a healthy member (also when draining,
// except for a login); otherwise round robin, and the caller issues a new cookie.
class StickyCookiePolicy : public Policy {
 public:
  std::optional<int> pick(const RouteRequest& request, const Pool& servers, std::uint64_t pool_version,
                          RandomStream& rng) override;

 private:
  Rotation rotation_;
};

}  // namespace statesim::lb
