// The simulation's timed actions (think times, timeouts, probes, scenario events, drains), on
// SimGrid's clock. Actions wait in a TimedQueue; exactly one SimGrid kernel timer is armed at
// any moment, for the earliest pending action, so SimGrid's timer heap never fills with stale
// wake-ups, and a cancelled action (an answered request's timeout) never wakes the engine.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>
#include <unordered_map>

#include "model/timed_queue.hpp"

namespace simgrid::kernel::timer {
class Timer;
}

namespace statesim::engine {

// Thrown out of a firing when one simulated instant runs more actions than the scenario can
// explain: a loop that takes no simulated time (zero latency, bytes, CPU and think time).
class ZeroTimeLoop : public std::runtime_error {
 public:
  ZeroTimeLoop(double time_s, std::uint64_t actions);
  double time_s;
};

class Clock {
 public:
  using Action = TimedQueue::Action;
  using Lane = TimedQueue::Lane;
  using Ticket = TimedQueue::Ticket;

  // Actions later than `horizon_s` (the end of the run) are never scheduled: they could not fire.
  explicit Clock(double horizon_s) : horizon_s_(horizon_s) {}
  Clock(const Clock&) = delete;
  Clock& operator=(const Clock&) = delete;

  static double now();

  Ticket schedule(double time_s, Action action, Lane lane = Lane::normal);
  // `delay_s` from now, for actions that always come the same delay after their scheduling
  // (timeouts, the latency of a link): they wait in a FIFO of that delay, cheaper than the heap.
  Ticket schedule_after(double delay_s, Action action, Lane lane = Lane::normal);
  // Removes the action if it is still pending; the ticket is emptied either way.
  void cancel(Ticket& ticket);
  bool pending(const Ticket& ticket) const { return queue_.pending(ticket); }
  std::size_t pending_count() const { return queue_.size(); }

  // Runs before the actions of each firing (the activity table releases finished activities).
  void set_before_firing(std::function<void()> hook) { before_firing_ = std::move(hook); }
  // At most this many actions may run at one simulated instant (ZeroTimeLoop beyond).
  void set_instant_budget(std::uint64_t actions) { instant_budget_ = actions; }
  // Populations the budget did not count when it was set add theirs.
  void add_instant_budget(std::uint64_t actions) { instant_budget_ += actions; }

 private:
  void arm();
  void disarm();
  void fire();

  double horizon_s_;
  TimedQueue queue_;
  std::unordered_map<double, TimedQueue::FifoId> fifo_of_delay_;
  simgrid::kernel::timer::Timer* armed_ = nullptr;
  double armed_at_ = std::numeric_limits<double>::infinity();
  bool firing_ = false;
  std::function<void()> before_firing_;
  std::uint64_t instant_budget_ = std::numeric_limits<std::uint64_t>::max();
  double instant_s_ = -1;
  std::uint64_t instant_actions_ = 0;
};

}  // namespace statesim::engine
