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
// FIELD(name, type, table label, unit, decimals, group). `type` is count (a whole number) or
// real; `unit` is "" for counts, else "ms", "req/s", "s" or "fraction"; `decimals` is the
// fixed-point precision of a real field in CSV and JSON; `group` the part of the format it
// reports on (FieldGroup): a design without that part shows the field empty. The Summary members, the report's field table and
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
//   sessions_abandoned ended because a server did not know them (another server's memory, a
//                      refresh token the store lost): a subset of sessions_ended
//   page_throughput_rps   ok page requests (logins, logouts, refreshes left out) sent at or after
//                      warmup / (duration - warmup)
//   worker_utilization busy worker-seconds / worker-seconds of servers in service (a worker is
//                      busy from taking a request until its answer leaves, store waits included)
//   queue_wait_ms      mean wait of a request at a server for a worker (0 for one served at once)
//   store_utilization  busy slot-seconds / slot-seconds while the store host is up (redis: one
//                      slot; database: connections); NaN without a store host
//   store_wait_ms      mean wait of a store operation for a slot; NaN without one
//   token_refreshes    jwt access tokens renewed with a refresh token
//   revoked_accepted   requests accepted with a revoked session or token
//   in_flight          sent but neither answered nor failed at the end
#define STATESIM_SUMMARY_FIELDS(FIELD)                                         \
  FIELD(sessions_started, count, "sessions started", "", 0, core)                   \
  FIELD(sessions_ended, count, "sessions ended", "", 0, core)                       \
  FIELD(sessions_lost, count, "sessions lost", "", 0, core)                         \
  FIELD(sessions_active, count, "sessions active at end", "", 0, core)              \
  FIELD(forced_logouts, count, "forced logouts", "", 0, core)                       \
  FIELD(users_affected, count, "users affected", "", 0, core)                       \
  FIELD(requests, count, "requests", "", 0, core)                                   \
  FIELD(ok, count, "ok", "", 0, core)                                               \
  FIELD(failed, count, "failed requests", "", 0, core)                              \
  FIELD(forced, count, "answered 401", "", 0, core)                                 \
  FIELD(failed_reset, count, "  reset", "", 0, core)                                \
  FIELD(failed_server_down, count, "  server down", "", 0, core)                    \
  FIELD(failed_overload, count, "  overload", "", 0, core)                          \
  FIELD(failed_store_down, count, "  store down", "", 0, core)                      \
  FIELD(failed_timeout, count, "  timeout", "", 0, core)                            \
  FIELD(failed_no_server, count, "  no server", "", 0, core)                        \
  FIELD(latency_mean_ms, real, "latency mean (ms)", "ms", 3, core)                  \
  FIELD(latency_p50_ms, real, "latency p50 (ms)", "ms", 3, core)                    \
  FIELD(latency_p95_ms, real, "latency p95 (ms)", "ms", 3, core)                    \
  FIELD(latency_p99_ms, real, "latency p99 (ms)", "ms", 3, core)                    \
  FIELD(latency_max_ms, real, "latency max (ms)", "ms", 3, core)                    \
  FIELD(throughput_rps, real, "throughput (req/s)", "req/s", 3, core)               \
  FIELD(cpu_utilization, real, "cpu utilisation (%)", "fraction", 4, core)          \
  FIELD(store_ops, count, "store operations", "", 0, core)                          \
  FIELD(sessions_abandoned, count, "sessions abandoned", "", 0, core)               \
  FIELD(page_throughput_rps, real, "page throughput (req/s)", "req/s", 3, core)     \
  FIELD(worker_utilization, real, "workers busy (%)", "fraction", 4, core)          \
  FIELD(queue_wait_ms, real, "wait for a worker (ms)", "ms", 3, core)               \
  FIELD(store_utilization, real, "store busy (%)", "fraction", 4, core)             \
  FIELD(store_wait_ms, real, "wait for the store (ms)", "ms", 3, core)              \
  FIELD(token_refreshes, count, "token refreshes", "", 0, core)                     \
  FIELD(revoked_accepted, count, "revoked but accepted", "", 0, core)               \
  FIELD(in_flight, count, "in flight at end", "", 0, core)

