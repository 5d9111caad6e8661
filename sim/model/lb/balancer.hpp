// The load balancer: its view of the pool (membership, health, draining, requests in flight)
// and its policy. The server pool tells it what changes; the request chain asks it to route.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "model/lb/policy.hpp"

namespace statesim::lb {

class Balancer {
 public:
  Balancer(const LoadBalancerSpec& spec, int servers, std::uint64_t stream_key)
      : policy_(make_policy(spec)), views_(static_cast<std::size_t>(servers)), rng_(stream_key) {}

  std::optional<int> pick(const RouteRequest& request) { return policy_->pick(request, views_, pool_version_, rng_); }

  // What the pool tells the balancer of server `s`.
  void update(int s, bool member, bool healthy, bool draining) {
    ServerView& view = views_[static_cast<std::size_t>(s)];
    if (view.member != member) pool_version_++;  // hash rings rebuild on a membership change
    view.member = member;
    view.healthy = member && healthy;
    view.accepts_new_sessions = view.healthy && !draining;
  }
  void add_in_flight(int s, int delta) { views_[static_cast<std::size_t>(s)].in_flight += delta; }

  const ServerView& view(int s) const { return views_[static_cast<std::size_t>(s)]; }
  int in_rotation() const {
    int count = 0;
    for (const ServerView& view : views_) count += view.accepts_new_sessions ? 1 : 0;
    return count;
  }

 private:
  std::unique_ptr<Policy> policy_;
  std::vector<ServerView> views_;
  std::uint64_t pool_version_ = 0;
  RandomStream rng_;
};

}  // namespace statesim::lb
