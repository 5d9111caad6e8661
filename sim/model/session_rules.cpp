#include "model/session_rules.hpp"

#include <cmath>
#include <limits>

namespace statesim {

SessionVerdict check_session(const SessionSpec& sessions, const SessionState& session, int server, double now_s,
                             double denylist_forgot_before_s) {
  if (!session.alive) return SessionVerdict::missing;
  if (sessions.store == StoreKind::jwt) {
    if (now_s >= session.token_issued_s + sessions.jwt.expiry_s) return SessionVerdict::expired;
    if (!session.revoked) return SessionVerdict::valid;
    const bool denylist_knows = sessions.jwt.denylist && session.revoked_at_s >= denylist_forgot_before_s;
    return denylist_knows ? SessionVerdict::refused_revoked : SessionVerdict::valid_revoked;
  }
  if (now_s > session.last_access_s + sessions.ttl_s) return SessionVerdict::expired;
  if (sessions.store == StoreKind::memory && session.server != server) return SessionVerdict::elsewhere;
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