// The part of the scenario format a field reports on: part 1's web visitors (always there), or
// one of part 2's sections. A run records which it had (Summary::groups).
enum class FieldGroup : std::uint8_t { core, realtime, games, uploads, effects };
inline constexpr std::uint32_t group_bit(FieldGroup group) { return 1u << static_cast<unsigned>(group); }

namespace field_type {
using count = std::int64_t;
using real = double;
}  // namespace field_type

struct Summary {
  std::string design;
  int replication = 0;
  std::uint64_t seed = 0;  // the seed this replication's streams derive from
#define STATESIM_SUMMARY_MEMBER(name, type, label, unit, decimals, group) field_type::type name = 0;
  STATESIM_SUMMARY_FIELDS(STATESIM_SUMMARY_MEMBER)
#undef STATESIM_SUMMARY_MEMBER
  double littles_law_error = 0;  // |L - X*W| / max(L, tiny), counted exactly over the run
  std::uint32_t groups = group_bit(FieldGroup::core);  // the FieldGroups this run had
  bool has(FieldGroup group) const { return (groups & group_bit(group)) != 0; }

  // The failed_<cause> counter of `cause`.
  std::int64_t& failures_of(FailureCause cause);
  std::int64_t failures_of(FailureCause cause) const;
};

// The columns of timeseries.csv after design and replication, defined once in their order:
// BUCKET(name, type, decimals, group), each of one report_interval bucket. Counts are of
// things that happened in the bucket unless said otherwise:
//   time_s               start of the bucket
//   active_sessions      at the end of the bucket
//   logins               successful logins
//   forced_logouts, sessions_lost
//   requests             requests sent
//   ok, failed           requests answered successfully / failed (by completion time)
//   latency_p50_ms, latency_p99_ms   of ok requests completed in the bucket; NaN if none
//   queue_wait_ms        mean wait for a worker of the requests that got one in the bucket; NaN if none
//   worker_utilization   busy fraction of the workers of servers in service, over the bucket
//   store_utilization    busy fraction of the store's slots while up, over the bucket; NaN without
//                        a store host (or with the store down the whole bucket)
//   servers_up           hosts powered on at the end of the bucket
//   servers_in_rotation  servers the balancer sends new sessions to, at the end
//   cpu_utilization      busy fraction of the cores of servers up, over the bucket
#define STATESIM_BUCKET_FIELDS(BUCKET)            \
  BUCKET(time_s, real, 3, core)                   \
  BUCKET(active_sessions, count, 0, core)         \
  BUCKET(logins, count, 0, core)                  \
  BUCKET(forced_logouts, count, 0, core)          \
  BUCKET(sessions_lost, count, 0, core)           \
  BUCKET(requests, count, 0, core)                \
  BUCKET(ok, count, 0, core)                      \
  BUCKET(failed, count, 0, core)                  \
  BUCKET(latency_p50_ms, real, 3, core)           \
  BUCKET(latency_p99_ms, real, 3, core)           \
  BUCKET(queue_wait_ms, real, 3, core)            \
  BUCKET(worker_utilization, real, 4, core)       \
  BUCKET(store_utilization, real, 4, core)        \
  BUCKET(servers_up, count, 0, core)              \
  BUCKET(servers_in_rotation, count, 0, core)     \
  BUCKET(cpu_utilization, real, 4, core)

struct Bucket {
#define STATESIM_BUCKET_MEMBER(name, type, decimals, group) field_type::type name = 0;
  STATESIM_BUCKET_FIELDS(STATESIM_BUCKET_MEMBER)
#undef STATESIM_BUCKET_MEMBER
};

// EventRow::forced_logouts_after and failed_after count at most this long after the event.
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
  // Consequences in the window [time_s, time_s + window_s): forced logouts and failed requests
  // from the event's instant until the next event that opens a window, kEventWindow_s, or the
  // end of the run, whichever comes first. Windows do not overlap, so each consequence counts
  // once, in the window of the most recent event. NaN: a row that opens no window (an event
  // that changed nothing, or an observation such as a server back in rotation).
  std::int64_t forced_logouts_after = 0;
  std::int64_t failed_after = 0;
  double window_s = kEventWindow_s;
  bool has_window() const { return window_s == window_s; }  // not NaN
};

struct RunResult {
  Summary summary;
  std::vector<Bucket> buckets;
  std::vector<EventRow> events;
  std::vector<std::string> warnings;
};

}  // namespace statesim
