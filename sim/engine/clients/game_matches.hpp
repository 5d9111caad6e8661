// Game matches (design/stateful-workloads.md §2): Poisson arrivals, each placed by the
// balancer's policy on a server in rotation (least_connections counts matches) where it stays.
// A running match's tick is an execution of `tick_cpu` on its server, then a state update to
// each player (a communication of `tick_bytes` to the client host). With `state: snapshot` the
// match writes its state to the store host at multiples of `snapshot_interval` of game time.
// When its server stops (crash, end of a drain), a `memory` match is lost; a `snapshot` match
// freezes and, once the balancer has noticed the failure (at once at a drain's end) and the
// store serves, is read back from its newest snapshot onto another server in rotation: it
// rolls back to that snapshot and has been paused meanwhile. One events.csv row per stop
// (`restore`) says when the last of its matches ran again.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "engine/clients/client_kind.hpp"
#include "engine/clients/server_cpu.hpp"
#include "model/bucket_level.hpp"
#include "model/free_slots.hpp"
#include "model/games/match_progress.hpp"

namespace statesim::engine {

class GameMatches final : public ClientKind {
 public:
  explicit GameMatches(EngineParts& parts);

  void start() override;
  void finish(double end_s) override;

 private:
  enum class State : std::uint8_t {
    running,
    paused,     // its server stopped; waits for a restore
    restoring,  // its snapshot is on its way to another server
    over        // completed or lost: the slot is free
  };
  struct Match {
    std::uint64_t identity = 0;
    State state = State::over;
    int server = -1;  // where it runs, is restored to, or stopped (paused)
    std::uint32_t place_on_server = 0;
    std::uint32_t run = 0;         // changes at each restore and reuse: older activities are stale
    bool writing = false;          // a snapshot write is on its way
    double writing_game_s = 0;     // the game time that write holds
    bool failure_noticed = false;  // paused: the balancer has noticed its server's failure
    double stopped_at = 0;
    std::uint32_t stop = 0;  // paused: which Stop it belongs to
    MatchProgress progress{0, 0};
    Clock::Ticket next_tick, next_snapshot, end;
  };
  // The matches one server's stop froze, until the last of them runs again.
  struct Stop {
    int server = -1;
    double at = 0;
    std::int64_t remaining = 0, restored = 0;
    double rollback_sum_s = 0, rollback_max_s = 0, pause_sum_s = 0;
    std::vector<int> targets;  // servers they were restored on
  };

  void schedule_arrival();
  void arrive();
  void place(std::uint32_t m, int server);
  void unplace(std::uint32_t m);
  void run_from_now(std::uint32_t m);
  void tick(std::uint32_t m);
  void snapshot(std::uint32_t m);
  void complete(std::uint32_t m);
  void server_stopped(int server, CrashReport& report);
  void try_restores();
  void restore(std::uint32_t m);
  void resume(std::uint32_t m, int server);
  void restore_failed(std::uint32_t m);
  void retire(std::uint32_t m);
  bool current(std::uint32_t m, std::uint32_t run) const { return matches_[m].run == run; }

  World& world_;
  ServerPool& pool_;
  lb::Balancer& balancer_;
  StoreHost& store_host_;
  const GamesSpec& spec_;
  ServerCpu cpu_;
  BucketLevel in_progress_;
  RandomStream arrival_rng_;
  std::uint64_t next_identity_ = 0;
  std::uint32_t next_run_ = 0;
  std::deque<Match> matches_;
  FreeSlots free_matches_;
  std::vector<std::vector<std::uint32_t>> on_server_;
  std::vector<std::uint32_t> paused_;  // matches waiting for a restore
  std::vector<Stop> stops_;
};

// The games section's matches; nothing when the design has no such section.
std::unique_ptr<ClientKind> make_game_matches(EngineParts& parts);

}  // namespace statesim::engine
