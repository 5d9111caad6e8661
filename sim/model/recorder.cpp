#include "model/recorder.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "model/summary_fields.hpp"

namespace statesim {

Recorder::Recorder(const Scenario& scenario, const Design& design, int replication) : scenario_(scenario) {
  Summary& s = result_.summary;
  s.design = design.name;
  s.replication = replication;
  s.seed = scenario.seed;
  s.groups = field_groups_of(scenario, design);
  const auto buckets = static_cast<std::size_t>(std::ceil(scenario.duration_s / scenario.report_interval_s));
  result_.buckets.resize(std::max<std::size_t>(buckets, 1));
  for (std::size_t b = 0; b < result_.buckets.size(); ++b)
    result_.buckets[b].time_s = static_cast<double>(b) * scenario.report_interval_s;
  const int servers = design.servers.max;
  result_.servers_per_bucket = servers;
  if (has_server_rows(servers, result_.buckets.size())) {
    result_.servers.resize(static_cast<std::size_t>(servers) * result_.buckets.size());
    server_busy_mark_.assign(static_cast<std::size_t>(servers), 0);
    server_service_mark_.assign(static_cast<std::size_t>(servers), 0);
  } else {
    result_.warnings.push_back(fmt::format(
        "servers.csv has no rows for it: {} servers x {} buckets is above the limit of {:.0f} rows per run "
        "(a longer report_interval or a smaller servers.max brings them back)",
        servers, result_.buckets.size(), kMaxServerRows));
  }
}

void Recorder::close_server_bucket(std::size_t index, const std::vector<ServerSnapshot>& servers) {
  if (!keeps_server_rows()) return;
  for (std::size_t s = 0; s < servers.size(); ++s) {
    const ServerSnapshot& now = servers[s];
    ServerBucket& row = server_row(index, static_cast<int>(s));
    row.up = now.up;
    row.in_rotation = now.in_rotation;
    row.sessions_held = now.sessions_held;
    row.connections = now.connections;
    const double service = now.service_core_s - server_service_mark_[s];
    row.cpu_utilization = service > 0 ? (now.busy_core_s - server_busy_mark_[s]) / service : NAN;
    server_busy_mark_[s] = now.busy_core_s;
    server_service_mark_[s] = now.service_core_s;
  }
}

std::size_t Recorder::bucket_index(double t) const {
  const auto index = static_cast<std::size_t>(t / scenario_.report_interval_s);
  return std::min(index, result_.buckets.size() - 1);
}

void Recorder::integrate_in_system(double t) {
  in_system_area_ += static_cast<double>(requests_in_system_) * (t - in_system_since_);
  in_system_since_ = t;
}

void Recorder::request_sent(double t) {
  result_.summary.requests++;
  bucket(t).requests++;
  integrate_in_system(t);
  requests_in_system_++;
}

void Recorder::request_left(double t, double sent_at) {
  integrate_in_system(t);
  requests_in_system_--;
  completed_sojourn_s_ += t - sent_at;
}

void Recorder::request_ok(double t, double sent_at) {
  result_.summary.ok++;
  bucket(t).ok++;
  const double latency = t - sent_at;
  bucket_latencies_.add(latency);
  if (sent_at >= scenario_.warmup_s) {
    latencies_.add(latency);
    ok_after_warmup_++;
  }
}

void Recorder::request_forced(double) { result_.summary.forced++; }

void Recorder::page_ok(double sent_at) {
  if (sent_at >= scenario_.warmup_s) page_ok_after_warmup_++;
}

void Recorder::worker_taken(double, double wait_s) {
  worker_wait_s_ += wait_s;
  worker_waits_++;
  bucket_wait_s_ += wait_s;
  bucket_waits_++;
}

void Recorder::store_slot_taken(double wait_s) {
  store_wait_s_ += wait_s;
  store_waits_++;
}

void Recorder::request_failed(double t, FailureCause cause) {
  result_.summary.failed++;
  result_.summary.failures_of(cause)++;
  bucket(t).failed++;
  count_consequence(t, &EventRow::failed_after);
}

void Recorder::session_started(double t) {
  result_.summary.sessions_started++;
  bucket(t).logins++;
}

void Recorder::session_lost(double t) {
  result_.summary.sessions_lost++;
  bucket(t).sessions_lost++;
}

void Recorder::forced_logout(double t) {
  result_.summary.forced_logouts++;
  bucket(t).forced_logouts++;
  count_consequence(t, &EventRow::forced_logouts_after);
}

void Recorder::count_consequence(double t, std::int64_t EventRow::*column) {
  if (t != instant_s_) {
    instant_s_ = t;
    instant_forced_ = instant_failed_ = 0;
    instant_row_ = kNoRow;
    if (window_row_ != kNoRow && t < result_.events[window_row_].time_s + kEventWindow_s) instant_row_ = window_row_;
  }
  (column == &EventRow::failed_after ? instant_failed_ : instant_forced_)++;
  if (instant_row_ != kNoRow) result_.events[instant_row_].*column += 1;
}

EventRow& Recorder::add_row(double t, EventKind kind, std::string target, std::int64_t sessions_lost,
                            std::string detail) {
  EventRow row;
  row.time_s = t;
  row.event = kind;
  row.target = std::move(target);
  row.sessions_lost = sessions_lost;
  row.detail = std::move(detail);
  result_.events.push_back(std::move(row));
  return result_.events.back();
}

EventRow& Recorder::add_event(double t, EventKind kind, std::string target, std::int64_t sessions_lost,
                              std::string detail) {
  const std::size_t index = result_.events.size();
  EventRow& row = add_row(t, kind, std::move(target), sessions_lost, std::move(detail));
  row.window_s = kEventWindow_s;
  if (window_row_ != kNoRow) {  // the previous window ends here
    EventRow& previous = result_.events[window_row_];
    previous.window_s = std::min(previous.window_s, t - previous.time_s);
  }
  window_row_ = index;
  if (t == instant_s_) {  // what this instant already counted belongs to this event
    if (instant_row_ != kNoRow) {
      result_.events[instant_row_].forced_logouts_after -= instant_forced_;
      result_.events[instant_row_].failed_after -= instant_failed_;
    }
    row.forced_logouts_after += instant_forced_;
    row.failed_after += instant_failed_;
    instant_row_ = index;
  }
  return row;
}

EventRow& Recorder::add_note(double t, EventKind kind, std::string target, std::string detail) {
  EventRow& row = add_row(t, kind, std::move(target), 0, std::move(detail));
  row.window_s = NAN;
  return row;
}

void Recorder::close_bucket(std::size_t index, const BucketSnapshot& snapshot) {
  Bucket& b = result_.buckets[index];
  b.active_sessions = snapshot.active_sessions;
  if (bucket_latencies_.count() > 0) {
    b.latency_p50_ms = bucket_latencies_.percentile(0.50) * 1e3;
    b.latency_p99_ms = bucket_latencies_.percentile(0.99) * 1e3;
  } else {
    b.latency_p50_ms = b.latency_p99_ms = NAN;
  }
  bucket_latencies_.clear();
  b.servers_up = snapshot.servers_up;
  b.servers_in_rotation = snapshot.servers_in_rotation;
  const double busy_delta = snapshot.busy_core_s - bucket_busy_mark_;
  const double service_delta = snapshot.service_core_s - bucket_service_mark_;
  b.cpu_utilization = service_delta > 0 ? busy_delta / service_delta : 0;
  bucket_busy_mark_ = snapshot.busy_core_s;
  bucket_service_mark_ = snapshot.service_core_s;
  b.queue_wait_ms = bucket_waits_ > 0 ? bucket_wait_s_ / static_cast<double>(bucket_waits_) * 1e3 : NAN;
  bucket_wait_s_ = 0;
  bucket_waits_ = 0;
  const double worker_service = snapshot.service_worker_s - bucket_worker_service_mark_;
  b.worker_utilization =
      worker_service > 0 ? (snapshot.busy_worker_s - bucket_worker_mark_) / worker_service : 0;
  bucket_worker_mark_ = snapshot.busy_worker_s;
  bucket_worker_service_mark_ = snapshot.service_worker_s;
  const double store_slots = snapshot.store_slot_s - bucket_store_slot_mark_;
  b.store_utilization = snapshot.has_store && store_slots > 0
                            ? (snapshot.store_busy_slot_s - bucket_store_busy_mark_) / store_slots
                            : NAN;
  bucket_store_busy_mark_ = snapshot.store_busy_slot_s;
  bucket_store_slot_mark_ = snapshot.store_slot_s;
}

RunResult Recorder::finish(double end_s, const BucketSnapshot& snapshot, double residual_sojourn_s) {
  close_bucket(result_.buckets.size() - 1, snapshot);
  if (window_row_ != kNoRow) {  // the end of the run cuts the last window
    EventRow& last = result_.events[window_row_];
    last.window_s = std::min(last.window_s, end_s - last.time_s);
  }
  Summary& s = result_.summary;
  s.sessions_active = snapshot.active_sessions;
  s.in_flight = requests_in_system_;
  s.users_affected = users_affected_;
  if (latencies_.count() > 0) {
    s.latency_mean_ms = latencies_.mean() * 1e3;
    s.latency_p50_ms = latencies_.percentile(0.50) * 1e3;
    s.latency_p95_ms = latencies_.percentile(0.95) * 1e3;
    s.latency_p99_ms = latencies_.percentile(0.99) * 1e3;
    s.latency_max_ms = latencies_.max() * 1e3;
  } else {
    s.latency_mean_ms = s.latency_p50_ms = s.latency_p95_ms = s.latency_p99_ms = s.latency_max_ms = NAN;
  }
  s.throughput_rps = static_cast<double>(ok_after_warmup_) / (end_s - scenario_.warmup_s);
  s.cpu_utilization = snapshot.service_core_s > 0 ? snapshot.busy_core_s / snapshot.service_core_s : 0;
  s.page_throughput_rps = static_cast<double>(page_ok_after_warmup_) / (end_s - scenario_.warmup_s);
  s.worker_utilization =
      snapshot.service_worker_s > 0 ? snapshot.busy_worker_s / snapshot.service_worker_s : 0;
  s.queue_wait_ms = worker_waits_ > 0 ? worker_wait_s_ / static_cast<double>(worker_waits_) * 1e3 : NAN;
  s.store_utilization = snapshot.has_store && snapshot.store_slot_s > 0
                            ? snapshot.store_busy_slot_s / snapshot.store_slot_s
                            : NAN;
  s.store_wait_ms =
      snapshot.has_store && store_waits_ > 0 ? store_wait_s_ / static_cast<double>(store_waits_) * 1e3 : NAN;
  // Little's law over the run: the area under "requests in the system" must equal the sum of
  // every request's time in the system (those still in it counted up to the end).
  integrate_in_system(end_s);
  const double sojourn_total = completed_sojourn_s_ + residual_sojourn_s;
  s.littles_law_error = std::abs(in_system_area_ - sojourn_total) / std::max(in_system_area_, 1e-12);
  return std::move(result_);
}

}  // namespace statesim
