// What a run will cost before it starts: the memory of one simulation process and of the
// parent that holds every result until the report, and the work (CPU seconds) of all runs.
// The figures are estimates from the scenario's rates and sizes, calibrated on measured
// runs (see the constants in run_estimate.cpp); they decide whether a run is refused (it
// cannot fit in this machine's memory), how many simulations run at once, and whether the
// user is warned that it will take hours.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scenario/config.hpp"

namespace statesim {

// Flops per second of a server of speed 1 in the built-in platform.
inline constexpr double kFlopsPerSpeedUnit = 1e9;

// What a design's platform means for the estimates (measured or computed before the run).
struct PlatformCost {
  double memory_bytes = 0;          // what SimGrid needs to hold the platform
  double min_request_time_s = 0;    // lowest time a request and its answer spend on the network
  double fastest_server_flops = 0;  // the fastest app server's speed
};

// The built-in platform of a pool of `servers`: a star (engine/platform.cpp), whose memory
// grows with its hosts; and its lowest network time for a request.
double builtin_platform_bytes(int servers);
PlatformCost builtin_platform_cost(const Design& design);

// Mean simulated time between two requests of a logged-in user thinking `think_mean_s`:
// think time, network, CPU. 0 means a user can send request after request without simulated
// time passing.
double request_cycle_s(const Design& design, const PlatformCost& platform, double think_mean_s);

// A design that would loop without simulated time passing: a logged-in user's request cycle
// is 0 (think time, network time and CPU all 0, from the start or after a traffic event), or,
// for a closed population, a whole visit (relogin_after, session, login and logout) is.
struct ZeroTimeLoop {
  enum class Cause { think_time, traffic_think_time, relogin_after };
  Cause cause = Cause::think_time;
  std::size_t event = 0;  // traffic_think_time: the index in Design::events
  std::string message;
};
std::optional<ZeroTimeLoop> zero_time_loop(const Design& design, const PlatformCost& platform);

struct RunEstimate {
  double process_bytes = 0;      // peak memory of the largest simulation process
  std::string process_detail;    // what makes it up: "10,000,000 users (2.0 GB), ..."
  double parent_bytes = 0;       // the parent: every run's results until the report
  std::string parent_detail;
  double work_s = 0;             // CPU seconds of all the runs, one after the other
  std::string work_detail;       // the busiest design's events per simulated second
  std::size_t runs = 0;          // designs x replications
};

// `platforms` has one entry per design.
RunEstimate estimate_run(const Scenario& scenario, const std::vector<PlatformCost>& platforms);

// What to do with a run on a machine with `memory_bytes` and `cores`, asked to run `jobs`
// simulations at once.
struct RunPlan {
  int jobs = 1;                       // what fits in memory (at most the jobs asked for)
  std::vector<std::string> warnings;  // fewer jobs than asked, or a run of hours
  std::string refusal;                // empty, or why the run cannot be done here
};
RunPlan plan_run(const RunEstimate& estimate, int jobs, double memory_bytes, int cores);

// Above this estimated wall-clock time a run is refused, above kWarnAbove_s it is flagged.
inline constexpr double kRefuseAbove_s = 7 * 24 * 3600.0;
inline constexpr double kWarnAbove_s = 3600.0;

// "1.5 GB", "320 MB", "12 kB" (powers of 1000).
std::string format_bytes(double bytes);
// "about 3 hours", "about 12 days".
std::string format_wall_time(double seconds);

}  // namespace statesim
