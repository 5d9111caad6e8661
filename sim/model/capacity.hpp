// What a design offers its servers and its store, before anything runs, and what saturated
// after the run. A resource whose offered load reaches its capacity has a queue that grows
// without bound, which makes every latency figure depend on the run length. Three resources
// saturate: the servers' cores (CPU), their workers (a worker holds a request for its whole
// service: the store operations and the CPU), and the store host's slots (redis serves one
// operation at a time, a database `connections`). The estimate uses the workload's means
// (Little's law over the visits).
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
  double visits_per_s = 0;      // logins (and logouts) per second
  double refreshes_per_s = 0;   // jwt access tokens renewed (with refresh tokens)
  double all_requests_per_s = 0;     // pages, logins, logouts and refreshes
  double worker_hold_s = 0;          // mean time a request holds a worker (store operations + CPU)
  double store_part_s = 0;           // of which store operations (with their network round trips)
  double worker_capacity_per_s = 0;  // requests per second the workers at t = 0 can serve
  bool has_store = false;            // the design has a store host
  std::string store_name;            // "redis", "database", ...
  int store_slots = 0;               // operations the store host serves at once
  double store_operation_s = 0;      // mean time of one operation
  double store_ops_per_s = 0;        // operations offered per second
  double store_capacity_per_s = 0;   // operations per second the store can serve
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

// One warning per design and resource whose offered load reaches its capacity (CPU, workers,
// store, the uploads' links), or whose whole closed population logs in at t = 0.
std::vector<std::string> capacity_warnings(const Scenario& scenario);

// A resource this busy over a run is called saturated in the report.
inline constexpr double kSaturatedUtilization = 0.9;

// What a run's utilisations say (means over the design's replications; NaN where undefined).
struct Utilization {
  double cpu = 0;
  double workers = 0;
  double queue_wait_ms = 0;
  double store = 0;
  double store_wait_ms = 0;
};

// One line per saturated resource of `design`: "database connections 100% busy: requests wait
// 1.9 s for one".
std::vector<std::string> saturation_notes(const Design& design, const Utilization& used);

}  // namespace statesim
