#include "engine/store_host.hpp"

namespace statesim::engine {

StoreHost::StoreHost(World& world, const SessionStore& store)
    : world_(world),
      store_(store),
      exists_(store.has_store_host()),
      slots_(store.concurrent_operations()),
      rng_(world.stream_key(StreamPurpose::store_time)) {}

bool StoreHost::take_slot() {
  if (busy_ >= slots_) return false;
  account(world_.now());
  busy_++;
  return true;
}

void StoreHost::release_slot() {
  account(world_.now());
  busy_--;
}

void StoreHost::account(double t) {
  const double span = t - accounted_until_;
  if (span <= 0) return;
  usage_.busy_slot_s += busy_ * span;
  if (up_) usage_.slot_s += slots_ * span;
  accounted_until_ = t;
}

StoreHost::Usage StoreHost::usage(double t) {
  account(t);
  return usage_;
}

std::optional<std::uint32_t> StoreHost::next_waiting() {
  if (waiting_.empty()) return std::nullopt;
  const std::uint32_t next = waiting_.front();
  waiting_.pop_front();
  return next;
}

std::deque<std::uint32_t> StoreHost::go_down() {
  account(world_.now());
  up_ = false;
  world_.clock.cancel(failover_);
  std::deque<std::uint32_t> waiting;
  waiting.swap(waiting_);
  return waiting;
}

void StoreHost::come_up() {
  account(world_.now());
  host()->turn_on();
  up_ = true;
  world_.clock.cancel(failover_);
}

void StoreHost::schedule_failover(std::function<void()> action) {
  failover_ = world_.clock.schedule(world_.now() + store_.spec().redis.failover_time_s, std::move(action));
}

}  // namespace statesim::engine
