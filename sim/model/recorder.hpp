// Counts what a run reports, as the components tell it what happens: the summary counters, the
// time-series buckets, the event rows with their windows of consequences, latency samples and
// Little's law. Plain C++: the engine passes the time of each notification.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/metrics.hpp"
#include "model/stats.hpp"
#include "scenario/config.hpp"

namespace statesim {

// What the engine knows at the end of a bucket (or of the run).
struct BucketSnapshot {
  std::int64_t active_sessions = 0;
  int servers_up = 0;
  int servers_in_rotation = 0;
  double busy_core_s = 0;     // since the start of the run, over every server
  double service_core_s = 0;  // core-seconds of servers in service, since the start
  double busy_worker_s = 0;   // worker-seconds spent holding a request, since the start
  double service_worker_s = 0;   // worker-seconds of servers in service, since the start
  bool has_store = false;        // the design has a store host
  double store_busy_slot_s = 0;  // slot-seconds spent on operations, since the start
  double store_slot_s = 0;       // slot-seconds while the store host was up, since the start
};

// What the engine knows of one server at the end of a bucket (the per-server view).
struct ServerSnapshot {
  bool up = false;
  bool in_rotation = false;
  std::int64_t sessions_held = 0;
  std::int64_t connections = -1;  // -1: the design has no realtime connections
  double busy_core_s = 0;         // since the start of the run
  double service_core_s = 0;
};

class Recorder {
 public:
  Recorder(const Scenario& scenario, const Design& design, int replication);

  Summary& summary() { return result_.summary; }
  // The bucket holding instant `t` (the last one also takes the very end of the run).
  Bucket& bucket(double t) { return result_.buckets[bucket_index(t)]; }
  std::size_t bucket_index(double t) const;
  Bucket& bucket_at(std::size_t index) { return result_.buckets[index]; }
  std::size_t bucket_count() const { return result_.buckets.size(); }
  double bucket_start(std::size_t index) const { return result_.buckets[index].time_s; }

  // ---- requests (every kind of client)
  void request_sent(double t);
  // The client has its answer or gave up: the request leaves the system (Little's law).
  void request_left(double t, double sent_at);
  void request_ok(double t, double sent_at);
  void request_forced(double t);
  void request_failed(double t, FailureCause cause);
  // A page request (not a login, logout or refresh) sent at `sent_at` answered ok.
  void page_ok(double sent_at);
  // A request takes a worker at a server after waiting `wait_s` in its queue.
  void worker_taken(double t, double wait_s);
  // A store operation takes a slot after waiting `wait_s` for one.
  void store_slot_taken(double wait_s);
  std::int64_t requests_in_system() const { return requests_in_system_; }

  // ---- sessions and users
  void session_started(double t);
  // A session in progress when the run began: started, but no login of any bucket.
  void session_in_progress_at_start() { result_.summary.sessions_started++; }
  void session_ended() { result_.summary.sessions_ended++; }
  void session_lost(double t);
  // Ended because a server did not know it (counted in sessions_ended too).
  void session_abandoned() { result_.summary.sessions_abandoned++; }
  void forced_logout(double t);
  void user_affected() { users_affected_++; }
  void token_refreshed() { result_.summary.token_refreshes++; }

  // ---- events: a row, and the window in which its consequences are counted (see EventRow);
  // consequences already counted at instant `t` (a crash's requests fail before its row is
  // added) move into the new row's window.
  EventRow& add_event(double t, EventKind kind, std::string target, std::int64_t sessions_lost,
                      std::string detail);
  // A row that opens no window: an event that changed nothing, or an observation.
  EventRow& add_note(double t, EventKind kind, std::string target, std::string detail);

  // ---- the per-server view (servers.csv), when the run keeps one (has_server_rows)
  bool keeps_server_rows() const { return !result_.servers.empty(); }
  // The balancer sent a request to `server` at `t`.
  void request_routed(double t, int server) {
    if (keeps_server_rows()) server_row(bucket_index(t), server).requests++;
  }
  // Every server's state at the end of bucket `index`, servers.max of them.
  void close_server_bucket(std::size_t index, const std::vector<ServerSnapshot>& servers);

  void close_bucket(std::size_t index, const BucketSnapshot& snapshot);

  // Closes the last bucket and fills the summary's end-of-run fields. `residual_sojourn_s`:
  // the time in the system, up to `end_s`, of the requests still in it.
  RunResult finish(double end_s, const BucketSnapshot& snapshot, double residual_sojourn_s);

 private:
  static constexpr std::size_t kNoRow = static_cast<std::size_t>(-1);
  EventRow& add_row(double t, EventKind kind, std::string target, std::int64_t sessions_lost, std::string detail);
  // A forced logout or failed request at `t`, for the open window.
  void count_consequence(double t, std::int64_t EventRow::*column);
  void integrate_in_system(double t);
  ServerBucket& server_row(std::size_t bucket, int server) {
    return result_.servers[bucket * static_cast<std::size_t>(result_.servers_per_bucket) +
                           static_cast<std::size_t>(server)];
  }

  const Scenario& scenario_;
  RunResult result_;
  std::size_t window_row_ = kNoRow;  // the row whose window is open
  // The consequences counted at the current instant, and the row they went to.
  double instant_s_ = -1;
  std::int64_t instant_forced_ = 0, instant_failed_ = 0;
  std::size_t instant_row_ = kNoRow;
  LatencySamples latencies_;         // ok requests sent at or after warmup
  LatencySamples bucket_latencies_;  // ok requests completed in the current bucket
  double bucket_busy_mark_ = 0, bucket_service_mark_ = 0;
  double bucket_worker_mark_ = 0, bucket_worker_service_mark_ = 0;
  double bucket_store_busy_mark_ = 0, bucket_store_slot_mark_ = 0;
  std::vector<double> server_busy_mark_, server_service_mark_;  // per server, at the last bucket's end
  double bucket_wait_s_ = 0;
  std::int64_t bucket_waits_ = 0;
  double worker_wait_s_ = 0, store_wait_s_ = 0;
  std::int64_t worker_waits_ = 0, store_waits_ = 0;
  std::int64_t page_ok_after_warmup_ = 0;
  std::int64_t users_affected_ = 0;
  std::int64_t ok_after_warmup_ = 0;
  std::int64_t requests_in_system_ = 0;
  double in_system_area_ = 0, in_system_since_ = 0, completed_sojourn_s_ = 0;
};

}  // namespace statesim
