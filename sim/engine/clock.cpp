#include "engine/clock.hpp"

#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u/Engine.hpp>

#include <fmt/format.h>

namespace statesim::engine {

ZeroTimeLoop::ZeroTimeLoop(double time, std::uint64_t actions)
    : std::runtime_error(fmt::format(
          "the simulation ran {} timed actions at t = {:.6f} s without simulated time passing: the scenario "
          "loops in zero time (zero network latency, zero bytes, zero CPU and zero think time?); give the "
          "network a latency, the requests some CPU or the users a think time",
          actions, time)),
      time_s(time) {}

double Clock::now() { return simgrid::s4u::Engine::get_clock(); }

Clock::Ticket Clock::schedule(double time_s, Action action, Lane lane) {
  if (time_s > horizon_s_) return Ticket{};
  Ticket ticket = queue_.push(time_s, std::move(action), lane);
  if (!firing_ && time_s < armed_at_) arm();
  return ticket;
}

Clock::Ticket Clock::schedule_after(double delay_s, Action action, Lane lane) {
  const double time_s = now() + delay_s;
  if (time_s > horizon_s_) return Ticket{};
  auto found = fifo_of_delay_.find(delay_s);
  if (found == fifo_of_delay_.end()) found = fifo_of_delay_.emplace(delay_s, queue_.add_fifo()).first;
  Ticket ticket = queue_.push(found->second, time_s, std::move(action), lane);
  if (!firing_ && time_s < armed_at_) arm();
  return ticket;
}

void Clock::cancel(Ticket& ticket) {
  if (!queue_.pending(ticket)) {
    ticket = Ticket{};
    return;
  }
  queue_.cancel(ticket);
  // The kernel timer stays armed for the earliest pending action only.
  if (!firing_ && armed_ != nullptr && (queue_.empty() || queue_.top_time() > armed_at_)) {
    disarm();
    arm();
  }
}

void Clock::disarm() {
  if (armed_ == nullptr) return;
  armed_->remove();
  armed_ = nullptr;
  armed_at_ = std::numeric_limits<double>::infinity();
}

// Keeps exactly one kernel timer, for the earliest pending action.
void Clock::arm() {
  if (queue_.empty()) return;
  const double next = queue_.top_time();
  if (armed_ != nullptr) {
    if (armed_at_ <= next) return;
    disarm();
  }
  armed_at_ = next;
  armed_ = simgrid::kernel::timer::Timer::set(next, [this] {
    armed_ = nullptr;  // SimGrid deletes a timer once it has run
    armed_at_ = std::numeric_limits<double>::infinity();
    fire();
  });
}

void Clock::fire() {
  firing_ = true;
  if (before_firing_) before_firing_();
  const double t = now();
  if (t != instant_s_) {
    instant_s_ = t;
    instant_actions_ = 0;
  }
  while (Action action = queue_.pop_due(t)) {
    if (++instant_actions_ > instant_budget_) {
      firing_ = false;
      throw ZeroTimeLoop(t, instant_actions_);
    }
    action();
  }
  firing_ = false;
  arm();
}

}  // namespace statesim::engine
