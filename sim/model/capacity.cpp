#include "model/capacity.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace statesim {

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
  OfferedLoad load;
  if (clients.present) {
    double weights = 0, cpu = 0;
    for (const auto& kind : clients.requests) {
      weights += kind.weight;
      cpu += kind.weight * kind.cpu_s.mean();
    }
    cpu /= weights;
    const double think = std::max(clients.think_time_s.mean(), 1e-9);
    const double session = clients.session_duration_s.mean();
    if (clients.workload == Workload::open) {
      load.logged_in_users = clients.arrival_rate_per_s * session;
    } else {
      const double relogin = clients.relogin_after_s.mean();
      load.logged_in_users = static_cast<double>(clients.users) * session / std::max(session + relogin, 1e-9);
    }
    load.requests_per_s = load.logged_in_users / think;
    load.cpu_s_per_s = load.requests_per_s * cpu;
  }
  load.cpu_s_per_s += part2_cpu_s_per_s(design) + upload_load(design).requests_per_s * design.uploads.chunk_cpu_s;
  load.cpu_capacity =
      design.servers.count * std::min(design.servers.cores, design.servers.workers) * design.servers.speed;
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
          design.name, share < 10 ? fmt::format("{:.0f}% of", share * 100) : fmt::format("{:.3g} times", share)));
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

}  // namespace statesim
