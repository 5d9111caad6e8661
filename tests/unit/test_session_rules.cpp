#include <doctest/doctest.h>

#include <cmath>

#include "model/session_rules.hpp"

using namespace statesim;

namespace {
SessionSpec store(StoreKind kind) {
  SessionSpec spec;
  spec.store = kind;
  spec.ttl_s = 1800;
  spec.jwt.expiry_s = 3600;
  return spec;
}
SessionState alive_on(int server, double last_access = 100) {
  SessionState state;
  state.alive = true;
  state.server = server;
  state.last_access_s = last_access;
  state.token_issued_s = last_access;
  return state;
}
}  // namespace

TEST_CASE("memory sessions live on one server only") {
  const SessionSpec memory = store(StoreKind::memory);
  CHECK(check_session(memory, alive_on(2), 2, 200, 0) == SessionVerdict::valid);
  CHECK(check_session(memory, alive_on(2), 1, 200, 0) == SessionVerdict::elsewhere);
  CHECK(check_session(memory, SessionState{}, 2, 200, 0) == SessionVerdict::missing);
}

TEST_CASE("redis and database sessions are found by any server until idle longer than ttl") {
  for (StoreKind kind : {StoreKind::redis, StoreKind::database}) {
    const SessionSpec spec = store(kind);
    CHECK(check_session(spec, alive_on(0), 3, 100 + 1800, 0) == SessionVerdict::valid);
    CHECK(check_session(spec, alive_on(0), 3, 100 + 1800.001, 0) == SessionVerdict::expired);
  }
}

TEST_CASE("jwt tokens expire after expiry whatever the activity, and revocation needs a denylist") {
  SessionSpec jwt = store(StoreKind::jwt);
  SessionState token = alive_on(-1, 0);
  token.last_access_s = 3500;  // activity does not extend a token
  CHECK(check_session(jwt, token, 5, 3599, 0) == SessionVerdict::valid);
  CHECK(check_session(jwt, token, 5, 3600, 0) == SessionVerdict::expired);
  token.revoked = true;
  token.revoked_at_s = 600;
  CHECK(check_session(jwt, token, 5, 700, 0) == SessionVerdict::valid_revoked);
  jwt.jwt.denylist = true;
  CHECK(check_session(jwt, token, 5, 700, 0) == SessionVerdict::refused_revoked);
  // A denylist that lost its data at t=650 forgot the revocation made at 600.
  CHECK(check_session(jwt, token, 5, 700, 650) == SessionVerdict::valid_revoked);
  CHECK(served(SessionVerdict::valid_revoked));
  CHECK_FALSE(served(SessionVerdict::refused_revoked));
}

TEST_CASE("a redis crash loses what its persistence did not keep") {
  RedisSpec redis;
  CHECK(std::isinf(store_crash_loses_created_from(redis, 500)));  // none: everything
  redis.persistence = Persistence::aof;
  CHECK(store_crash_loses_created_from(redis, 500) == doctest::Approx(499));
  redis.persistence = Persistence::snapshot;
  redis.snapshot_interval_s = 300;
  CHECK(store_crash_loses_created_from(redis, 750) == doctest::Approx(600));
  CHECK(store_crash_loses_created_from(redis, 900) == doctest::Approx(900));  // a snapshot just taken
  redis.persistence = Persistence::none;
  redis.replica = true;
  CHECK(store_crash_loses_created_from(redis, 500) == doctest::Approx(499));
}
