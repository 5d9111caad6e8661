// What one run (one design, one replication) reports: the fields of the output contract.
// The engine fills these; report/ only formats them. Every counter covers the whole run
// (warmup included); latency statistics cover successful requests sent at or after warmup.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace statesim {

// Why a request failed (each failed request has exactly one cause).
enum class FailureCause { reset, server_down, overload, store_down, timeout, no_server };
inline constexpr int kFailureCauses = 6;

struct Summary {
  std::string design;
  int replication = 0;
  std::uint64_t seed = 0;                // the seed this replication's streams derive from
  std::int64_t sessions_started = 0;     // logins that succeeded, re-logins included
  std::int64_t sessions_ended = 0;       // ended by logout, ttl/token expiry, abandonment or the user leaving
  std::int64_t sessions_lost = 0;        // state destroyed while the user was still logged in
  std::int64_t sessions_active = 0;      // sessions alive when the run ended
  std::int64_t forced_logouts = 0;       // 401 answers to a logged-in user
  std::int64_t users_affected = 0;       // distinct users with >= 1 forced logout or failed request
  std::int64_t requests = 0;             // requests sent: logins, logouts and retries included
  std::int64_t ok = 0;                   // answered successfully
  std::int64_t failed = 0;               // failed, by the causes below
  std::int64_t forced = 0;               // answered 401
  std::int64_t in_flight = 0;            // sent but neither answered nor failed at the end
  std::int64_t failed_by_cause[kFailureCauses] = {0, 0, 0, 0, 0, 0};
  double latency_mean_ms = 0;            // successful requests sent after warmup, client-measured;
  double latency_p50_ms = 0;             //   NaN when there is none
  double latency_p95_ms = 0;
  double latency_p99_ms = 0;
  double latency_max_ms = 0;
  double throughput_rps = 0;             // ok / (duration - warmup)
  double cpu_utilization = 0;            // busy core-seconds / core-seconds of servers in service
  std::int64_t store_ops = 0;            // operations served by the session store
  std::int64_t revoked_accepted = 0;     // requests accepted with a revoked session or token
  double littles_law_error = 0;          // |L - X*W| / max(L, tiny), counted exactly over the run
};

// One report_interval bucket of the time series; counts are of things that happened in it.
struct Bucket {
  double time_s = 0;                     // start of the bucket
  std::int64_t active_sessions = 0;      // at the end of the bucket
  std::int64_t logins = 0;               // successful logins
  std::int64_t forced_logouts = 0;
  std::int64_t sessions_lost = 0;
  std::int64_t requests = 0;             // requests sent
  std::int64_t ok = 0;                   // requests answered successfully (by completion time)
  std::int64_t failed = 0;
  double latency_p50_ms = 0;             // of ok requests completed in the bucket; NaN if none
  double latency_p99_ms = 0;
  int servers_up = 0;                    // hosts powered on at the end of the bucket
  int servers_in_rotation = 0;           // servers the balancer sends new sessions to, at the end
  double cpu_utilization = 0;            // busy fraction of the cores of servers up, over the bucket
};

// EventRow::forced_logouts_after and failed_after count this long after the event.
inline constexpr double kEventWindow_s = 60;

// One applied event, scheduled or decided by the autoscaler.
struct EventRow {
  double time_s = 0;
  std::string event;                     // crash, restart, deploy, scale_out, scale_in, ...
  std::string target;                    // app-2, store, all, ...
  std::int64_t sessions_lost = 0;        // sessions this event destroyed
  std::string detail;                    // free text: why, how many servers, ...
  // Consequences in the window [time_s, time_s + window): filled for the report.
  std::int64_t forced_logouts_after = 0;
  std::int64_t failed_after = 0;
};

struct RunResult {
  Summary summary;
  std::vector<Bucket> buckets;
  std::vector<EventRow> events;
  std::vector<std::string> warnings;
};

const char* failure_cause_name(FailureCause cause);  // "reset", "server_down", ...

}  // namespace statesim
