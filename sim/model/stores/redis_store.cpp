// Sessions in a redis-like store: every server finds them; one operation at a time on the
// store host; a crash loses what its persistence (none, aof, snapshot, a replica) did not keep.
#include <fmt/format.h>

#include "model/stores/stores.hpp"

namespace statesim {
namespace {

class RedisStore final : public SessionStore {
 public:
  explicit RedisStore(const SessionSpec& spec) : SessionStore(spec) {}
  StoreKind kind() const override { return StoreKind::redis; }
  bool has_store_host() const override { return true; }
  bool writes_sessions() const override { return true; }
  SessionVerdict verdict(const SessionState& session, int, double now_s) const override {
    return shared_store_verdict(spec_, session, now_s);
  }
  bool fails_over() const override { return spec_.redis.replica; }
  StoreCrash crash(double crash_s) override {
    StoreCrash effect;
    effect.loses_sessions = true;
    effect.lost_created_from_s = store_crash_loses_created_from(spec_.redis, crash_s);
    effect.detail = persistence_outcome(spec_.redis, effect.lost_created_from_s);
    return effect;
  }
};

}  // namespace

std::string persistence_outcome(const RedisSpec& redis, double lost_created_from_s) {
  if (redis.replica)
    return fmt::format("the replica takes over after {}s, without the last second of writes", redis.failover_time_s);
  if (redis.persistence == Persistence::aof) return "aof: the last second of writes is lost";
  if (redis.persistence == Persistence::snapshot)
    return fmt::format("snapshot: sessions created since the last snapshot at {}s are lost", lost_created_from_s);
  return "no persistence: every session is lost";
}

std::unique_ptr<SessionStore> make_redis_store(const SessionSpec& spec) { return std::make_unique<RedisStore>(spec); }

}  // namespace statesim
