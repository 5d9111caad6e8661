// A kind of client: a population of users with its own behaviour (web visitors, and the
// workloads of part 2 of the format). Each kind is a file of its own in engine/clients/ and one
// line in the registry (clients/registry.cpp); the simulation builds the kinds a design has,
// starts them, and lets them add their counts at the end.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/exchanges.hpp"
#include "engine/server_pool.hpp"
#include "engine/store_host.hpp"
#include "engine/world.hpp"
#include "model/lb/balancer.hpp"
#include "model/session_store.hpp"
#include "model/session_table.hpp"

namespace statesim::engine {

// The parts of the engine a client kind may use.
struct EngineParts {
  World& world;
  ServerPool& pool;
  lb::Balancer& balancer;
  StoreHost& store_host;
  SessionStore& store;
  SessionTable& sessions;
  Exchanges& exchanges;
};

class ClientKind {
 public:
  virtual ~ClientKind() = default;
  // Schedules the population's first steps (at t = 0 the clock has not started yet).
  virtual void start() = 0;
  // At the end of the run (`end_s`), before the summary is closed: counts of what is still in
  // progress, end-of-run invariants of its own.
  virtual void finish(double end_s) { (void)end_s; }

  // A revoke event: each logged-in user of this kind is revoked with probability `fraction`.
  struct Revoked {
    std::int64_t logged_in = 0;
    std::int64_t revoked = 0;
  };
  virtual Revoked revoke(double fraction) {
    (void)fraction;
    return {};
  }
  // A traffic event: applies what concerns this kind; returns what changed, for the event row.
  virtual std::vector<std::string> change_traffic(const TrafficEvent& traffic) {
    (void)traffic;
    return {};
  }
};

// The client kinds `parts.world.design` has, in the registry's order (which is also the order of
// their first same-time actions).
std::vector<std::unique_ptr<ClientKind>> make_client_kinds(EngineParts& parts);

}  // namespace statesim::engine
