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
  pools_[0].counted = store.has_store_host() || (effects_use_store_host(world.design) && !own_effects_pool_);
  pools_[1].counted = own_effects_pool_;
}

int StoreHost::cores(const Design& design) {
  const int sessions = make_session_store(design.sessions)->concurrent_operations();
  return own_effects_database(design) ? sessions + design.sessions.database.connections : sessions;
}

bool StoreHost::take_slot(StorePool pool) {
  Pool& p = of(pool);
  if (p.busy >= p.slots) return false;
  account(world_.now());
  p.busy++;
  return true;
}

void StoreHost::release_slot(StorePool pool) {
  account(world_.now());
  of(pool).busy--;
}

void StoreHost::account(double t) {
  const double span = t - accounted_until_;
  if (span <= 0) return;
  for (const Pool& pool : pools_) {
    if (!pool.counted) continue;
    usage_.busy_slot_s += pool.busy * span;
    if (up_) usage_.slot_s += pool.slots * span;
  }
  accounted_until_ = t;
}

StoreHost::Usage StoreHost::usage(double t) {
  account(t);
  return usage_;
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
  account(world_.now());
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
  account(world_.now());
  host()->turn_on();
  up_ = true;
  world_.clock.cancel(failover_);
  for (const auto& listener : up_listeners_) listener();
}

void StoreHost::schedule_failover(std::function<void()> action) {
  failover_ = world_.clock.schedule(world_.now() + store_.spec().redis.failover_time_s, std::move(action));
}

}  // namespace statesim::engine
