// The session store's host (redis, database or a jwt denylist): whether it is up, its
// operation slots (one for redis, `connections` for a database) and the FIFO of operations
// waiting for one. The request chain runs the operations; the store's rules (what a crash
// loses) are the SessionStore's.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>

#include "engine/world.hpp"
#include "model/session_store.hpp"

namespace statesim::engine {

class StoreHost {
 public:
  StoreHost(World& world, const SessionStore& store);

  bool exists() const { return exists_; }
  bool up() const { return up_; }
  simgrid::s4u::Host* host() const { return world_.platform.store; }

  // A free slot is taken for an operation, or nothing (the caller queues it).
  bool take_slot();
  void enqueue(std::uint32_t exchange) { waiting_.push_back(exchange); }
  // Frees a slot; the slot is not taken again here (the caller decides who gets it).
  void release_slot();
  bool slot_free() const { return busy_ < slots_; }
  std::optional<std::uint32_t> next_waiting();
  // One operation's service time on the store host (drawn from the store's own stream).
  double operation_time_s() { return store_.operation_time_s(rng_); }

  // The host goes down (its operations in progress fail); returns the operations that waited.
  std::deque<std::uint32_t> go_down();
  void power_off() { host()->turn_off(); }
  void come_up();
  // With a replica, the store serves again after failover_time unless restarted before.
  void schedule_failover(std::function<void()> action);

  // Slot-seconds spent on operations, and slot-seconds while up, since t = 0, up to `t`.
  struct Usage {
    double busy_slot_s = 0;
    double slot_s = 0;
  };
  Usage usage(double t);

 private:
  void account(double t);  // integrates the usage up to `t`

  World& world_;
  const SessionStore& store_;
  bool exists_;
  bool up_ = true;
  int slots_;
  int busy_ = 0;
  std::deque<std::uint32_t> waiting_;
  RandomStream rng_;
  Clock::Ticket failover_;
  Usage usage_;
  double accounted_until_ = 0;
};

}  // namespace statesim::engine
