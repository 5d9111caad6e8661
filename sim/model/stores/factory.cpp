#include <cmath>
#include <limits>

#include "model/stores/stores.hpp"

namespace statesim {

std::unique_ptr<SessionStore> make_session_store(const SessionSpec& spec) {
  switch (spec.store) {
    case StoreKind::memory: return make_server_memory_store(spec);
    case StoreKind::redis: return make_redis_store(spec);
    case StoreKind::database: return make_database_store(spec);
    case StoreKind::jwt: return make_jwt_store(spec);
  }
  return make_server_memory_store(spec);  // unreachable: every kind is listed above
}

double SessionStore::operation_time_s(RandomStream&) const { return spec_.redis.op_time_s; }

SessionVerdict shared_store_verdict(const SessionSpec& spec, const SessionState& session, double now_s) {
  if (!session.alive) return SessionVerdict::missing;
  if (now_s > session.last_access_s + spec.ttl_s) return SessionVerdict::expired;
  return SessionVerdict::valid;
}

double store_crash_loses_created_from(const RedisSpec& redis, double crash_s) {
  constexpr double kReplicationLag_s = 1.0;  // aof fsyncs every second; a replica lags about as much
  if (redis.replica || redis.persistence == Persistence::aof) return crash_s - kReplicationLag_s;
  if (redis.persistence == Persistence::snapshot)
    return std::floor(crash_s / redis.snapshot_interval_s) * redis.snapshot_interval_s;
  return -std::numeric_limits<double>::infinity();
}

}  // namespace statesim
