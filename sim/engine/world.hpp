// What every part of a running simulation shares: the scenario and design being run, the
// simulated hardware, the clock, the activity table, the network and the recorder.
#pragma once

#include <cstdint>

#include "engine/activities.hpp"
#include "engine/clock.hpp"
#include "engine/network.hpp"
#include "engine/platform.hpp"
#include "model/capacity.hpp"
#include "model/random.hpp"
#include "model/recorder.hpp"
#include "scenario/config.hpp"

namespace statesim::engine {

inline constexpr double kFlopsPerSecond = 1e9;  // flops of one second of CPU on a speed-1 host

struct World {
  World(const Scenario& scenario_in, const Design& design_in, int replication_in, Platform platform_in)
      : scenario(scenario_in),
        design(design_in),
        replication(replication_in),
        platform(std::move(platform_in)),
        clock(scenario_in.duration_s),
        network(clock, activities, platform, design_in.network.unshared_links,
                2 * offered_load(design_in).requests_per_s),
        recorder(scenario_in, design_in, replication_in) {}
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  double now() const { return Clock::now(); }
  // The key of a random stream of this replication (see model/random.hpp).
  std::uint64_t stream_key(StreamPurpose purpose, std::uint64_t index = 0) const {
    return derive_stream_key(scenario.seed, static_cast<std::uint64_t>(replication), purpose, index);
  }

  const Scenario& scenario;
  const Design& design;
  const int replication;
  Platform platform;
  Clock clock;
  Activities activities;
  Network network;
  Recorder recorder;
};

}  // namespace statesim::engine
