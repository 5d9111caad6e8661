// What a design offers its servers, before anything runs: a design whose servers cannot keep
// up has queues that grow without bound, which makes every latency figure depend on the run
// length. The estimate uses the workload's means (Little's law over the visits).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scenario/config.hpp"

namespace statesim {

struct OfferedLoad {
  double logged_in_users = 0;   // mean users in a visit, at steady state
  double requests_per_s = 0;    // page requests offered per second
  double cpu_s_per_s = 0;       // CPU seconds offered per second (speed-1 server seconds), part 2's included
  double cpu_capacity = 0;      // CPU seconds the servers at t = 0 can serve per second
};

OfferedLoad offered_load(const Design& design);

// A closed population at least this large logging in at one instant is flagged.
inline constexpr std::int64_t kSimultaneousLoginsWarning = 10'000;

// One warning per design whose offered CPU load reaches its servers' capacity, or whose whole
// closed population logs in at t = 0.
std::vector<std::string> capacity_warnings(const Scenario& scenario);

}  // namespace statesim
