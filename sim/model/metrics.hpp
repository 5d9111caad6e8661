// What one run (one design, one replication) reports: the fields of the output contract.
// The engine fills these; report/ only formats them. Every counter covers the whole run
// (warmup included); latency statistics cover successful requests sent at or after warmup.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scenario/name_table.hpp"

namespace statesim {

// Why a request failed (each failed request has exactly one cause).
enum class FailureCause : std::uint8_t { reset, server_down, overload, store_down, timeout, no_server };
inline constexpr NameTable<FailureCause, 6> kFailureCauseNames{{{
    {"reset", FailureCause::reset},
    {"server_down", FailureCause::server_down},
    {"overload", FailureCause::overload},
    {"store_down", FailureCause::store_down},
    {"timeout", FailureCause::timeout},
    {"no_server", FailureCause::no_server},
}}};
const char* failure_cause_name(FailureCause cause);  // "reset", "server_down", ...

// The numeric fields of a run's summary, defined once, in the order of summary.csv:
// FIELD(name, type, table label, unit, decimals). `type` is count (a whole number) or real;
// `unit` is "" for counts, else "ms", "req/s" or "fraction"; `decimals` is the fixed-point
// precision of a real field in CSV and JSON. The Summary members, the report's field table and
// the encoding a simulation process sends its parent are all generated from this list, so a
// field cannot be forgotten by one of them. What each field counts:
//   sessions_started   logins that succeeded, re-logins included
//   sessions_ended     ended by logout, ttl/token expiry, revocation, abandonment or the user leaving
//   sessions_lost      state destroyed while the user was still logged in
//   sessions_active    sessions alive when the run ended
//   forced_logouts     401 answers to a logged-in user
//   users_affected     distinct users with >= 1 forced logout or failed request
//   requests           requests sent: logins, logouts and retries included
//   ok / failed / forced   answered successfully / failed (by the causes below) / answered 401
//   failed_<cause>     failed requests by cause (FailureCause)
//   latency_*_ms       successful requests sent at or after warmup, client-measured; NaN when none
//   throughput_rps     ok requests sent at or after warmup / (duration - warmup)
//   cpu_utilization    busy core-seconds / core-seconds of servers in service
//   store_ops          operations served by the session store (or the jwt denylist)
//   revoked_accepted   requests accepted with a revoked session or token
//   in_flight          sent but neither answered nor failed at the end
#define STATESIM_SUMMARY_FIELDS(FIELD)                                         \
  FIELD(sessions_started, count, "sessions started", "", 0)                   \
  FIELD(sessions_ended, count, "sessions ended", "", 0)                       \
  FIELD(sessions_lost, count, "sessions lost", "", 0)                         \
  FIELD(sessions_active, count, "sessions active at end", "", 0)              \
  FIELD(forced_logouts, count, "forced logouts", "", 0)                       \
  FIELD(users_affected, count, "users affected", "", 0)                       \
  FIELD(requests, count, "requests", "", 0)                                   \
  FIELD(ok, count, "ok", "", 0)                                               \
  FIELD(failed, count, "failed requests", "", 0)                              \
  FIELD(forced, count, "answered 401", "", 0)                                 \
  FIELD(failed_reset, count, "  reset", "", 0)                                \
  FIELD(failed_server_down, count, "  server down", "", 0)                    \
  FIELD(failed_overload, count, "  overload", "", 0)                          \
  FIELD(failed_store_down, count, "  store down", "", 0)                      \
  FIELD(failed_timeout, count, "  timeout", "", 0)                            \
  FIELD(failed_no_server, count, "  no server", "", 0)                        \
  FIELD(latency_mean_ms, real, "latency mean (ms)", "ms", 3)                  \
  FIELD(latency_p50_ms, real, "latency p50 (ms)", "ms", 3)                    \
  FIELD(latency_p95_ms, real, "latency p95 (ms)", "ms", 3)                    \
  FIELD(latency_p99_ms, real, "latency p99 (ms)", "ms", 3)                    \
  FIELD(latency_max_ms, real, "latency max (ms)", "ms", 3)                    \
  FIELD(throughput_rps, real, "throughput (req/s)", "req/s", 3)               \
  FIELD(cpu_utilization, real, "cpu utilisation (%)", "fraction", 4)          \
  FIELD(store_ops, count, "store operations", "", 0)                          \
  FIELD(revoked_accepted, count, "revoked but accepted", "", 0)               \
  FIELD(in_flight, count, "in flight at end", "", 0)

namespace field_type {
using count = std::int64_t;
using real = double;
}  // namespace field_type

struct Summary {
  std::string design;
  int replication = 0;
  std::uint64_t seed = 0;  // the seed this replication's streams derive from
#define STATESIM_SUMMARY_MEMBER(name, type, label, unit, decimals) field_type::type name = 0;
  STATESIM_SUMMARY_FIELDS(STATESIM_SUMMARY_MEMBER)
#undef STATESIM_SUMMARY_MEMBER
  double littles_law_error = 0;  // |L - X*W| / max(L, tiny), counted exactly over the run

  // The failed_<cause> counter of `cause`.
  std::int64_t& failures_of(FailureCause cause);
  std::int64_t failures_of(FailureCause cause) const;
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

// What an events.csv row reports: a scheduled event, or a step it set off (a deploy's batches,
// the end of a drain, a failover), or an autoscaler decision.
enum class EventKind : std::uint8_t {
  crash, restart, deploy, deploy_restart, deploy_done, scale, scale_out, scale_in, stop, failover, revoke, traffic
};
inline constexpr NameTable<EventKind, 12> kEventKindNames{{{
    {"crash", EventKind::crash},
    {"restart", EventKind::restart},
    {"deploy", EventKind::deploy},
    {"deploy_restart", EventKind::deploy_restart},
    {"deploy_done", EventKind::deploy_done},
    {"scale", EventKind::scale},
    {"scale_out", EventKind::scale_out},
    {"scale_in", EventKind::scale_in},
    {"stop", EventKind::stop},
    {"failover", EventKind::failover},
    {"revoke", EventKind::revoke},
    {"traffic", EventKind::traffic},
}}};

// One applied event, scheduled or decided by the autoscaler.
struct EventRow {
  double time_s = 0;
  EventKind event = EventKind::crash;
  std::string target;                    // app-2, store, all, ...
  // Sessions the target held when the event hit it: a server's memory sessions (crash, end of
  // a drain; for scale_in the servers it drains), the store's sessions (store crash); -1 (an
  // empty field) where the event holds none (restart, deploy, revoke, traffic, ...).
  std::int64_t sessions_held = -1;
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

}  // namespace statesim
