// A rolling deploy: the servers of the pool are drained, stopped and restarted `batch` at a
// time; the next batch starts when the whole batch is back in rotation (checked after each
// round of health probes).
#pragma once

#include <deque>
#include <vector>

#include "engine/server_pool.hpp"
#include "engine/world.hpp"

namespace statesim::engine {

class RollingDeploy {
 public:
  RollingDeploy(World& world, ServerPool& pool, const lb::Balancer& balancer)
      : world_(world), pool_(pool), balancer_(balancer) {}

  void begin(const DeployEvent& deploy);
  void after_probe_round();

 private:
  void next_batch();

  World& world_;
  ServerPool& pool_;
  const lb::Balancer& balancer_;
  DeployEvent deploy_;
  std::deque<int> pending_;  // servers the deploy has still to restart
  std::vector<int> batch_;   // the batch being restarted
};

}  // namespace statesim::engine
