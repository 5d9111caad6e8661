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

// Part 2, realtime (design/stateful-workloads.md §1); a delivery is one recipient of one message:
//   connections_opened    connects answered ok (the client is connected)
//   connections_dropped   connections a server's crash or drain end cut
//   connect_failed        connect requests that failed: refused (max_connections), 401, timeout, down
//   reconnect_time_*_s    from a drop to connected again (reconnections completed in the run)
//   messages_sent         messages users sent
//   message_deliveries    recipients of the messages sent (direct: 1; room: the other members)
//   messages_delivered    deliveries received, late replays included
//   messages_missed       deliveries that never arrive
//   messages_replayed     deliveries a `stream` replayed on reconnect (also in messages_delivered)
//   deliveries_in_flight  deliveries neither received nor missed at the end
//   delivery_latency_*_ms send -> receipt, late replays excluded, messages sent from warmup
#define STATESIM_REALTIME_FIELDS(FIELD)                                                    \
  FIELD(connections_opened, count, "connections opened", "", 0, realtime)                  \
  FIELD(connections_dropped, count, "connections dropped", "", 0, realtime)                \
  FIELD(connect_failed, count, "connects failed", "", 0, realtime)                         \
  FIELD(reconnect_time_p50_s, real, "reconnect time p50 (s)", "s", 3, realtime)            \
  FIELD(reconnect_time_p99_s, real, "reconnect time p99 (s)", "s", 3, realtime)            \
  FIELD(messages_sent, count, "messages sent", "", 0, realtime)                            \
  FIELD(message_deliveries, count, "message deliveries", "", 0, realtime)                  \
  FIELD(messages_delivered, count, "  delivered", "", 0, realtime)                         \
  FIELD(messages_missed, count, "  missed", "", 0, realtime)                               \
  FIELD(messages_replayed, count, "  of which replayed", "", 0, realtime)                  \
  FIELD(deliveries_in_flight, count, "  in flight at end", "", 0, realtime)                \
  FIELD(delivery_latency_p50_ms, real, "delivery latency p50 (ms)", "ms", 3, realtime)     \
  FIELD(delivery_latency_p99_ms, real, "delivery latency p99 (ms)", "ms", 3, realtime)

// Part 2, games (design/stateful-workloads.md §2):
//   matches_started       matches placed on a server
//   matches_refused       matches that found no server up in rotation and never started
//   matches_completed     matches that played their whole duration
//   matches_lost          matches whose server stopped with `state: memory`
//   matches_migrated      restores from a snapshot on another server
//   matches_in_progress   started and neither completed nor lost at the end (paused ones too)
//   match_progress_lost_s game time lost: all of a lost match's, a migrated one's since its snapshot
//   match_pause_s         from a server's stop to its matches running again elsewhere, summed
#define STATESIM_GAMES_FIELDS(FIELD)                                                       \
  FIELD(matches_started, count, "matches started", "", 0, games)                           \
  FIELD(matches_refused, count, "matches refused", "", 0, games)                           \
  FIELD(matches_completed, count, "matches completed", "", 0, games)                       \
  FIELD(matches_lost, count, "matches lost", "", 0, games)                                 \
  FIELD(matches_migrated, count, "matches migrated", "", 0, games)                         \
  FIELD(matches_in_progress, count, "matches in progress at end", "", 0, games)            \
  FIELD(match_progress_lost_s, real, "match progress lost (s)", "s", 3, games)             \
  FIELD(match_pause_s, real, "match pause (s)", "s", 3, games)

// The numeric fields of a run's summary, defined once, in the order of summary.csv:
// FIELD(name, type, table label, unit, decimals, group). `type` is count (a whole number) or
// real; `unit` is "" for counts, else "ms", "req/s", "s" or "fraction"; `decimals` is the
// fixed-point precision of a real field in CSV and JSON; `group` the part of the format it
// reports on (FieldGroup): a design without that part shows the field empty. The Summary
// members, the report's field table and the encoding a simulation process sends its parent are all generated from this list, so a
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
//   requests_failed_final   web visitors' requests whose last attempt failed (no retry left):
//                      the failures a user sees (group retries: shown when a design retries)
// Part 2 (design/stateful-workloads.md):
//   uploads_*          uploads started / completed / failed (after max_restarts) / in progress at the end
//   upload_restarts    failures an upload survived (server_memory: started over; else a part sent again)
//   upload_bytes       bytes of every chunk sent; upload_bytes_wasted: of those, sent again
//   upload_time_p*_s   from the upload's start to its last chunk's answer, completed uploads
//   effects_requested  distinct user actions of kinds with effect: true
//   effects_applied    actions applied at least once; duplicate_effects: applications beyond the first
//   effects_lost       applications lost with a server's memory (state: memory)
//   effects_failed     actions never applied (the user's action did not happen)
//   effects_in_flight  actions neither applied nor failed at the end
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
  FIELD(requests_failed_final, count, "  failed after the last retry", "", 0, retries) \
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
  FIELD(in_flight, count, "in flight at end", "", 0, core)                          \
  /* uploads */                                                                     \
  FIELD(uploads_started, count, "uploads started", "", 0, uploads)                  \
  FIELD(uploads_completed, count, "uploads completed", "", 0, uploads)              \
  FIELD(uploads_failed, count, "uploads failed", "", 0, uploads)                    \
  FIELD(uploads_in_progress, count, "uploads in progress at end", "", 0, uploads)   \
  FIELD(upload_restarts, count, "upload restarts", "", 0, uploads)                  \
  FIELD(upload_bytes, count, "upload bytes sent", "", 0, uploads)                   \
  FIELD(upload_bytes_wasted, count, "upload bytes wasted", "", 0, uploads)          \
  FIELD(upload_time_p50_s, real, "upload time p50 (s)", "s", 3, uploads)            \
  FIELD(upload_time_p99_s, real, "upload time p99 (s)", "s", 3, uploads)            \
  /* effects */                                                                     \
  FIELD(effects_requested, count, "effects requested", "", 0, effects)              \
  FIELD(effects_applied, count, "effects applied", "", 0, effects)                  \
  FIELD(duplicate_effects, count, "duplicate effects", "", 0, effects)              \
  FIELD(effects_lost, count, "effects lost", "", 0, effects)                        \
  FIELD(effects_failed, count, "effects failed", "", 0, effects)                    \
  FIELD(effects_in_flight, count, "effects in flight at end", "", 0, effects)       \
  STATESIM_REALTIME_FIELDS(FIELD)                                                   \
  STATESIM_GAMES_FIELDS(FIELD)

