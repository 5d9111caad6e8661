#include "engine/scenario_events.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <variant>

#include "model/effect_ledger.hpp"

namespace statesim::engine {

void ScenarioEvents::schedule_all() {
  const std::vector<ScheduledEvent>& events = world_.design.events;
  for (std::size_t i = 0; i < events.size(); ++i)
    world_.clock.schedule(events[i].at_s, [this, i] { std::visit(*this, world_.design.events[i].action); });
}

EventRow& ScenarioEvents::row(EventKind kind, std::string target, std::int64_t lost, std::string detail) {
  return world_.recorder.add_event(world_.now(), kind, std::move(target), lost, std::move(detail));
}

void ScenarioEvents::note(EventKind kind, std::string target, std::string detail) {
  world_.recorder.add_note(world_.now(), kind, std::move(target), std::move(detail));
}

void ScenarioEvents::operator()(const CrashEvent& crash) {
  const int* s = std::get_if<int>(&crash.target);
  if (s == nullptr) {
    crash_store();
    return;
  }
  const std::string name = server_name(*s);
  if (!pool_.powered(*s)) {
    note(EventKind::crash, name, "already down: nothing happens");
    return;
  }
  pool_.cancel_drain(*s);
  const CrashReport report = pool_.crash(*s);
  // The server's own count of the sessions it held, beside the loss count, so that the two
  // bookkeepings can be checked against each other.
  EventRow& crashed = row(EventKind::crash, name, report.sessions_lost,
                          report.held_text(world_.design, report.sessions_held));
  crashed.sessions_held = report.sessions_held;
  crashed.part2 = report.part2;
}

void ScenarioEvents::operator()(const RestartEvent& restart) {
  const int* s = std::get_if<int>(&restart.target);
  if (s == nullptr) {
    restart_store();
    return;
  }
  const std::string name = server_name(*s);
  if (pool_.powered(*s)) {
    note(EventKind::restart, name, "already up: nothing happens");
    return;
  }
  pool_.restart(*s);
  row(EventKind::restart, name, 0,
      fmt::format("boots for {}s, then rejoins after {} good probes", world_.design.servers.startup_time_s,
                  world_.design.load_balancer.health_check.healthy_after));
}

void ScenarioEvents::operator()(const ScaleEvent& scale) {
  pool_.resize(scale.to, scale.drain_s, fmt::format("scheduled: to {}", scale.to));
}

// A drain of 0 stops the server at once: the end of the drain is then the event's only row.
void ScenarioEvents::operator()(const StopEvent& stop) {
  const std::string name = server_name(stop.server);
  if (pool_.member(stop.server) && !pool_.leaving(stop.server) && stop.drain_s > 0) {
    const std::int64_t held = pool_.sessions_held(stop.server);
    row(EventKind::stop, name, 0,
        fmt::format("scheduled: draining for {}s (no new sessions), then leaves the pool; holds {} sessions",
                    stop.drain_s, held))
        .sessions_held = held;
  }
  if (!pool_.stop(stop.server, stop.drain_s)) note(EventKind::stop, name, "not in the pool: nothing happens");
}

void ScenarioEvents::operator()(const RevokeEvent& revoke) {
  ClientKind::Revoked total;
  for (auto& kind : clients_) {
    const ClientKind::Revoked revoked = kind->revoke(revoke.fraction);
    total.logged_in += revoked.logged_in;
    total.revoked += revoked.revoked;
  }
  row(EventKind::revoke, "users", 0,
      fmt::format("{} of {} logged-in users revoked; {}", total.revoked, total.logged_in, store_.revocation_effect()));
}

void ScenarioEvents::operator()(const TrafficEvent& traffic) {
  std::vector<std::string> changes;
  for (auto& kind : clients_)
    for (std::string& change : kind->change_traffic(traffic)) changes.push_back(std::move(change));
  row(EventKind::traffic, "clients", 0, fmt::format("{}", fmt::join(changes, ", ")));
}

// ------------------------------------------------------------------------------------ the store

void ScenarioEvents::crash_store() {
  if (!store_host_.exists()) {
    note(EventKind::crash, "store", store_.no_store_host_reason());
    return;
  }
  if (!store_host_.up()) {
    note(EventKind::crash, "store", "already down: nothing happens");
    return;
  }
  const double t = world_.now();
  StoreCrash effect = store_.crash(t);
  // Without sessions there, the store's own words are about sessions; say what the crash stops.
  if (!store_host_.holds_sessions() && effects_use_store_host(world_.design))
    effect.detail = "no session store in this design: the effects' database is unavailable until it restarts";
  // The store holds every session (redis, database) or refresh token; a denylist holds none.
  const std::int64_t held = store_.writes_at_login() ? sessions_.active() : 0;
  const std::int64_t lost = effect.loses_sessions ? sessions_.lose_created_since(effect.lost_created_from_s, t) : 0;
  exchanges_.fail_waiting_for_store(store_host_.go_down());
  store_host_.power_off();  // operations in progress fail, and their servers answer 503
  row(EventKind::crash, "store", lost, effect.detail).sessions_held = held;
  if (store_.fails_over()) store_host_.schedule_failover([this] { fail_over(); });
}

void ScenarioEvents::fail_over() {
  if (store_host_.up()) return;
  store_host_.come_up();
  row(EventKind::failover, "store", 0, "the replica serves the sessions");
}

void ScenarioEvents::restart_store() {
  if (!store_host_.exists()) {
    note(EventKind::restart, "store", "no session store in this design");
    return;
  }
  if (store_host_.up()) {
    note(EventKind::restart, "store", "already up: nothing happens");
    return;
  }
  store_host_.come_up();
  row(EventKind::restart, "store", 0, "the store serves requests again");
}

}  // namespace statesim::engine
