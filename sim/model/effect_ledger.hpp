// Effects and idempotency (part 2 of the format, §4): the user actions of request kinds with
// `effect: true`, how many times each was applied, the idempotency keys that stop a retry from
// applying it again, and what a server's crash or the store's crash loses. Plain C++: the
// engine says when an attempt is sent, when its CPU execution ends on a server (the moment an
// effect applies), when it leaves the system, and when the user is done with the action.
#pragma once

#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

#include "model/free_slots.hpp"
#include "model/recorder.hpp"
#include "scenario/config.hpp"

namespace statesim {

// The store operation an effect costs after its CPU: a write to the effects' database
// (state: database: the effect and its key, if any, in one write), a key written to the
// session store (state: memory with idempotency: store), or none.
enum class EffectWrite { none, database, session_store };
EffectWrite effect_write(const Design& design);

// Whether a design's effects need the store host (a database for them, or keys in the store).
bool effects_use_store_host(const Design& design);

// Keys with an expiry (key_ttl) in insertion order: the same ttl for every key makes insertion
// order the order of expiry and of creation, so expired keys leave from the front and a store
// crash that loses the keys created since a moment takes them from the back.
class IdempotencyKeys {
 public:
  bool holds(std::uint64_t key, double now_s) const;
  void add(std::uint64_t key, double now_s, double ttl_s);
  void clear();
  // Forgets the keys created at or after `from_s`.
  void lose_created_since(double from_s);
  std::size_t size() const { return expiry_.size(); }

 private:
  struct Entry {
    std::uint64_t key;
    double created_s;
    double expires_s;
  };
  void purge(double now_s);
  std::unordered_map<std::uint64_t, double> expiry_;  // key -> expiry of its latest entry
  std::deque<Entry> order_;
};

class EffectLedger {
 public:
  static constexpr std::uint32_t kNoAction = 0xffffffff;

  EffectLedger(const Design& design, Recorder& recorder);

  // A user starts an action (its first attempt): effects_requested. Returns its slot.
  std::uint32_t open_action(double now_s);
  // An attempt of the action is sent (the first one, or a retry with the same key).
  void attempt_sent(std::uint32_t action);

  // What happened to the effect when an attempt's CPU execution ended on `server`.
  enum class Application { applied, duplicate, deduplicated, not_applied };
  // `keys_reachable`: the store holding keys or the effect answers (false: the server cannot
  // apply it and answers 503).
  Application apply(std::uint32_t action, int server, double now_s, bool store_reachable);

  // The attempt has left the system (answered, failed or dropped: nothing of it runs any more).
  void attempt_ended(std::uint32_t action);
  // The user is done with the action: answered ok, or its last attempt failed.
  void close_action(std::uint32_t action);

  // A server's host went down: its memory (state: memory effects, keys in memory) is gone.
  // Returns how many applied effects it held.
  std::int64_t server_stopped(int server, double now_s);
  // The store host crashed: keys kept in redis are lost as redis loses sessions.
  void store_crashed(double now_s);

  std::int64_t in_flight() const { return in_flight_; }

 private:
  struct Action {
    std::uint64_t key = 0;           // the idempotency key: unique over the run
    std::uint32_t applications = 0;  // times applied
    std::uint32_t pending = 0;       // attempts still in the system
    bool closed = false;             // the user is done with it
    bool resolved = false;           // counted as applied or failed
  };
  void resolve_if_failed(std::uint32_t action);
  void release_if_done(std::uint32_t action);

  const Design& design_;
  Recorder& recorder_;
  std::vector<Action> actions_;
  FreeSlots free_;
  std::uint64_t next_key_ = 1;
  std::int64_t in_flight_ = 0;
  std::vector<std::int64_t> held_;          // state: memory: effects applied on each server since it started
  std::vector<IdempotencyKeys> memory_keys_;  // idempotency: memory, one table per server
  IdempotencyKeys store_keys_;               // idempotency: store
};

}  // namespace statesim
