// The session store's host (redis, database or a jwt denylist; also the pub/sub broker and the
// snapshot store of part 2): whether it is up, its operation slots (one for redis,
// `connections` for a database) and the FIFO of operations waiting for one. The request chain
// runs the operations; the store's rules (what a crash loses) are the SessionStore's.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "engine/world.hpp"
#include "model/session_store.hpp"

namespace statesim::engine {

class StoreHost {
 public:
  StoreHost(World& world, const SessionStore& store);

  // The design uses the store host (uses_store_host): sessions live there, or part 2 does.
  bool exists() const { return exists_; }
  bool up() const { return up_; }
  simgrid::s4u::Host* host() const { return world_.platform.store; }

  // A free slot is taken for an operation, or nothing (the caller queues it).
  bool take_slot();
  void enqueue(std::uint32_t exchange) { waiting_.push_back(exchange); }
  // Frees a slot; the slot is not taken again here (the caller decides who gets it).
  void release_slot() { busy_--; }
  bool slot_free() const { return busy_ < slots_; }
  std::optional<std::uint32_t> next_waiting();
  // One operation's service time on the store host (drawn from the store's own stream).
  double operation_time_s() { return store_.operation_time_s(rng_); }
  // An operation of part 2 (a publication, a snapshot written or read): sessions.redis.op_time
  // of the host's CPU beside the session operations (not in their queue), counted in store_ops.
  void execute_part2_operation(Activities::Done done);

  // The host goes down (its operations in progress fail); returns the operations that waited.
  std::deque<std::uint32_t> go_down();
  void power_off() { host()->turn_off(); }
  void come_up();
  // Called, in subscription order, each time the store serves again (restart or failover).
  void on_up(std::function<void()> listener) { up_listeners_.push_back(std::move(listener)); }
  // With a replica, the store serves again after failover_time unless restarted before.
  void schedule_failover(std::function<void()> action);

 private:
  World& world_;
  const SessionStore& store_;
  bool exists_;
  bool up_ = true;
  int slots_;
  int busy_ = 0;
  std::deque<std::uint32_t> waiting_;
  std::vector<std::function<void()>> up_listeners_;
  RandomStream rng_;
  Clock::Ticket failover_;
};

}  // namespace statesim::engine
