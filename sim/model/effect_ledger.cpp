#include "model/effect_ledger.hpp"

#include "model/session_store.hpp"

namespace statesim {

EffectWrite effect_write(const Design& design) {
  const EffectSpec& effects = design.effects;
  if (!effects.enabled) return EffectWrite::none;
  if (effects.state == EffectState::database) return EffectWrite::database;
  return effects.idempotency == Idempotency::store ? EffectWrite::session_store : EffectWrite::none;
}

bool effects_use_store_host(const Design& design) { return effect_write(design) != EffectWrite::none; }

// ------------------------------------------------------------------------------------ keys

bool IdempotencyKeys::holds(std::uint64_t key, double now_s) const {
  const auto found = expiry_.find(key);
  return found != expiry_.end() && found->second > now_s;
}

void IdempotencyKeys::add(std::uint64_t key, double now_s, double ttl_s) {
  purge(now_s);
  expiry_[key] = now_s + ttl_s;
  order_.push_back(Entry{key, now_s, now_s + ttl_s});
}

void IdempotencyKeys::purge(double now_s) {
  while (!order_.empty() && order_.front().expires_s <= now_s) {
    const Entry& oldest = order_.front();
    const auto found = expiry_.find(oldest.key);
    if (found != expiry_.end() && found->second == oldest.expires_s) expiry_.erase(found);
    order_.pop_front();
  }
}

void IdempotencyKeys::clear() {
  expiry_.clear();
  order_.clear();
}

void IdempotencyKeys::lose_created_since(double from_s) {
  while (!order_.empty() && order_.back().created_s >= from_s) {
    const Entry& newest = order_.back();
    const auto found = expiry_.find(newest.key);
    if (found != expiry_.end() && found->second == newest.expires_s) expiry_.erase(found);
    order_.pop_back();
  }
}

// ------------------------------------------------------------------------------------ actions

EffectLedger::EffectLedger(const Design& design, Recorder& recorder)
    : design_(design),
      recorder_(recorder),
      held_(static_cast<std::size_t>(design.servers.max), 0),
      memory_keys_(design.effects.idempotency == Idempotency::memory ? static_cast<std::size_t>(design.servers.max)
                                                                       : 0) {}

std::uint32_t EffectLedger::open_action(double) {
  const std::uint32_t slot = free_.take(actions_);
  actions_[slot] = Action{};
  actions_[slot].key = next_key_++;
  recorder_.summary().effects_requested++;
  in_flight_++;
  return slot;
}

void EffectLedger::attempt_sent(std::uint32_t action) { actions_[action].pending++; }

EffectLedger::Application EffectLedger::apply(std::uint32_t action, int server, double now_s, bool store_reachable) {
  Action& a = actions_[action];
  const EffectSpec& spec = design_.effects;
  if (effect_write(design_) != EffectWrite::none && !store_reachable) return Application::not_applied;
  const auto s = static_cast<std::size_t>(server);
  if (spec.idempotency == Idempotency::memory && memory_keys_[s].holds(a.key, now_s))
    return Application::deduplicated;
  if (spec.idempotency == Idempotency::store && store_keys_.holds(a.key, now_s)) return Application::deduplicated;

  a.applications++;
  Summary& summary = recorder_.summary();
  Bucket& bucket = recorder_.bucket(now_s);
  Application result = Application::applied;
  if (a.applications == 1) {
    summary.effects_applied++;
    bucket.effects_applied++;
    a.resolved = true;
    in_flight_--;
  } else {
    summary.duplicate_effects++;
    bucket.duplicate_effects++;
    result = Application::duplicate;
  }
  if (spec.state == EffectState::memory) held_[s]++;
  if (spec.idempotency == Idempotency::memory) memory_keys_[s].add(a.key, now_s, spec.key_ttl_s);
  if (spec.idempotency == Idempotency::store) store_keys_.add(a.key, now_s, spec.key_ttl_s);
  return result;
}

void EffectLedger::attempt_ended(std::uint32_t action) {
  actions_[action].pending--;
  resolve_if_failed(action);
  release_if_done(action);
}

void EffectLedger::close_action(std::uint32_t action) {
  actions_[action].closed = true;
  resolve_if_failed(action);
  release_if_done(action);
}

// Never applied, the user done with it and no attempt left that could still apply it.
void EffectLedger::resolve_if_failed(std::uint32_t action) {
  Action& a = actions_[action];
  if (a.resolved || !a.closed || a.pending > 0) return;
  a.resolved = true;
  recorder_.summary().effects_failed++;
  in_flight_--;
}

void EffectLedger::release_if_done(std::uint32_t action) {
  const Action& a = actions_[action];
  if (a.closed && a.pending == 0) free_.give_back(action);
}

std::int64_t EffectLedger::server_stopped(int server, double now_s) {
  const auto s = static_cast<std::size_t>(server);
  if (!memory_keys_.empty()) memory_keys_[s].clear();
  const std::int64_t lost = held_[s];
  held_[s] = 0;
  if (lost > 0) {
    recorder_.summary().effects_lost += lost;
    recorder_.bucket(now_s).effects_lost += lost;
  }
  return lost;
}

void EffectLedger::store_crashed(double now_s) {
  // Keys written with the effect in a database, or kept in a database of sessions, survive.
  if (design_.effects.idempotency != Idempotency::store || effect_write(design_) == EffectWrite::database) return;
  if (design_.sessions.store != StoreKind::redis) return;
  store_keys_.lose_created_since(store_crash_loses_created_from(design_.sessions.redis, now_s));
}

}  // namespace statesim
