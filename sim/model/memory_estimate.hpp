// How much memory a scenario's runs take, estimated before they start from what grows with the
// scenario: the users (held as data), the latency samples of every successful request, the
// platform's routing table, the hash ring, the time-series buckets, and the results the parent
// process keeps. A batch scheduler is asked for this much memory per task; limits can refuse a
// scenario whose estimate cannot fit. The figures are upper estimates built on measurements
// (see the constants in memory_estimate.cpp), not exact counts.
#pragma once

#include "scenario/config.hpp"

namespace statesim {

struct MemoryEstimate {
  double process_bytes = 0;      // one statesim process before any run: the binary, SimGrid, the scenario
  double largest_run_bytes = 0;  // what one simulation process adds at its peak (the largest design)
  double results_bytes = 0;      // what the parent holds at the end: every design and replication's results

  // The parent and `jobs` simulation processes at once. Each simulation process is forked from
  // the parent and shares its pages, but a scheduler that sums resident memory counts them in
  // every child too, so this counts them once per process.
  double peak_bytes(int jobs) const;
};

MemoryEstimate estimate_memory(const Scenario& scenario);

// What one simulation process of `design` allocates beyond the process itself.
double estimate_run_bytes(const Scenario& scenario, const Design& design);

// Successful requests a run of `design` answers after warmup at most: the offered rate (users
// logged in, each sending a request per think time and round trip) capped by the servers' CPU
// capacity, over duration - warmup. Traffic events count at their largest.
double estimate_answered_requests(const Scenario& scenario, const Design& design);

}  // namespace statesim
