// The store host (redis, database or a jwt denylist; the pub/sub broker and the snapshot store
// of part 2; the effects' database): whether it is up, its operation slots and the FIFO of
// operations waiting for one. The session store's operations have `concurrent_operations` slots
// (one for redis, `connections` for a database); the effects' writes (effects.state: database)
// share a database's connections, or, when the sessions live elsewhere, have a database of their
// own on the same host (sessions.database's connections and query_time). The request chain runs
// the operations; the store's rules (what a crash loses) are the SessionStore's.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "engine/world.hpp"
#include "model/session_store.hpp"

namespace statesim::engine {

// Whose operation: the session store's, or an effect's write (see EffectWrite).
enum class StorePool : std::uint8_t { sessions, effects };

class StoreHost {
 public:
  StoreHost(World& world, const SessionStore& store);

  // Some operation of the design needs the host (sessions, a denylist, part 2's messages and
  // snapshots, effects).
  bool exists() const { return exists_; }
  // The session store lives there: requests other than logins read the session from it.
  bool holds_sessions() const { return store_.has_store_host(); }
  bool up() const { return up_; }
  simgrid::s4u::Host* host() const { return world_.platform.store; }

  // A free slot of `pool` is taken for an operation, or nothing (the caller queues it).
  bool take_slot(StorePool pool);
  void enqueue(StorePool pool, std::uint32_t exchange) { of(pool).waiting.push_back(exchange); }
  // Frees a slot; the slot is not taken again here (the caller decides who gets it).
  void release_slot(StorePool pool);
  bool slot_free(StorePool pool) { return of(pool).busy < of(pool).slots; }
  std::optional<std::uint32_t> next_waiting(StorePool pool);
  // The two are the same operations (the sessions live in the effects' database).
  bool same_pool(StorePool a, StorePool b) { return &of(a) == &of(b); }
  // One operation's service time on the store host (drawn from the pool's own stream).
  double operation_time_s(StorePool pool);
  // An operation of part 2 (a publication, a snapshot written or read): sessions.redis.op_time
  // of the host's CPU beside the session operations (not in their queue), counted in store_ops.
  void execute_part2_operation(Activities::Done done);

  // The host goes down (its operations in progress fail); returns the operations that waited.
  // Listeners (what the store held besides sessions) hear of it first.
  std::deque<std::uint32_t> go_down();
  void on_down(std::function<void()> listener) { down_listeners_.push_back(std::move(listener)); }
  void power_off() { host()->turn_off(); }
  void come_up();
  // Called, in subscription order, each time the store serves again (restart or failover).
  void on_up(std::function<void()> listener) { up_listeners_.push_back(std::move(listener)); }
  // With a replica, the store serves again after failover_time unless restarted before.
  void schedule_failover(std::function<void()> action);

  // Cores the store host needs: one per operation it serves at once.
  static int cores(const Design& design);

  // Slot-seconds spent on operations, and slot-seconds while up, since t = 0, up to `t`, over
  // the pools the design uses (the session store's, the effects' own database).
  struct Usage {
    double busy_slot_s = 0;
    double slot_s = 0;
  };
  Usage usage(double t);

 private:
  struct Pool {
    int slots = 1;
    int busy = 0;
    std::deque<std::uint32_t> waiting;
    bool counted = false;  // in the usage: the design runs operations in it
  };
  Pool& of(StorePool pool) { return pools_[pool == StorePool::effects && own_effects_pool_ ? 1 : 0]; }
  void account(double t);  // integrates the usage up to `t`

  World& world_;
  const SessionStore& store_;
  bool exists_;
  bool own_effects_pool_;  // effects write to a database of their own (the sessions live elsewhere)
  bool up_ = true;
  std::array<Pool, 2> pools_;
  std::vector<std::function<void()>> up_listeners_;
  RandomStream rng_;
  RandomStream effects_rng_;
  Clock::Ticket failover_;
  std::vector<std::function<void()>> down_listeners_;
  Usage usage_;
  double accounted_until_ = 0;
};

}  // namespace statesim::engine