// The part of the scenario format a field reports on: part 1's web visitors (always there), or
// one of part 2's sections. A run records which it had (Summary::groups, from
// field_groups_of(scenario, design) in model/summary_fields.hpp).
// `retries`: requests_failed_final, shown for every design of a scenario where some design
// retries failed requests or has effects (without retries it equals `failed`).
enum class FieldGroup : std::uint8_t { core, realtime, games, uploads, effects, retries };
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
//   connected            realtime: users connected at the end of the bucket
//   connects             realtime: connect requests sent (first connections and reconnects)
//   messages_missed      realtime: deliveries missed (a stream's when its replay window ran out)
//   matches_in_progress  games: matches started and not yet over at the end of the bucket
//   uploads_*, upload_bytes_wasted, effects_applied, duplicate_effects, effects_lost: as the
//                        summary fields of the same names, counted in the bucket
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
  BUCKET(cpu_utilization, real, 4, core)         \
  BUCKET(connected, count, 0, realtime)           \
  BUCKET(connects, count, 0, realtime)            \
  BUCKET(messages_missed, count, 0, realtime)     \
  BUCKET(matches_in_progress, count, 0, games)    \
  BUCKET(uploads_started, count, 0, uploads)        \
  BUCKET(uploads_completed, count, 0, uploads)      \
  BUCKET(uploads_failed, count, 0, uploads)         \
  BUCKET(upload_bytes_wasted, count, 0, uploads)    \
  BUCKET(effects_applied, count, 0, effects)        \
  BUCKET(duplicate_effects, count, 0, effects)      \
  BUCKET(effects_lost, count, 0, effects)

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
  crash, restart, deploy, deploy_restart, deploy_done, scale, scale_out, scale_in, stop, failover, revoke, traffic,
  restore
};
inline constexpr NameTable<EventKind, 13> kEventKindNames{{{
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
    {"restore", EventKind::restore},
}}};

// What a server's stop (crash, end of a drain) found of part 2's state on it, for its events.csv
// row; -1 (an empty field) where the event touched none of it.
struct Part2Losses {
  std::int64_t connections_held = -1;     // the server's own count of its connections
  std::int64_t connections_dropped = -1;  // connections dropped (counted one by one)
  std::int64_t matches_held = -1;
  std::int64_t matches_lost = -1;         // state: memory; with snapshots 0, they are restored
};

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
  Part2Losses part2;
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

// One row of servers.csv: one app server (of servers.max) in one bucket.
struct ServerBucket {
  bool up = false;                // host powered on at the end of the bucket
  bool in_rotation = false;       // the balancer sends it new sessions at the end of the bucket
  std::int64_t sessions_held = 0;  // memory sessions it holds at the end (0 with a store)
  std::int64_t connections = -1;   // realtime connections it holds at the end; -1: no realtime
  std::int64_t requests = 0;       // requests the balancer sent it in the bucket
  double cpu_utilization = 0;      // busy fraction of its cores while in service; NaN: never in service
};

// servers.csv has servers.max rows per bucket; a run whose rows would be more than this has
// none (a warning says so), so that 100,000 servers cannot fill the memory.
inline constexpr double kMaxServerRows = 200'000;
inline bool has_server_rows(int servers, std::size_t buckets) {
  return static_cast<double>(servers) * static_cast<double>(buckets) <= kMaxServerRows;
}

struct RunResult {
  Summary summary;
  std::vector<Bucket> buckets;
  // Bucket-major: bucket b's server s (0-based) at b * servers_per_bucket + s; empty when the
  // run had too many (has_server_rows).
  int servers_per_bucket = 0;
  std::vector<ServerBucket> servers;
  std::vector<EventRow> events;
  std::vector<std::string> warnings;
};

}  // namespace statesim
