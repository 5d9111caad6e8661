// When a realtime client tries to connect again after a drop or a failed attempt: attempt k
// (from 0, counting the failed attempts since the drop) waits b = min(max_backoff,
// backoff x 2^k), randomised by the jitter: none -> b, full -> uniform(0, b), equal -> b/2 +
// uniform(0, b/2). Full jitter spreads a crowd of clients over the whole window, equal jitter
// over its second half, none sends them all back at the same instant (a reconnect storm).
#pragma once

#include "model/random.hpp"
#include "scenario/config.hpp"

namespace statesim {

// b for attempt `attempt` (>= 0), before jitter.
double reconnect_backoff_cap_s(const ReconnectSpec& reconnect, int attempt);

// The wait before attempt `attempt`, drawn from `rng` (no draw with jitter: none).
double reconnect_wait_s(const ReconnectSpec& reconnect, int attempt, RandomStream& rng);

}  // namespace statesim
