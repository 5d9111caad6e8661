#include "engine/store_host.hpp"

namespace statesim::engine {

StoreHost::StoreHost(World& world, const SessionStore& store)
    : world_(world),
      store_(store),
      exists_(uses_store_host(world.design)),
      slots_(store.concurrent_operations()),
      rng_(world.stream_key(StreamPurpose::store_time)) {}

bool StoreHost::take_slot() {
  if (busy_ >= slots_) return false;
  busy_++;
  return true;
}

std::optional<std::uint32_t> StoreHost::next_waiting() {
  if (waiting_.empty()) return std::nullopt;
  const std::uint32_t next = waiting_.front();
  waiting_.pop_front();
  return next;
}

void StoreHost::execute_part2_operation(Activities::Done done) {
  world_.recorder.summary().store_ops++;
  world_.activities.execute(host(), world_.design.sessions.redis.op_time_s * kFlopsPerSecond, std::move(done));
}

std::deque<std::uint32_t> StoreHost::go_down() {
  up_ = false;
  world_.clock.cancel(failover_);
  std::deque<std::uint32_t> waiting;
  waiting.swap(waiting_);
  return waiting;
}

void StoreHost::come_up() {
  host()->turn_on();
  up_ = true;
  world_.clock.cancel(failover_);
  for (const auto& listener : up_listeners_) listener();
}

void StoreHost::schedule_failover(std::function<void()> action) {
  failover_ = world_.clock.schedule(world_.now() + store_.spec().redis.failover_time_s, std::move(action));
}

}  // namespace statesim::engine
