// Reproducible random numbers independent of the standard library: a counter-based
// splitmix64 stream per random source, and inverse-CDF sampling for every distribution.
// Streams are keyed by (seed, replication, purpose, index) so that every design of a
// replication draws the same values for the same user (common random numbers).
#pragma once

#include <cstdint>
#include <vector>

#include "scenario/config.hpp"

namespace statesim {

// What a stream is used for; part of its key so that sources never share numbers.
enum class StreamPurpose : std::uint64_t {
  arrivals = 1, session_duration, think_time, request_kind, cpu_demand, relogin, ramp_up,
  client_ip, balancer, store_time, revoke, retry, misc, steady_state,
  // part 2, realtime users (per user unless said otherwise) and games (per match)
  realtime_arrivals /* one stream */, connection_duration, realtime_ramp_up, message_times, message_recipient,
  heartbeat_detection, reconnect_jitter, realtime_revoke /* per revoke event */, match_arrivals /* one stream */,
  match_duration,
  // part 2, uploads (per uploader) and effects
  upload_arrivals, upload_size, effect_store_time
};

// A renewal process observed at a random moment (a visit in progress when a run starts in
// steady state): how long the interval in progress has lasted, and how long it has left. The
// interval is drawn from the length-biased law of the distribution (density x f(x) / E[X]: a
// random moment falls in long intervals more often), the moment uniformly within it.
struct StationaryDraw {
  double elapsed_s = 0;
  double remaining_s = 0;
};

std::uint64_t derive_stream_key(std::uint64_t seed, std::uint64_t replication, StreamPurpose purpose,
                                std::uint64_t index);

class RandomStream {
 public:
  explicit RandomStream(std::uint64_t key = 0) : state_(key) {}
  std::uint64_t next_u64();
  double uniform01();                          // in the open interval (0, 1)
  std::uint64_t below(std::uint64_t n);        // uniform integer in [0, n), n >= 1
  double exponential(double mean);
  double normal(double mean, double sd);       // not truncated
  double sample(const Distribution& d);        // a value >= 0 drawn from d
  StationaryDraw stationary(const Distribution& d);
  std::uint64_t poisson(double mean);          // by inversion of the exact CDF
  // Index i with probability weights[i] / sum(weights); weights must not all be 0.
  std::size_t pick_weighted(const std::vector<double>& cumulative_weights);

 private:
  std::uint64_t state_;
};

}  // namespace statesim
