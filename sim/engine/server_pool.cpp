#include "engine/server_pool.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <limits>

#include "model/scale_in_pick.hpp"

namespace statesim::engine {

std::string CrashReport::held_text(const Design& design, std::int64_t held_sessions) const {
  std::vector<std::string> parts;
  if (design.has_logins()) parts.push_back(fmt::format("held {} sessions", held_sessions));
  if (design.has_requests()) parts.push_back(fmt::format("{} requests in it failed", requests_reset));
  parts.insert(parts.end(), notes.begin(), notes.end());
  return fmt::format("{}", fmt::join(parts, "; "));
}

ServerPool::ServerPool(World& world, lb::Balancer& balancer)
    : world_(world), balancer_(balancer), last_resize_at_(-std::numeric_limits<double>::infinity()) {
  const ServerSpec& spec = world.design.servers;
  servers_.resize(static_cast<std::size_t>(spec.max));
  for (int s = 0; s < spec.max; ++s) {
    Server& server = servers_[index(s)];
    server.host = world.platform.servers[index(s)];
    server.store_side = world.platform.store_sides[index(s)];
    if (s < spec.count) {
      server.member = server.powered = server.healthy = true;
    } else {
      power(server, false);
    }
    tell_balancer(s);
  }
}

// The server's host, and the host its store traffic leaves from when that is another one.
void ServerPool::power(Server& server, bool on) {
  std::vector<simgrid::s4u::Host*> hosts = {server.host};
  if (server.store_side != server.host) hosts.push_back(server.store_side);
  for (simgrid::s4u::Host* host : hosts) {
    if (on) {
      host->turn_on();
    } else {
      host->turn_off();
    }
  }
}

bool ServerPool::serving(int s) const {
  const Server& server = servers_[index(s)];
  return server.powered && world_.now() >= server.ready_at;
}

int ServerPool::active_members() const {
  int count = 0;
  for (const Server& server : servers_)
    if (server.member && !server.leaving) count++;
  return count;
}

int ServerPool::servers_up() const {
  int count = 0;
  for (const Server& server : servers_) count += server.powered ? 1 : 0;
  return count;
}

void ServerPool::tell_balancer(int s) {
  const Server& server = servers_[index(s)];
  balancer_.update(s, server.member, server.healthy, server.draining);
}

// ------------------------------------------------------------------------------------ workers

bool ServerPool::take_worker(int s) {
  Server& server = servers_[index(s)];
  if (server.busy_workers >= world_.design.servers.workers) return false;
  account_cpu(server, world_.now());
  server.busy_workers++;
  return true;
}

bool ServerPool::queue_full(int s) const {
  return static_cast<std::int64_t>(servers_[index(s)].queue.size()) >= world_.design.servers.queue_limit;
}

std::optional<std::uint32_t> ServerPool::release_worker(int s) {
  Server& server = servers_[index(s)];
  account_cpu(server, world_.now());
  server.busy_workers--;
  if (server.queue.empty() || !serving(s)) return std::nullopt;
  const std::uint32_t next = server.queue.front();
  server.queue.pop_front();
  server.busy_workers++;  // the freed worker takes it
  return next;
}

// ------------------------------------------------------------------------------------ CPU

void ServerPool::account_cpu(Server& server, double t) {
  const double span = t - server.accounted_until;
  if (span <= 0) return;
  if (server.powered && t > server.ready_at) {
    const double cores = world_.design.servers.cores;
    const double from = std::max(server.accounted_until, server.ready_at);
    server.busy_core_s += std::min<double>(server.running_cpu, cores) * span;
    server.service_core_s += cores * (t - from);
    server.busy_worker_s += server.busy_workers * span;
    server.service_worker_s += world_.design.servers.workers * (t - from);
  }
  server.accounted_until = t;
}

void ServerPool::cpu_started(int s) {
  Server& server = servers_[index(s)];
  account_cpu(server, world_.now());
  server.running_cpu++;
}

void ServerPool::cpu_ended(int s) {
  Server& server = servers_[index(s)];
  account_cpu(server, world_.now());
  server.running_cpu--;
}

CpuTotals ServerPool::cpu_of(int s, double t) {
  Server& server = servers_[index(s)];
  account_cpu(server, t);
  return {server.busy_core_s, server.service_core_s, server.busy_worker_s, server.service_worker_s};
}

CpuTotals ServerPool::cpu_totals(double t) {
  CpuTotals totals;
  for (Server& server : servers_) {
    account_cpu(server, t);
    totals.busy_core_s += server.busy_core_s;
    totals.service_core_s += server.service_core_s;
    totals.busy_worker_s += server.busy_worker_s;
    totals.service_worker_s += server.service_worker_s;
  }
  return totals;
}

// ------------------------------------------------------------------------------------ lifecycle

CrashReport ServerPool::crash(int s) {
  CrashReport report;
  Server& server = servers_[index(s)];
  if (!server.powered) return report;
  account_cpu(server, world_.now());
  for (const StopListener& listener : stop_listeners_) listener(s, report);
  server.queue.clear();
  server.busy_workers = 0;
  server.running_cpu = 0;
  server.powered = false;
  power(server, false);
  return report;
}

void ServerPool::restart(int s) {
  Server& server = servers_[index(s)];
  if (server.powered) return;
  account_cpu(server, world_.now());
  power(server, true);
  server.powered = true;
  server.ready_at = world_.now() + world_.design.servers.startup_time_s;
  server.good_probes = server.bad_probes = 0;
}

void ServerPool::start(int s) {
  Server& server = servers_[index(s)];
  server.member = true;
  server.healthy = false;
  server.draining = server.leaving = false;
  server.started_at = world_.now();
  restart(s);
  tell_balancer(s);
}

void ServerPool::start_drain(int s, double drain_s, bool leaving) {
  Server& server = servers_[index(s)];
  server.draining = true;
  server.leaving = leaving;
  world_.clock.cancel(server.drain_end);
  tell_balancer(s);
  if (drain_s <= 0) {
    end_drain(s);
  } else {
    server.drain_end = world_.clock.schedule(world_.now() + drain_s, [this, s] { end_drain(s); });
  }
}

void ServerPool::cancel_drain(int s) {
  Server& server = servers_[index(s)];
  if (!server.draining) return;
  world_.clock.cancel(server.drain_end);
  server.draining = false;
  if (server.leaving) server.member = server.leaving = false;
  tell_balancer(s);
}

bool ServerPool::drained(int s) const {
  const Server& server = servers_[index(s)];
  if (sessions_held(s) != 0 || server.busy_workers != 0 || !server.queue.empty() || balancer_.view(s).in_flight != 0)
    return false;
  return std::all_of(holders_.begin(), holders_.end(), [s](const auto& held) { return held(s) == 0; });
}

void ServerPool::end_drain(int s) {
  Server& server = servers_[index(s)];
  world_.clock.cancel(server.drain_end);
  const std::int64_t held = sessions_held(s);
  const CrashReport report = server.powered ? crash(s) : CrashReport{};
  server.draining = false;
  server.healthy = false;  // a planned stop: the balancer is told at once
  const auto add_row = [&](EventKind kind, const char* what) {
    std::string detail = fmt::format("end of drain, {}", what);
    const std::string held_text = report.held_text(world_.design, held);
    if (!held_text.empty()) detail += "; " + held_text;
    EventRow& row = world_.recorder.add_event(world_.now(), kind, server_name(s), report.sessions_lost,
                                              std::move(detail));
    row.sessions_held = held;
    row.part2 = report.part2;
  };
  if (server.leaving) {
    server.member = false;
    server.leaving = false;
    tell_balancer(s);
    add_row(EventKind::stop, "leaves the pool");
    return;
  }
  restart(s);
  tell_balancer(s);
  add_row(EventKind::deploy_restart, "restarts with the new version");
}

bool ServerPool::stop(int s, double drain_s) {
  const Server& server = servers_[index(s)];
  if (!server.member || server.leaving) return false;
  start_drain(s, drain_s, /*leaving=*/true);
  return true;
}

void ServerPool::resize(int target, double drain_s, const std::string& why, ScaleInPick pick) {
  const int current = active_members();
  const double now = world_.now();
  if (target > current) {
    std::vector<std::string> names;
    for (int s = 0; s < size() && current + static_cast<int>(names.size()) < target; ++s) {
      if (servers_[index(s)].member || servers_[index(s)].powered) continue;
      start(s);
      names.push_back(server_name(s));
    }
    if (names.empty()) return;  // every host of the pool (servers.max) is in use or still stopping
    world_.recorder.add_event(now, EventKind::scale_out, "pool", 0,
                              fmt::format("{}; {} -> {} servers, starting {}", why, current,
                                          current + static_cast<int>(names.size()), fmt::join(names, " ")));
  } else if (target < current) {
    std::vector<ScaleInCandidate> candidates;
    for (int s = 0; s < size(); ++s)
      if (servers_[index(s)].member && !servers_[index(s)].leaving)
        candidates.push_back({s, servers_[index(s)].started_at, sessions_held(s)});
    const std::vector<int> leaving =
        pick_scale_in(std::move(candidates), static_cast<std::size_t>(current - target), pick);
    std::vector<std::string> names;
    std::int64_t held = 0;
    for (int s : leaving) {
      names.push_back(server_name(s));
      held += sessions_held(s);
    }
    world_.recorder
        .add_event(now, EventKind::scale_in, "pool", 0,
                   fmt::format("{}; {} -> {} servers, draining {}{} for {}s; they hold {} sessions", why, current,
                               target, fmt::join(names, " "),
                               pick == ScaleInPick::fewest_sessions ? " (the fewest sessions)" : "", drain_s, held))
        .sessions_held = held;
    for (int s : leaving) start_drain(s, drain_s, /*leaving=*/true);
  } else {
    world_.recorder.add_note(now, EventKind::scale, "pool", fmt::format("{}; already {} servers", why, current));
  }
  last_resize_at_ = now;
}

// ------------------------------------------------------------------------------------ health checks

void ServerPool::start_health_checks(std::function<void()> after_round) {
  after_probe_round_ = std::move(after_round);
  world_.clock.schedule(world_.design.load_balancer.health_check.interval_s, [this] { probe_round(); });
}

void ServerPool::probe_round() {
  const HealthCheckSpec& check = world_.design.load_balancer.health_check;
  for (int s = 0; s < size(); ++s) {
    Server& server = servers_[index(s)];
    if (!server.member) continue;
    if (serving(s)) {
      server.bad_probes = 0;
      if (!server.healthy && ++server.good_probes >= check.healthy_after) server.healthy = true;
    } else {
      server.good_probes = 0;
      if (server.healthy && ++server.bad_probes >= check.unhealthy_after) server.healthy = false;
    }
    tell_balancer(s);
    if (server.draining && server.powered && drained(s)) end_drain(s);  // nothing left to wait for
  }
  for (const auto& listener : probe_listeners_) listener();
  if (after_probe_round_) after_probe_round_();
  world_.clock.schedule(world_.now() + check.interval_s, [this] { probe_round(); });
}

}  // namespace statesim::engine
