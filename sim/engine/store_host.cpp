#include "engine/store_host.hpp"

#include <algorithm>

#include "model/effect_ledger.hpp"

namespace statesim::engine {
namespace {

bool own_effects_database(const Design& design) {
  return effect_write(design) == EffectWrite::database && design.sessions.store != StoreKind::database;
}

}  // namespace

StoreHost::StoreHost(World& world, const SessionStore& store)
    : world_(world),
      store_(store),
      exists_(uses_store_host(world.design) || effects_use_store_host(world.design)),
      own_effects_pool_(own_effects_database(world.design)),
      rng_(world.stream_key(StreamPurpose::store_time)),
      effects_rng_(world.stream_key(StreamPurpose::effect_store_time)) {
  pools_[0].slots = store.concurrent_operations();
  pools_[1].slots = world.design.sessions.database.connections;
}

int StoreHost::cores(const Design& design) {
  const int sessions = make_session_store(design.sessions)->concurrent_operations();
  return own_effects_database(design) ? sessions + design.sessions.database.connections : sessions;
}

bool StoreHost::take_slot(StorePool pool) {
  Pool& p = of(pool);
  if (p.busy >= p.slots) return false;
  p.busy++;
  return true;
}

std::optional<std::uint32_t> StoreHost::next_waiting(StorePool pool) {
  Pool& p = of(pool);
  if (p.waiting.empty()) return std::nullopt;
  const std::uint32_t next = p.waiting.front();
  p.waiting.pop_front();
  return next;
}

void StoreHost::execute_part2_operation(Activities::Done done) {
  world_.recorder.summary().store_ops++;
  world_.activities.execute(host(), world_.design.sessions.redis.op_time_s * kFlopsPerSecond, std::move(done));
}

double StoreHost::operation_time_s(StorePool pool) {
  if (pool == StorePool::effects && own_effects_pool_)
    return effects_rng_.sample(world_.design.sessions.database.query_time_s);
  return store_.operation_time_s(rng_);
}

std::deque<std::uint32_t> StoreHost::go_down() {
  for (const auto& listener : down_listeners_) listener();
  up_ = false;
  world_.clock.cancel(failover_);
  std::deque<std::uint32_t> waiting;
  for (Pool& pool : pools_) {
    waiting.insert(waiting.end(), pool.waiting.begin(), pool.waiting.end());
    pool.waiting.clear();
  }
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
