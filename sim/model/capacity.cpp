#include "model/capacity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "model/session_store.hpp"

namespace statesim {
namespace {

// "80% of" or "3.2 times" the capacity.
std::string share_text(double share) {
  return share < 10 ? fmt::format("{:.0f}% of", share * 100) : fmt::format("{:.3g} times", share);
}

// "1.9 s", "48 ms", "0.3 ms".
std::string wait_text(double ms) {
  if (ms >= 1000) return fmt::format("{:.1f} s", ms / 1000);
  if (ms >= 10) return fmt::format("{:.0f} ms", ms);
  return fmt::format("{:.1f} ms", ms);
}

std::string store_slots_text(const OfferedLoad& load) {
  return load.store_slots == 1 ? fmt::format("{} (one operation at a time)", load.store_name)
                               : fmt::format("{} connections", load.store_name);
}

}  // namespace

namespace {

// Part 2's CPU per second: messages on the sender's server (and, published, on every server
// holding connections), ticks of the matches in progress (uploads' chunks are added apart).
double part2_cpu_s_per_s(const Design& design) {
  double cpu = 0;
  if (const auto& realtime = design.realtime) {
    const double connected = realtime->workload == Workload::closed
                                 ? static_cast<double>(realtime->users)
                                 : realtime->arrival_rate_per_s * realtime->connection_duration_s.mean();
    const double handled = realtime->delivery == Delivery::local ? 1 : 1 + design.servers.count;
    cpu += connected * realtime->message_rate_per_s * realtime->message_cpu_s * handled;
  }
  if (const auto& games = design.games)
    cpu += games->arrival_rate_per_s * games->match_duration_s.mean() * games->tick_rate_per_s * games->tick_cpu_s;
  return cpu;
}

}  // namespace

UploadLoad upload_load(const Design& design) {
  const UploadSpec& uploads = design.uploads;
  UploadLoad load;
  if (!uploads.enabled) return load;
  const double size = uploads.size_B.mean();
  const double chunks = size / uploads.chunk_B + 1;
  load.uploads_per_s = uploads.arrival_rate_per_s;
  load.chunks_per_s = load.uploads_per_s * chunks;
  load.requests_per_s = uploads.mode == UploadMode::presigned ? load.uploads_per_s : load.chunks_per_s;
  load.bytes_per_s = load.uploads_per_s * size;
  // One upload alone: its bytes at its own link's rate, and a round trip per chunk.
  const NetworkSpec& network = design.network;
  const double alone_s = size / std::min(uploads.client_bandwidth_Bps, network.bandwidth_Bps) +
                         chunks * 2 * (network.client_latency_s + network.internal_latency_s);
  load.in_progress = load.uploads_per_s * alone_s;
  load.link_capacity_Bps = uploads.mode == UploadMode::server_memory
                               ? design.servers.count * design.network.bandwidth_Bps
                               : design.network.bandwidth_Bps;  // every byte crosses the object store's link
  return load;
}

OfferedLoad offered_load(const Design& design) {
  const ClientSpec& clients = design.clients;
  const ServerSpec& servers = design.servers;
  OfferedLoad load;
  load.cpu_capacity = servers.count * std::min(servers.cores, servers.workers) * servers.speed;
  // Part 2's populations (realtime messages, game ticks, upload chunks) take CPU beside the web
  // visitors; the worker and store estimates below are the web visitors'.
  load.cpu_s_per_s = part2_cpu_s_per_s(design) + upload_load(design).requests_per_s * design.uploads.chunk_cpu_s;
  if (!clients.present) return load;
  const auto store = make_session_store(design.sessions);
  double weights = 0, cpu = 0, writes = 0;
  for (const auto& kind : clients.requests) {
    weights += kind.weight;
    cpu += kind.weight * kind.cpu_s.mean();
    writes += kind.writes_session ? kind.weight : 0;
  }
  cpu /= weights;
  writes /= weights;
  const double think = std::max(clients.think_time_s.mean(), 1e-9);
  const double session = clients.session_duration_s.mean();
  if (clients.workload == Workload::open) {
    load.logged_in_users = clients.arrival_rate_per_s * session;
    load.visits_per_s = clients.arrival_rate_per_s;
  } else {
    const double relogin = clients.relogin_after_s.mean();
    load.logged_in_users = static_cast<double>(clients.users) * session / std::max(session + relogin, 1e-9);
    load.visits_per_s = static_cast<double>(clients.users) / std::max(session + relogin, 1e-9);
  }
  load.requests_per_s = load.logged_in_users / think;
  load.cpu_s_per_s += load.requests_per_s * cpu;

  // A worker holds a request through its store operations (each with a round trip to the
  // store host) and its CPU demand.
  load.has_store = store->has_store_host();
  load.store_name = store->store_host_name();
  load.store_slots = store->concurrent_operations();
  load.store_operation_s = store->mean_operation_time_s();
  const double operation_s = load.store_operation_s + 2 * design.network.internal_latency_s;
  // A page reads the session (and writes it if it changes it); a login writes it; a logout reads
  // and deletes it; a refresh reads the refresh token and signs a new access token like a login.
  const double read_ops = load.has_store && store->looks_up_every_request() ? 1 : 0;
  const double page_ops = read_ops + (load.has_store && store->writes_sessions() ? writes : 0);
  const double login_ops = load.has_store && store->writes_at_login() ? 1 : 0;
  const double extra_cpu = store->extra_cpu_s();
  const double login_cpu = design.sessions.login_cpu_s;
  if (store->has_refresh_tokens()) {  // one refresh per access token's life and the think that follows
    const double access_s = std::max(design.sessions.jwt.expiry_s - clients.timeout_s, 0.0);
    load.refreshes_per_s = load.logged_in_users / (access_s + think);
  }
  load.all_requests_per_s = load.requests_per_s + 2 * load.visits_per_s + load.refreshes_per_s;
  const double ops_per_s =
      load.requests_per_s * page_ops + load.visits_per_s * (2 * login_ops + read_ops) + load.refreshes_per_s;
  const double cpu_seconds = (load.requests_per_s * (cpu + extra_cpu) +
                              (2 * load.visits_per_s + load.refreshes_per_s) * (login_cpu + extra_cpu)) /
                             servers.speed;
  if (load.all_requests_per_s > 0) {
    load.store_part_s = ops_per_s * operation_s / load.all_requests_per_s;
    load.worker_hold_s = load.store_part_s + cpu_seconds / load.all_requests_per_s;
  }
  load.worker_capacity_per_s =
      load.worker_hold_s > 0 ? servers.count * servers.workers / load.worker_hold_s : INFINITY;
  load.store_ops_per_s = ops_per_s;
  load.store_capacity_per_s =
      load.store_operation_s > 0 ? load.store_slots / load.store_operation_s : INFINITY;
  return load;
}

std::vector<std::string> capacity_warnings(const Scenario& scenario) {
  std::vector<std::string> warnings;
  for (const Design& design : scenario.designs) {
    const ClientSpec& clients = design.clients;
    if (clients.present && clients.workload == Workload::closed && clients.start == StartState::empty &&
        clients.ramp_up_s <= 0 && clients.users >= kSimultaneousLoginsWarning)
      warnings.push_back(fmt::format(
          "{}: all {} users log in at t = 0 (no clients.ramp_up): that many requests at one instant queue at the "
          "servers, and SimGrid's bookkeeping of that many transfers in flight makes each of them slow; give a "
          "ramp_up or clients.start: steady_state",
          design.name, clients.users));
    const auto& realtime = design.realtime;
    if (realtime && realtime->workload == Workload::closed && realtime->ramp_up_s <= 0 &&
        realtime->users >= kSimultaneousLoginsWarning)
      warnings.push_back(fmt::format(
          "{}: all {} realtime users log in and connect at t = 0 (no realtime.ramp_up): that many requests at one "
          "instant queue at the servers, and SimGrid's bookkeeping of that many transfers in flight makes each of "
          "them slow; give a ramp_up",
          design.name, realtime->users));
    const OfferedLoad load = offered_load(design);
    const double share = load.cpu_s_per_s / load.cpu_capacity;
    if (share >= 1.0)
      warnings.push_back(fmt::format(
          "{}: the offered CPU load is about {} the servers' capacity: queues grow without bound and "
          "latencies depend on the run length",
          design.name, share_text(share)));
    // Workers that only run CPU saturate with the cores: the CPU warning says it already.
    const double worker_share = load.all_requests_per_s / load.worker_capacity_per_s;
    if (worker_share >= 1.0 && share < 1.0) {
      const std::string store_part =
          load.store_part_s > 0
              ? fmt::format(" ({:.1f} ms of it waiting for the {})", load.store_part_s * 1e3, load.store_name)
              : "";
      warnings.push_back(fmt::format(
          "{}: about {:.0f} requests/s are offered to {} workers ({} servers x {}), which serve at most "
          "about "
          "{:.0f}/s: a request holds its worker {:.1f} ms on average{}; that is {} their capacity, so queues "
          "grow "
          "without bound (more servers.workers or servers{})",
          design.name, load.all_requests_per_s, design.servers.count * design.servers.workers,
          design.servers.count, design.servers.workers, load.worker_capacity_per_s, load.worker_hold_s * 1e3,
          store_part, share_text(worker_share), load.store_part_s > 0 ? ", or a faster store" : ""));
    }
    const double store_share = load.store_ops_per_s / load.store_capacity_per_s;
    if (load.has_store && store_share >= 1.0)
      warnings.push_back(fmt::format(
          "{}: about {:.0f} store operations/s are offered to the {}, which {} at most about {:.0f}/s "
          "({:.3g} ms each): that is {} its capacity, so operations queue without bound",
          design.name, load.store_ops_per_s, store_slots_text(load),
          load.store_slots == 1 ? "serves" : "serve", load.store_capacity_per_s, load.store_operation_s * 1e3,
          share_text(store_share)));
    const UploadLoad uploads = upload_load(design);
    if (design.uploads.enabled && design.platform_file.empty() && uploads.bytes_per_s >= uploads.link_capacity_Bps)
      warnings.push_back(fmt::format(
          "{}: the uploads offer about {:.3g} MB/s, {} of {:.3g} MB/s: uploads slow down without bound and their "
          "times depend on the run length",
          design.name, uploads.bytes_per_s / 1e6,
          design.uploads.mode == UploadMode::server_memory ? "more than the servers' links" : "more than the object store's link",
          uploads.link_capacity_Bps / 1e6));
  }
  return warnings;
}

std::vector<std::string> saturation_notes(const Design& design, const Utilization& used) {
  std::vector<std::string> notes;
  const OfferedLoad load = offered_load(design);
  auto percent = [](double fraction) { return fmt::format("{:.0f}%", fraction * 100); };
  if (used.workers >= kSaturatedUtilization) {
    std::string note = fmt::format("app server workers {} busy: requests wait {} for one",
                                   percent(used.workers), wait_text(used.queue_wait_ms));
    if (load.has_store && used.cpu < used.workers / 2)
      note += fmt::format(" (CPU only {} busy: a worker waits for the {} during each store operation)",
                          percent(used.cpu), load.store_name);
    notes.push_back(note);
  }
  if (load.has_store && used.store >= kSaturatedUtilization)
    notes.push_back(fmt::format("{} {} busy: requests wait {} for {}", store_slots_text(load),
                                percent(used.store), wait_text(used.store_wait_ms),
                                load.store_slots == 1 ? "it" : "one"));
  if (used.cpu >= kSaturatedUtilization) notes.push_back(fmt::format("CPU {} busy", percent(used.cpu)));
  return notes;
}

}  // namespace statesim
