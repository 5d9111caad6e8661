// The scenario's timed events, one handler per kind: what a crash, a restart, a deploy, a
// scale, a stop, a revocation or a traffic change does, and the events.csv row it leaves.
#pragma once

#include "engine/clients/client_kind.hpp"
#include "engine/exchanges.hpp"
#include "engine/rolling_deploy.hpp"
#include "engine/server_pool.hpp"
#include "engine/store_host.hpp"
#include "engine/world.hpp"
#include "model/session_table.hpp"

namespace statesim::engine {

class ScenarioEvents {
 public:
  ScenarioEvents(World& world, ServerPool& pool, StoreHost& store_host, SessionStore& store, SessionTable& sessions,
                 Exchanges& exchanges, std::vector<std::unique_ptr<ClientKind>>& clients, RollingDeploy& deploy)
      : world_(world),
        pool_(pool),
        store_host_(store_host),
        store_(store),
        sessions_(sessions),
        exchanges_(exchanges),
        clients_(clients),
        deploy_(deploy) {}

  // Schedules every event of the design at its time (same-time events in file order).
  void schedule_all();

  void operator()(const CrashEvent& crash);
  void operator()(const RestartEvent& restart);
  void operator()(const DeployEvent& deploy) { deploy_.begin(deploy); }
  void operator()(const ScaleEvent& scale);
  void operator()(const RevokeEvent& revoke);
  void operator()(const TrafficEvent& traffic);
  void operator()(const StopEvent& stop);

 private:
  void crash_store();
  void restart_store();
  void fail_over();
  EventRow& row(EventKind kind, std::string target, std::int64_t lost, std::string detail);
  // A row for an event that changed nothing: it opens no window of consequences.
  void note(EventKind kind, std::string target, std::string detail);

  World& world_;
  ServerPool& pool_;
  StoreHost& store_host_;
  SessionStore& store_;
  SessionTable& sessions_;
  Exchanges& exchanges_;
  std::vector<std::unique_ptr<ClientKind>>& clients_;
  RollingDeploy& deploy_;
};

}  // namespace statesim::engine
