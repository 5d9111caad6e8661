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

// What a design's uploads offer (zero without an uploads section): means, from the arrival
// rate, the size and the chunk (chunks per upload at most size / chunk + 1).
struct UploadLoad {
  double uploads_per_s = 0;
  double chunks_per_s = 0;        // chunks sent (to servers, or to the object store if presigned)
  double requests_per_s = 0;      // requests to the app servers (chunks, or URL requests)
  double bytes_per_s = 0;         // upload bytes offered
  double in_progress = 0;         // uploads at once, each alone on its link (Little's law)
  double link_capacity_Bps = 0;   // what the bytes cross: the servers' links or the object store's
};
UploadLoad upload_load(const Design& design);

// A closed population at least this large logging in at one instant is flagged.
inline constexpr std::int64_t kSimultaneousLoginsWarning = 10'000;

// One warning per design whose offered CPU load reaches its servers' capacity, whose uploads
// offer more bytes than their links carry, or whose whole closed population logs in at t = 0.
std::vector<std::string> capacity_warnings(const Scenario& scenario);

}  // namespace statesim
