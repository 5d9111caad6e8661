// Load-balancer policies: given what the balancer knows of each server, pick one.
// Plain decisions with no SimGrid; the engine feeds them its view and acts on the answer.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "model/random.hpp"
#include "scenario/config.hpp"

namespace statesim::lb {

// The balancer's view of one host of the pool (index = server index, app-<index+1>).
struct ServerView {
  bool member = false;                // part of the configured pool (started by scaling/deploy, not removed)
  bool healthy = false;               // passed health checks: the balancer believes it is up
  bool accepts_new_sessions = false;  // healthy and not draining
  int in_flight = 0;                  // requests sent to it and not yet answered
};

struct RouteRequest {
  std::uint64_t client_ip = 0;
  std::optional<int> cookie_server;  // sticky_cookie: the server that created the session
  bool new_session = false;          // a login: never sent to a draining server
};

class Pool;  // the views, indexed (model/lb/pool.hpp)

class Policy {
 public:
  virtual ~Policy() = default;
  // The chosen server index, or nothing when no server can take the request.
  // `pool_version` changes whenever `member` changes for any server (hash rings rebuild then).
  virtual std::optional<int> pick(const RouteRequest& request, const Pool& servers,
                                  std::uint64_t pool_version, RandomStream& rng) = 0;
};

std::unique_ptr<Policy> make_policy(const LoadBalancerSpec& spec);

// Stable 64-bit hash used by ip_hash and consistent_hash (exposed for tests).
std::uint64_t hash64(std::uint64_t x);

}  // namespace statesim::lb
