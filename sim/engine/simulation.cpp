// One design of a scenario for one replication, on SimGrid: the components of the model wired
// together (docs/architecture.md draws who calls whom), started, run to the end of the
// scenario's duration on SimGrid's clock, and their counts collected.
#include "engine/simulation.hpp"

#include <simgrid/s4u.hpp>

#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "engine/autoscaler.hpp"
#include "engine/clients/client_kind.hpp"
#include "engine/exchanges.hpp"
#include "engine/platform.hpp"
#include "engine/rolling_deploy.hpp"
#include "engine/runner.hpp"
#include "engine/scenario_events.hpp"
#include "engine/server_pool.hpp"
#include "engine/store_host.hpp"
#include "engine/world.hpp"
#include "model/lb/balancer.hpp"
#include "model/session_store.hpp"
#include "model/session_table.hpp"

namespace sg4 = simgrid::s4u;

namespace statesim::engine {
namespace {

// A loop that takes no simulated time runs at most this many actions per user, server and event
// at one instant before it is called one (on top of a floor for small scenarios).
constexpr std::uint64_t kInstantActionsFloor = 1'000'000;
constexpr std::uint64_t kInstantActionsPerEntity = 64;

class Simulation {
 public:
  Simulation(const Scenario& scenario, const Design& design, int replication, Platform platform)
      : world_(scenario, design, replication, std::move(platform)),
        balancer_(design.load_balancer, design.servers.max, world_.stream_key(StreamPurpose::balancer)),
        store_(make_session_store(design.sessions)),
        sessions_(*store_, world_.recorder, design.servers.max),
        pool_(world_, balancer_),
        store_host_(world_, *store_),
        exchanges_(world_, pool_, balancer_, store_host_),
        parts_{world_, pool_, balancer_, store_host_, *store_, sessions_, exchanges_},
        deploy_(world_, pool_, balancer_),
        events_(world_, pool_, store_host_, *store_, sessions_, exchanges_, clients_, deploy_),
        autoscaler_(world_, pool_) {
    // What a server's stop destroys, in this order: its memory sessions, then its requests.
    pool_.set_sessions_held([this](int s) { return sessions_.held_by(s); });
    pool_.on_stop([this](int s, CrashReport& report) {
      report.sessions_held = sessions_.held_by(s);
      report.sessions_lost = sessions_.lose_held_by(s, world_.now());
    });
    pool_.on_stop([this](int s, CrashReport& report) { exchanges_.server_stopped(s, report); });
    clients_ = make_client_kinds(parts_);  // after the two above: they subscribe after them
    world_.clock.set_before_firing([this] { world_.activities.release_finished(); });
    const std::uint64_t entities = static_cast<std::uint64_t>(design.clients.users) +
                                   static_cast<std::uint64_t>(design.servers.max) + design.events.size();
    world_.clock.set_instant_budget(kInstantActionsFloor + kInstantActionsPerEntity * entities);
  }

  RunResult run(sg4::Engine& engine) {
    // The order of these first actions is the order of same-time actions later: keep it.
    for (auto& kind : clients_) kind->start();
    events_.schedule_all();
    pool_.start_health_checks([this] { deploy_.after_probe_round(); });
    autoscaler_.start();
    for (std::size_t b = 1; b < world_.recorder.bucket_count(); ++b)
      world_.clock.schedule(world_.recorder.bucket_start(b), [this, b] { close_bucket(b - 1); }, Clock::Lane::observe);
    engine.run_until(world_.scenario.duration_s);
    return finish();
  }

 private:
  BucketSnapshot snapshot(double t) {
    BucketSnapshot snapshot;
    snapshot.active_sessions = sessions_.active();
    snapshot.servers_up = pool_.servers_up();
    snapshot.servers_in_rotation = balancer_.in_rotation();
    const CpuTotals cpu = pool_.cpu_totals(t);
    snapshot.busy_core_s = cpu.busy_core_s;
    snapshot.service_core_s = cpu.service_core_s;
    snapshot.busy_worker_s = cpu.busy_worker_s;
    snapshot.service_worker_s = cpu.service_worker_s;
    snapshot.has_store = store_host_.exists();
    const StoreHost::Usage store = store_host_.usage(t);
    snapshot.store_busy_slot_s = store.busy_slot_s;
    snapshot.store_slot_s = store.slot_s;
    return snapshot;
  }

  // The per-server view: each server's state and CPU counters at `t`.
  void close_server_bucket(std::size_t index, double t) {
    if (!world_.recorder.keeps_server_rows()) return;
    server_states_.resize(static_cast<std::size_t>(pool_.size()));
    for (int s = 0; s < pool_.size(); ++s) {
      ServerSnapshot& state = server_states_[static_cast<std::size_t>(s)];
      state.up = pool_.powered(s);
      state.in_rotation = balancer_.view(s).accepts_new_sessions;
      state.sessions_held = sessions_.held_by(s);
      state.connections = pool_.counts_connections() ? pool_.connections_held(s) : -1;
      const CpuTotals cpu = pool_.cpu_of(s, t);
      state.busy_core_s = cpu.busy_core_s;
      state.service_core_s = cpu.service_core_s;
    }
    world_.recorder.close_server_bucket(index, server_states_);
  }

  void close_bucket(std::size_t index) {
    const double t = std::min(world_.now(), world_.scenario.duration_s);
    close_server_bucket(index, t);
    world_.recorder.close_bucket(index, snapshot(t));
  }

  RunResult finish() {
    const double end = world_.scenario.duration_s;
    for (auto& kind : clients_) kind->finish(end);
    sessions_.expire_idle(end);
    close_server_bucket(world_.recorder.bucket_count() - 1, end);
    return world_.recorder.finish(end, snapshot(end), exchanges_.residual_sojourn_s(end));
  }

  World world_;
  lb::Balancer balancer_;
  std::unique_ptr<SessionStore> store_;
  SessionTable sessions_;
  ServerPool pool_;
  StoreHost store_host_;
  Exchanges exchanges_;
  EngineParts parts_;
  std::vector<std::unique_ptr<ClientKind>> clients_;
  RollingDeploy deploy_;
  ScenarioEvents events_;
  Autoscaler autoscaler_;
  std::vector<ServerSnapshot> server_states_;  // reused at every bucket's end
};

}  // namespace

RunResult simulate(const Scenario& scenario, const Design& design, int replication) {
  int argc = 2;
  char program[] = "statesim";
  char quiet[] = "--log=root.thres:critical";
  char* argv[] = {program, quiet, nullptr};
  sg4::Engine engine(&argc, argv);
  Platform platform;
  try {
    platform = build_platform(engine, design);
  } catch (const std::exception& error) {
    throw RunFailure(error.what(), /*input_error=*/true);
  }
  // Activities still in flight at the end belong to the engine, which is never torn down: the
  // run happens in a child process that exits right after sending its result. So is the model.
  auto* simulation = new Simulation(scenario, design, replication, std::move(platform));
  try {
    return simulation->run(engine);
  } catch (const ZeroTimeLoop& loop) {
    throw RunFailure(fmt::format("{}: design {}: {}", scenario.source_path, design.name, loop.what()),
                     /*input_error=*/true);
  }
}

}  // namespace statesim::engine
