// The app servers: their hosts, worker slots and FIFO queues, CPU accounting, the balancer's
// health checks, and their lifecycle (crash, restart, start, drain, stop, resize). What a
// server holds (sessions, requests, later connections) belongs to other components: they
// subscribe to its stop and report what they lost in the CrashReport.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/world.hpp"
#include "model/lb/balancer.hpp"

namespace statesim::engine {

// What a server's stop (crash, end of a drain) destroyed.
struct CrashReport {
  std::int64_t sessions_held = 0;   // the server's own count of the memory sessions it held
  std::int64_t sessions_lost = 0;   // sessions lost (counted session by session)
  std::int64_t requests_reset = 0;  // requests in it whose client was still waiting
  // What part 2's holders found and lost (connections, matches): its own columns of the event
  // row.
  Part2Losses part2;
  std::vector<std::string> notes;  // what else it held and lost, for the event row ("3 uploads ...")
  // For the event row: "held 12 sessions; 3 requests in it failed" and the notes, joined by
  // "; ", each part only where `design` has the population it is about (a server of game
  // matches alone says what it did to the matches).
  std::string held_text(const Design& design, std::int64_t held_sessions) const;
};

// What the servers' cores and workers did, every server, since t = 0.
struct CpuTotals {
  double busy_core_s = 0;       // core-seconds spent running executions
  double service_core_s = 0;    // core-seconds of servers in service (powered and booted)
  double busy_worker_s = 0;     // worker-seconds holding a request (store waits included)
  double service_worker_s = 0;  // worker-seconds of servers in service
};

class ServerPool {
 public:
  ServerPool(World& world, lb::Balancer& balancer);

  int size() const { return static_cast<int>(servers_.size()); }
  simgrid::s4u::Host* host(int s) const { return servers_[index(s)].host; }
  // Where the server's traffic with the store starts and ends (see Platform::store_sides).
  simgrid::s4u::Host* store_side(int s) const { return servers_[index(s)].store_side; }
  bool powered(int s) const { return servers_[index(s)].powered; }
  // Powered and past its start-up: answers requests and probes.
  bool serving(int s) const;
  bool member(int s) const { return servers_[index(s)].member; }
  bool leaving(int s) const { return servers_[index(s)].leaving; }
  bool draining(int s) const { return servers_[index(s)].draining; }
  // Members that are not on their way out.
  int active_members() const;
  int servers_up() const;

  // ---- workers: `workers` requests in service at once, the rest wait FIFO up to queue_limit
  bool take_worker(int s);
  bool queue_full(int s) const;
  void enqueue(int s, std::uint32_t exchange) { servers_[index(s)].queue.push_back(exchange); }
  // Frees a worker; returns the queued exchange it takes next, if the server still serves.
  std::optional<std::uint32_t> release_worker(int s);

  // ---- CPU accounting (executions running on the host)
  void cpu_started(int s);
  void cpu_ended(int s);
  CpuTotals cpu_totals(double t);

  // ---- what servers hold
  using StopListener = std::function<void(int server, CrashReport& report)>;
  // Called, in subscription order, when a server's host goes down.
  void on_stop(StopListener listener) { stop_listeners_.push_back(std::move(listener)); }
  // How many sessions a server holds in memory (for drains and event details).
  void set_sessions_held(std::function<std::int64_t(int)> count) { sessions_held_ = std::move(count); }
  std::int64_t sessions_held(int s) const { return sessions_held_ ? sessions_held_(s) : 0; }
  // How many realtime connections a server holds (for the per-server view); absent without them.
  void set_connections_held(std::function<std::int64_t(int)> count) { connections_held_ = std::move(count); }
  bool counts_connections() const { return static_cast<bool>(connections_held_); }
  std::int64_t connections_held(int s) const { return connections_held_ ? connections_held_(s) : 0; }
  // What each server's cores did since t = 0 (the per-server view); `t` integrates up to now.
  CpuTotals cpu_of(int s, double t);
  // Something else a draining server must wait for before it stops early (connections, matches,
  // uploads in progress): how many of it the server holds.
  void add_holder(std::function<std::int64_t(int)> count) { holders_.push_back(std::move(count)); }
  // Called after each round of health probes (before the rolling deploy's own step), for what
  // waits until the balancer has noticed a failure.
  void on_probe_round(std::function<void()> listener) { probe_listeners_.push_back(std::move(listener)); }

  // ---- lifecycle
  // The host goes down at once; everything in it fails. Nothing happens to a stopped server.
  CrashReport crash(int s);
  // Powers a stopped host: it boots for startup_time, then answers probes.
  void restart(int s);
  // A new member boots; the balancer sends it nothing until it has passed its health probes.
  void start(int s);
  // The balancer stops sending new sessions; after `drain_s` (or once the server holds no
  // session and no request) it stops; a leaving server then leaves the pool, a deploy's
  // restarts. Memory sessions still on it are lost.
  void start_drain(int s, double drain_s, bool leaving);
  // A crash ends a drain: a leaving server has left, a deploy's waits for a restart.
  void cancel_drain(int s);
  // Starts or drains servers so that `target` remain (scale-in: those `pick` chooses).
  void resize(int target, double drain_s, const std::string& why, ScaleInPick pick = ScaleInPick::newest);
  // A scheduled stop: the member leaves the pool after a drain of `drain_s` (0: at once).
  // Returns false when it is not in the pool (or already leaving): nothing happens.
  bool stop(int s, double drain_s);
  double last_resize_at() const { return last_resize_at_; }

  // Probes every `health_check.interval` from t = interval; `after_round` runs after each round.
  void start_health_checks(std::function<void()> after_round);

 private:
  struct Server {
    simgrid::s4u::Host* host = nullptr;
    simgrid::s4u::Host* store_side = nullptr;  // the host itself, or one beside it that goes down with it
    bool member = false;        // in the pool the balancer knows
    bool powered = false;       // host on
    double ready_at = 0;        // answers requests (and probes) from then on
    bool draining = false;      // takes no new sessions
    bool leaving = false;       // draining to stop (scale in); a deploy drains to restart
    Clock::Ticket drain_end;
    double started_at = 0;      // most recently started servers leave first on scale-in
    bool healthy = false;       // the balancer's view
    int good_probes = 0;
    int bad_probes = 0;
    int busy_workers = 0;
    int running_cpu = 0;        // executions running on the host
    std::deque<std::uint32_t> queue;
    double accounted_until = 0;  // CPU and worker accounting, integrated lazily
    double busy_core_s = 0;
    double service_core_s = 0;
    double busy_worker_s = 0;
    double service_worker_s = 0;
  };

  static std::size_t index(int s) { return static_cast<std::size_t>(s); }
  void tell_balancer(int s);
  void account_cpu(Server& server, double t);
  bool drained(int s) const;
  void power(Server& server, bool on);
  void end_drain(int s);
  void probe_round();

  World& world_;
  lb::Balancer& balancer_;
  std::vector<Server> servers_;
  std::vector<StopListener> stop_listeners_;
  std::function<std::int64_t(int)> sessions_held_;
  std::function<std::int64_t(int)> connections_held_;
  std::vector<std::function<std::int64_t(int)>> holders_;
  std::vector<std::function<void()>> probe_listeners_;
  std::function<void()> after_probe_round_;
  double last_resize_at_;
};

}  // namespace statesim::engine
