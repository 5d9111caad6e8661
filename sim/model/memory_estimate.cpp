#include "model/memory_estimate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <variant>

namespace statesim {
namespace {

// Measured on Debian 12 (x86-64), resident memory of runs of the built-in platform:
// a small scenario takes 34 MB in all; scale-200k (200,000 users, 5.9 million answered
// requests) 145 MB; servers.max 2,000 adds 25 MB and 10,000 adds 930 MB (the routing table).
constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kProcessBytes = 40 * kMiB;  // the binary, SimGrid and the scenario
constexpr double kBytesPerUser = 320;        // about 220 measured, plus the user's request slot
constexpr double kBytesPerSample = 16;       // an 8-byte latency sample in a vector that grows by doubling
constexpr double kBytesPerRoute =
    10;  // a full routing table: a pointer per ordered pair of hosts (9.3 measured)
constexpr double kBytesPerHost = 4096;       // a host, its link and their models
constexpr double kBytesPerRingPoint = 32;    // a 16-byte consistent-hash point in a growing vector
constexpr double kBytesPerBucket = 128;      // one time-series bucket (104 bytes) of a result
constexpr double kBytesPerEventRow = 512;    // an events.csv row with its texts
constexpr double kBytesPerRunResult = 4096;  // the summary, warnings and bookkeeping of one result
constexpr int kFixedHosts = 3;               // client, lb, store

double positive(double value) { return value > 0 ? value : 0; }

// The largest value a workload setting takes over the run: the base value and every traffic event.
struct WorkloadPeak {
  double arrival_rate_per_s = 0;
  double users = 0;
  double think_s = 0;  // the shortest mean think time
};

WorkloadPeak workload_peak(const Design& design) {
  const ClientSpec& clients = design.clients;
  WorkloadPeak peak;
  peak.arrival_rate_per_s = clients.workload == Workload::open ? clients.arrival_rate_per_s : 0;
  peak.users = clients.workload == Workload::closed ? static_cast<double>(clients.users) : 0;
  peak.think_s = clients.think_time_s.mean();
  for (const ScheduledEvent& event : design.events) {
    const auto* traffic = std::get_if<TrafficEvent>(&event.action);
    if (traffic == nullptr) continue;
    if (traffic->arrival_rate_per_s)
      peak.arrival_rate_per_s = std::max(peak.arrival_rate_per_s, *traffic->arrival_rate_per_s);
    if (traffic->users) peak.users = std::max(peak.users, static_cast<double>(*traffic->users));
    if (traffic->think_time_s) peak.think_s = std::min(peak.think_s, traffic->think_time_s->mean());
  }
  return peak;
}

double mean_request_cpu_s(const ClientSpec& clients) {
  double weights = 0, cpu = 0;
  for (const RequestKind& kind : clients.requests) {
    weights += kind.weight;
    cpu += kind.weight * kind.cpu_s.mean();
  }
  return weights > 0 ? cpu / weights : 0;
}

// Users held in memory at once: every user of a closed population; the visits in progress
// (Little's law) of an open one.
double users_held(const Design& design, const WorkloadPeak& peak) {
  const ClientSpec& clients = design.clients;
  if (clients.workload == Workload::closed) return peak.users;
  return peak.arrival_rate_per_s * (clients.session_duration_s.mean() + peak.think_s);
}

// Users logged in at once: an open workload's sessions in progress (Little's law); every user
// of a closed population (all log in at the start, before any relogin pause).
double logged_in_users(const Design& design, const WorkloadPeak& peak) {
  if (design.clients.workload == Workload::closed) return peak.users;
  return peak.arrival_rate_per_s * design.clients.session_duration_s.mean();
}

double bucket_count(const Scenario& scenario) {
  return std::ceil(scenario.duration_s / std::max(scenario.report_interval_s, 1e-9));
}

// events.csv rows: each scheduled event, a row per server a deploy restarts, the autoscaler's decisions.
double event_rows(const Scenario& scenario, const Design& design) {
  double rows = static_cast<double>(design.events.size()) * (design.servers.max + 2);
  if (design.autoscale.enabled) rows += scenario.duration_s / std::max(design.autoscale.interval_s, 1e-9);
  return rows;
}

}  // namespace

double MemoryEstimate::peak_bytes(int jobs) const {
  const double children = std::max(1, jobs);
  return (children + 1) * process_bytes + results_bytes + children * largest_run_bytes;
}

double estimate_answered_requests(const Scenario& scenario, const Design& design) {
  const WorkloadPeak peak = workload_peak(design);
  const ClientSpec& clients = design.clients;
  const double cpu_s = mean_request_cpu_s(clients);
  const double round_trip_s = 2 * design.network.client_latency_s + 2 * design.network.internal_latency_s +
                              cpu_s / design.servers.speed;
  const double cycle_s = positive(peak.think_s) + positive(round_trip_s);
  const double users = logged_in_users(design, peak);
  const double offered_per_s = users <= 0    ? 0
                               : cycle_s > 0 ? users / cycle_s
                                             : std::numeric_limits<double>::infinity();
  const double capacity_per_s = cpu_s > 0 ? design.servers.max *
                                                std::min(design.servers.cores, design.servers.workers) *
                                                design.servers.speed / cpu_s
                                          : std::numeric_limits<double>::infinity();
  return std::min(offered_per_s, capacity_per_s) * positive(scenario.duration_s - scenario.warmup_s);
}

double estimate_run_bytes(const Scenario& scenario, const Design& design) {
  const WorkloadPeak peak = workload_peak(design);
  const double hosts = design.servers.max + kFixedHosts;
  double bytes = users_held(design, peak) * kBytesPerUser;
  bytes += estimate_answered_requests(scenario, design) * kBytesPerSample;
  bytes += hosts * hosts * kBytesPerRoute + hosts * kBytesPerHost;
  if (design.load_balancer.policy == LbPolicy::consistent_hash)
    bytes +=
        static_cast<double>(design.servers.max) * design.load_balancer.virtual_nodes * kBytesPerRingPoint;
  // The result, and its encoding sent to the parent.
  bytes += 2 * (bucket_count(scenario) * kBytesPerBucket + event_rows(scenario, design) * kBytesPerEventRow);
  return bytes;
}

MemoryEstimate estimate_memory(const Scenario& scenario) {
  MemoryEstimate estimate;
  estimate.process_bytes = kProcessBytes;
  for (const Design& design : scenario.designs) {
    estimate.largest_run_bytes = std::max(estimate.largest_run_bytes, estimate_run_bytes(scenario, design));
    const double result = bucket_count(scenario) * kBytesPerBucket +
                          event_rows(scenario, design) * kBytesPerEventRow + kBytesPerRunResult;
    estimate.results_bytes += scenario.replications * result;
  }
  return estimate;
}

}  // namespace statesim
