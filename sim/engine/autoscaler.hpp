// The target-tracking autoscaler: every `interval`, the mean CPU utilisation of the servers in
// service over the interval decides the pool's size (model/autoscale_rule.hpp), not within
// `cooldown` of the previous resize. Every decision is an events.csv row.
#pragma once

#include "engine/server_pool.hpp"
#include "engine/world.hpp"

namespace statesim::engine {

class Autoscaler {
 public:
  Autoscaler(World& world, ServerPool& pool) : world_(world), pool_(pool) {}
  void start();

 private:
  void tick();

  World& world_;
  ServerPool& pool_;
  CpuTotals mark_;  // totals at the previous tick
};

}  // namespace statesim::engine
