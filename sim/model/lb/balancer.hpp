// The load balancer: its view of the pool (membership, health, draining, requests in flight)
// and its policy. The server pool tells it what changes; the request chain asks it to route.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "model/lb/policy.hpp"
#include "model/lb/pool.hpp"

namespace statesim::lb {

class Balancer {
 public:
  Balancer(const LoadBalancerSpec& spec, int servers, std::uint64_t stream_key)
      : policy_(make_policy(spec)), pool_(static_cast<std::size_t>(servers)), rng_(stream_key) {}

  std::optional<int> pick(const RouteRequest& request) {
    return policy_->pick(request, pool_, pool_version_, rng_);
  }

  // What the pool tells the balancer of server `s`.
  void update(int s, bool member, bool healthy, bool draining) {
    ServerView view = pool_[static_cast<std::size_t>(s)];
    if (view.member != member) pool_version_++;  // hash rings rebuild on a membership change
    view.member = member;
    view.healthy = member && healthy;
    view.accepts_new_sessions = view.healthy && !draining;
    pool_.set(s, view);
  }
  void add_in_flight(int s, int delta) { pool_.add_in_flight(s, delta); }

  const ServerView& view(int s) const { return pool_[static_cast<std::size_t>(s)]; }
  // Servers taking new sessions (accepts_new_sessions implies a healthy member: eligible).
  int in_rotation() const { return pool_.eligible_count(); }

 private:
  std::unique_ptr<Policy> policy_;
  Pool pool_;
  std::uint64_t pool_version_ = 0;
  RandomStream rng_;
};

}  // namespace statesim::lb
