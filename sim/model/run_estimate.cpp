#include "model/run_estimate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <variant>

#include "model/capacity.hpp"
#include "model/metrics.hpp"
#include "report/text_format.hpp"
#include "scenario/units.hpp"

namespace statesim {
namespace {

// Calibration, measured with /usr/bin/time on this kind of machine (2 cores) and rounded up:
// a run of the built-in lesson peaks at ~34 MB; 1,000,000 closed users add ~155 MB; the
// built-in platform (a star: two hosts per server) of 20,000 servers adds ~52 MB.
constexpr double kProcessBaseBytes = 40e6;
constexpr double kBytesPerUser = 200;            // the user's record and its pending wake-ups
constexpr double kBytesPerLatencySample = 16;    // 8 per successful request, twice for the vector's growth
constexpr double kExactLatencySamples = 4194304; // then a histogram of fixed size (model/stats.hpp)
constexpr double kLatencyHistogramBytes = 400e3;
constexpr double kBytesPerBucket = 112;          // one time-series bucket
constexpr double kBytesPerServerRow = 48;        // one server in one bucket (servers.csv)
constexpr double kBytesPerRingPoint = 24;        // consistent_hash: (hash, server) and sorting room
constexpr double kBytesPerHost = 2e3;            // built-in platform: host, its link and its route
// The parent keeps every run's summary, buckets and event rows until the report, then writes
// them as text; comparisons.csv has a row per pair of designs and field.
constexpr double kParentBytesPerRun = 2e3;
constexpr double kParentBytesPerBucket = 256;    // the bucket, and its line of timeseries.csv
constexpr double kParentBytesPerEvent = 300;
constexpr double kParentBytesPerServerRow = 128;  // the row, and its line of servers.csv
constexpr double kParentBytesPerComparison = 150 * 30;  // per pair of designs: ~30 fields
// Work: ~100,000 simulated requests per second and process (93k-166k measured on the
// reference benchmark), ~2,000,000 timer wake-ups per second, ~5 ms to start a run, and the
// time to build a platform (~4 ns per byte of it).
constexpr double kSecondsPerRequest = 1e-5;
constexpr double kSecondsPerTick = 5e-7;
constexpr double kSecondsPerServerProbe = 1e-8;
constexpr double kSecondsPerRun = 5e-3;
constexpr double kSecondsPerPlatformByte = 4e-9;
constexpr double kSecondsPerRingStep = 3e-9;     // one comparison of a sort
// Part 2: a realtime user's record, connection and stream backlog; SimGrid activities outside
// the request chain (a message's transfers and executions, a tick's execution and updates).
constexpr double kBytesPerRealtimeUser = 400;
constexpr double kSecondsPerActivity = 3e-6;
// Uploads: an upload's record and its share of a server's list; a chunk costs about three
// requests' work (a whole SimGrid communication each way instead of a timed wake-up; 28 us
// measured at 3 uploads/s of 20 MB in 5 MB chunks).
constexpr double kBytesPerUpload = 120;
constexpr double kWorkPerUploadChunk = 3;

double mean_cpu_s(const ClientSpec& clients) {
  double weights = 0, cpu = 0;
  for (const auto& kind : clients.requests) {
    weights += kind.weight;
    cpu += kind.weight * kind.cpu_s.mean();
  }
  return weights > 0 ? cpu / weights : 0;
}

double cpu_time_s(double cpu_s, const PlatformCost& platform) {
  return platform.fastest_server_flops > 0 ? cpu_s * kFlopsPerSpeedUnit / platform.fastest_server_flops : cpu_s;
}

// "12,345", "7.3 million", "2.1 billion".
std::string count_text(double value) {
  if (value < 1e6) return format_count(static_cast<std::int64_t>(std::llround(value)));
  if (value < 1e9) return fmt::format("{:.1f} million", value / 1e6);
  if (value < 1e12) return fmt::format("{:.1f} billion", value / 1e9);
  return fmt::format("{:.2g}", value);
}

std::string plural(double count, const char* one, const char* many) {
  return count_text(count) + " " + (count == 1 ? one : many);
}

// The workload at its heaviest: the largest rate or population and the shortest think time
// the design ever has (traffic events included).
struct HeaviestWorkload {
  double visit_rate_per_s = 0;    // visits starting per second
  double logged_in = 0;           // users logged in at once
  double users_held = 0;          // user records in memory
  double think_mean_s = 0;
};

HeaviestWorkload heaviest_workload(const Design& design, double duration_s) {
  const ClientSpec& clients = design.clients;
  if (!clients.present) return HeaviestWorkload{};  // no web visitors
  double rate = clients.arrival_rate_per_s;
  double users = static_cast<double>(clients.users);
  double think = clients.think_time_s.mean();
  for (const ScheduledEvent& event : design.events) {
    if (const auto* traffic = std::get_if<TrafficEvent>(&event.action)) {
      if (traffic->arrival_rate_per_s) rate = std::max(rate, *traffic->arrival_rate_per_s);
      if (traffic->users) users = std::max(users, static_cast<double>(*traffic->users));
      if (traffic->think_time_s) think = std::min(think, traffic->think_time_s->mean());
    }
  }
  HeaviestWorkload workload;
  workload.think_mean_s = think;
  const double session = clients.session_duration_s.mean();
  if (clients.workload == Workload::open) {
    workload.visit_rate_per_s = rate;
    workload.logged_in = rate * std::min(session, duration_s);
    workload.users_held = workload.logged_in;
  } else {
    const double visit = std::max(session + clients.relogin_after_s.mean(), 1e-9);
    // Every user starts with a visit, so a short run is mostly logged-in time.
    const double visits = 1 + duration_s / visit;
    workload.visit_rate_per_s = users * visits / duration_s;
    workload.logged_in = users * std::min(visits * session / duration_s, 1.0);
    workload.users_held = users;
  }
  return workload;
}

// Part 2's populations at their heaviest: what they hold and the activities they start.
struct Part2Work {
  double users_held = 0;         // realtime user records
  double requests_per_s = 0;     // logins, connects and logouts through the request chain
  double activities_per_s = 0;   // messages' and ticks' transfers and executions
  double latency_samples = 0;    // deliveries received
};

Part2Work part2_work(const Design& design, double duration_s) {
  Part2Work work;
  if (const auto& realtime = design.realtime) {
    double connected = 0, arrivals_per_s = 0;
    if (realtime->workload == Workload::closed) {
      connected = static_cast<double>(realtime->users);
      arrivals_per_s = connected / duration_s;
    } else {
      arrivals_per_s = realtime->arrival_rate_per_s;
      connected = arrivals_per_s * std::min(realtime->connection_duration_s.mean(), duration_s);
    }
    work.users_held = connected;
    work.requests_per_s = 3 * arrivals_per_s;  // login, connect, logout
    const double recipients = realtime->audience == Audience::direct
                                  ? 1.0
                                  : std::min(static_cast<double>(realtime->room_size), connected) - 1;
    // A message: to its server and its CPU there; published: to the store, the operation, and
    // to each server with its CPU there; then a frame per recipient.
    const double per_message = 2 + std::max(recipients, 0.0) +
                               (realtime->delivery == Delivery::local ? 0 : 2 + 2.0 * design.servers.max);
    const double messages_per_s = connected * realtime->message_rate_per_s;
    work.activities_per_s += messages_per_s * per_message;
    work.latency_samples = messages_per_s * recipients * duration_s;
  }
  if (const auto& games = design.games) {
    const double matches = games->arrival_rate_per_s * std::min(games->match_duration_s.mean(), duration_s);
    work.activities_per_s += matches * games->tick_rate_per_s * (1 + games->players);
    if (games->state == MatchState::snapshot) work.activities_per_s += 2 * matches / games->snapshot_interval_s;
  }
  return work;
}

// One simulation process of a design: its memory and work.
struct DesignCost {
  double bytes = 0;
  std::string detail;
  double work_s = 0;
  double events_per_s = 0;
  double buckets = 0;
  double server_rows = 0;  // servers.csv, when kept (has_server_rows)
  double event_rows = 0;
};

DesignCost design_cost(const Scenario& scenario, const Design& design, const PlatformCost& platform) {
  const double duration = scenario.duration_s;
  const HeaviestWorkload workload = heaviest_workload(design, duration);
  const double cycle = std::max(request_cycle_s(design, platform, workload.think_mean_s), 1e-12);
  const Part2Work part2 = part2_work(design, duration);
  // Uploads: every chunk is a SimGrid communication over the whole route (their own link caps
  // them), a request's worth of work or more; a presigned chunk is two communications.
  const UploadLoad uploads = upload_load(design);
  const double upload_events_per_s =
      kWorkPerUploadChunk * (uploads.requests_per_s + (design.uploads.mode == UploadMode::presigned ? uploads.chunks_per_s : 0));
  const double requests_per_s =
      workload.logged_in / cycle + 2 * workload.visit_rate_per_s + part2.requests_per_s + upload_events_per_s;
  const double requests = requests_per_s * duration;
  const double probes_per_s = 1 / design.load_balancer.health_check.interval_s;
  const double autoscale_per_s = design.autoscale.enabled ? 1 / design.autoscale.interval_s : 0;
  const double ticks_per_s = probes_per_s + autoscale_per_s + 1 / scenario.report_interval_s;
  const double servers = design.servers.max;

  DesignCost cost;
  cost.buckets = std::ceil(duration / scenario.report_interval_s);
  if (has_server_rows(design.servers.max, static_cast<std::size_t>(std::max(cost.buckets, 1.0))))
    cost.server_rows = servers * std::max(cost.buckets, 1.0);
  cost.event_rows = static_cast<double>(design.events.size()) +
                    (design.autoscale.enabled ? duration / std::max(design.autoscale.interval_s, design.autoscale.cooldown_s) : 0);
  cost.events_per_s = requests_per_s + part2.activities_per_s + ticks_per_s + (probes_per_s + autoscale_per_s) * servers;

  struct Part {
    double bytes;
    std::string what;
  };
  const double ring = design.load_balancer.policy == LbPolicy::consistent_hash
                          ? servers * design.load_balancer.virtual_nodes * kBytesPerRingPoint
                          : 0;
  const std::vector<Part> parts = {
      {platform.memory_bytes, fmt::format("the platform of {} servers", count_text(servers))},
      {workload.users_held * kBytesPerUser, fmt::format("{} users", count_text(workload.users_held))},
      {std::min(requests, kExactLatencySamples) * kBytesPerLatencySample + kLatencyHistogramBytes,
       fmt::format("latencies of {} requests", count_text(requests))},
      {part2.users_held * kBytesPerRealtimeUser, fmt::format("{} realtime users", count_text(part2.users_held))},
      {part2.latency_samples > 0
           ? std::min(part2.latency_samples, kExactLatencySamples) * kBytesPerLatencySample + kLatencyHistogramBytes
           : 0,
       fmt::format("latencies of {} message deliveries", count_text(part2.latency_samples))},
      {cost.buckets * kBytesPerBucket, fmt::format("{} time-series buckets", count_text(cost.buckets))},
      {cost.server_rows * kBytesPerServerRow, fmt::format("{} rows of servers.csv", count_text(cost.server_rows))},
      {ring, fmt::format("a hash ring of {} points", count_text(servers * design.load_balancer.virtual_nodes))},
      {uploads.in_progress * kBytesPerUpload + std::min(uploads.uploads_per_s * duration, kExactLatencySamples) * kBytesPerLatencySample,
       fmt::format("{} uploads at once", count_text(uploads.in_progress))}};
  cost.bytes = kProcessBaseBytes;
  std::vector<Part> large;
  for (const Part& part : parts) {
    cost.bytes += part.bytes;
    if (part.bytes >= 0.1 * 1e9 || part.bytes >= 0.25 * cost.bytes) large.push_back(part);
  }
  std::sort(large.begin(), large.end(), [](const Part& a, const Part& b) { return a.bytes > b.bytes; });
  for (const Part& part : large)
    cost.detail += fmt::format("{}{}: {}", cost.detail.empty() ? "" : ", ", part.what, format_bytes(part.bytes));

  // consistent_hash sorts its ring again after each change of the pool: at start-up, at each
  // scheduled event and autoscaler decision.
  const double ring_points = ring / kBytesPerRingPoint;
  const double ring_rebuilds = design.load_balancer.health_check.healthy_after + 1 + cost.event_rows;
  const double ring_s = ring_points > 1 ? ring_rebuilds * ring_points * std::log2(ring_points) * kSecondsPerRingStep : 0;
  cost.work_s = kSecondsPerRun + platform.memory_bytes * kSecondsPerPlatformByte + requests * kSecondsPerRequest + ring_s +
                part2.activities_per_s * duration * kSecondsPerActivity +
                ticks_per_s * duration * kSecondsPerTick +
                (probes_per_s + autoscale_per_s) * duration * servers * kSecondsPerServerProbe;
  return cost;
}

}  // namespace

double builtin_platform_bytes(int servers) {
  const double hosts = 2.0 * servers + 3.0;  // a server and its store side; client, lb, store
  return kBytesPerHost * hosts;
}

PlatformCost builtin_platform_cost(const Design& design) {
  const NetworkSpec& network = design.network;
  const ClientSpec& clients = design.clients;
  PlatformCost cost;
  cost.memory_bytes = builtin_platform_bytes(design.servers.max);
  // Client link, then the server's link; the same way back.
  cost.min_request_time_s = 2 * (network.client_latency_s + network.internal_latency_s) +
                            (clients.request_bytes + clients.response_bytes) / network.bandwidth_Bps;
  cost.fastest_server_flops = kFlopsPerSpeedUnit * design.servers.speed;
  return cost;
}

double request_cycle_s(const Design& design, const PlatformCost& platform, double think_mean_s) {
  return think_mean_s + platform.min_request_time_s + cpu_time_s(mean_cpu_s(design.clients), platform);
}

std::optional<ZeroTimeLoop> zero_time_loop(const Design& design, const PlatformCost& platform) {
  const ClientSpec& clients = design.clients;
  // No web visitors: part 2's backoffs and rates are above 0, and every upload chunk has bytes.
  if (!clients.present) return std::nullopt;
  const std::string network = fmt::format("the network takes {:g}s (latencies and bytes), the mean CPU {:g}s",
                                          platform.min_request_time_s, cpu_time_s(mean_cpu_s(clients), platform));
  auto loop = [&](ZeroTimeLoop::Cause cause, std::size_t event, const std::string& why) {
    return ZeroTimeLoop{cause, event,
                        why + ": a user would send request after request without simulated time passing, and the "
                              "run would never end; make one of them above 0"};
  };
  if (clients.session_duration_s.mean() > 0) {
    if (request_cycle_s(design, platform, clients.think_time_s.mean()) <= 0)
      return loop(ZeroTimeLoop::Cause::think_time, 0, "the think time is always 0, " + network);
    for (std::size_t i = 0; i < design.events.size(); ++i) {
      const auto* traffic = std::get_if<TrafficEvent>(&design.events[i].action);
      if (traffic && traffic->think_time_s && request_cycle_s(design, platform, traffic->think_time_s->mean()) <= 0)
        return loop(ZeroTimeLoop::Cause::traffic_think_time, i, "this think time is always 0, " + network);
    }
  }
  if (clients.workload == Workload::closed) {
    const double login = platform.min_request_time_s + cpu_time_s(design.sessions.login_cpu_s, platform);
    if (clients.relogin_after_s.mean() + clients.session_duration_s.mean() + 2 * login <= 0)
      return loop(ZeroTimeLoop::Cause::relogin_after, 0,
                  fmt::format("relogin_after and session_duration are always 0, a login or logout takes {:g}s", login));
  }
  return std::nullopt;
}

RunEstimate estimate_run(const Scenario& scenario, const std::vector<PlatformCost>& platforms) {
  RunEstimate estimate;
  const double replications = scenario.replications;
  const double designs = static_cast<double>(scenario.designs.size());
  estimate.runs = scenario.designs.size() * static_cast<std::size_t>(scenario.replications);
  const double runs_of_all = static_cast<double>(estimate.runs);
  double busiest = -1;
  double buckets = 0, event_rows = 0, server_rows = 0;
  for (std::size_t d = 0; d < scenario.designs.size(); ++d) {
    const DesignCost cost = design_cost(scenario, scenario.designs[d], platforms.at(d));
    if (cost.bytes > estimate.process_bytes) {
      estimate.process_bytes = cost.bytes;
      estimate.process_detail = cost.detail;
    }
    estimate.work_s += replications * cost.work_s;
    buckets += replications * cost.buckets;
    server_rows += replications * cost.server_rows;
    event_rows += replications * cost.event_rows;
    if (cost.events_per_s > busiest) {
      busiest = cost.events_per_s;
      estimate.work_detail =
          fmt::format("{}; design {} makes about {} events per simulated second for {}", plural(runs_of_all, "run", "runs"),
                      scenario.designs[d].name, count_text(cost.events_per_s), format_duration(scenario.duration_s));
    }
  }
  const double runs = static_cast<double>(estimate.runs);
  const double comparisons = designs * (designs - 1) / 2;
  estimate.parent_bytes = kProcessBaseBytes + runs * kParentBytesPerRun + buckets * kParentBytesPerBucket +
                          event_rows * kParentBytesPerEvent + comparisons * kParentBytesPerComparison +
                          server_rows * kParentBytesPerServerRow;
  estimate.parent_detail = fmt::format("{}, {}, {} compared", plural(runs, "run", "runs"),
                                       plural(buckets, "time-series bucket", "time-series buckets"),
                                       plural(comparisons, "pair of designs", "pairs of designs"));
  return estimate;
}

RunPlan plan_run(const RunEstimate& estimate, int jobs, double memory_bytes, int cores) {
  RunPlan plan;
  const int wanted = static_cast<int>(std::max<std::size_t>(1, std::min<std::size_t>(std::max(jobs, 1), estimate.runs)));
  const double one = estimate.parent_bytes + estimate.process_bytes;
  if (one > memory_bytes) {
    plan.refusal = fmt::format(
        "the run needs about {} of memory, more than this machine's {}: one simulation about {} ({}), the results "
        "held for the report about {} ({})",
        format_bytes(one), format_bytes(memory_bytes), format_bytes(estimate.process_bytes),
        estimate.process_detail.empty() ? "the program itself" : estimate.process_detail,
        format_bytes(estimate.parent_bytes), estimate.parent_detail);
    return plan;
  }
  const double fit = std::floor((memory_bytes - estimate.parent_bytes) / estimate.process_bytes);
  plan.jobs = static_cast<int>(std::min<double>(wanted, std::max(1.0, fit)));
  if (plan.jobs < wanted)
    plan.warnings.push_back(fmt::format(
        "running {} simulation{} at a time instead of {}: each needs about {} ({}) of this machine's {}", plan.jobs,
        plan.jobs == 1 ? "" : "s", wanted, format_bytes(estimate.process_bytes), estimate.process_detail,
        format_bytes(memory_bytes)));
  const double parallel = std::max(1, std::min(plan.jobs, std::max(cores, 1)));
  const double wall_s = estimate.work_s / parallel;
  if (wall_s > kRefuseAbove_s) {
    plan.refusal = fmt::format("the run would take {} on this machine ({}), more than a week", format_wall_time(wall_s),
                               estimate.work_detail);
  } else if (wall_s > kWarnAbove_s) {
    plan.warnings.push_back(fmt::format("this run will take {} ({})", format_wall_time(wall_s), estimate.work_detail));
  }
  return plan;
}

std::string format_bytes(double bytes) {
  if (bytes >= 1e12) return fmt::format("{:.3g} TB", bytes / 1e12);
  if (bytes >= 1e9) return fmt::format("{:.1f} GB", bytes / 1e9);
  if (bytes >= 1e6) return fmt::format("{:.0f} MB", bytes / 1e6);
  if (bytes >= 1e3) return fmt::format("{:.0f} kB", bytes / 1e3);
  return fmt::format("{:.0f} B", bytes);
}

std::string format_wall_time(double seconds) {
  if (seconds < 90) return fmt::format("about {:.0f} seconds", seconds);
  if (seconds < 90 * 60) return fmt::format("about {:.0f} minutes", seconds / 60);
  if (seconds < 48 * 3600) return fmt::format("about {:.0f} hours", seconds / 3600);
  if (seconds < 1000 * 86400) return fmt::format("about {:.0f} days", seconds / 86400);
  return fmt::format("about {:.2g} years", seconds / (365 * 86400.0));
}

}  // namespace statesim
