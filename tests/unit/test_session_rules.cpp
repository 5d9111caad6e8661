#include <doctest/doctest.h>

#include <cmath>

#include "model/session_store.hpp"

using namespace statesim;

namespace {
SessionSpec spec_of(StoreKind kind) {
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

TEST_CASE("every store kind has a store object that says it is that kind") {
  for (const auto& [name, kind] : kStoreKindNames.entries) {
    const SessionSpec spec = spec_of(kind);
    CHECK(make_session_store(spec)->kind() == kind);
  }
}

TEST_CASE("memory sessions live on one server only and need no store host") {
  const SessionSpec spec = spec_of(StoreKind::memory);
  const auto memory = make_session_store(spec);
  CHECK(memory->held_by_server());
  CHECK_FALSE(memory->has_store_host());
  CHECK_FALSE(memory->writes_sessions());
  CHECK(memory->verdict(alive_on(2), 2, 200) == SessionVerdict::valid);
  CHECK(memory->verdict(alive_on(2), 1, 200) == SessionVerdict::elsewhere);
  CHECK(memory->verdict(SessionState{}, 2, 200) == SessionVerdict::missing);
  CHECK(memory->verdict(alive_on(2), 2, 100 + 1800.001) == SessionVerdict::expired);
}

TEST_CASE("redis and database sessions are found by any server until idle longer than ttl") {
  for (StoreKind kind : {StoreKind::redis, StoreKind::database}) {
    const SessionSpec spec = spec_of(kind);
    const auto store = make_session_store(spec);
    CHECK(store->has_store_host());
    CHECK(store->writes_sessions());
    CHECK_FALSE(store->held_by_server());
    CHECK(store->verdict(alive_on(0), 3, 100 + 1800) == SessionVerdict::valid);
    CHECK(store->verdict(alive_on(0), 3, 100 + 1800.001) == SessionVerdict::expired);
  }
}

TEST_CASE("a database serves `connections` queries at once and draws each query's time") {
  SessionSpec spec = spec_of(StoreKind::database);
  spec.database.connections = 7;
  spec.database.query_time_s = Distribution{Distribution::Kind::constant, 0.042, 0};
  const auto database = make_session_store(spec);
  CHECK(database->concurrent_operations() == 7);
  RandomStream rng(1);
  CHECK(database->operation_time_s(rng) == doctest::Approx(0.042));
  const auto redis = make_session_store(spec_of(StoreKind::redis));
  CHECK(redis->concurrent_operations() == 1);
  CHECK(redis->operation_time_s(rng) == doctest::Approx(100e-6));
  StoreCrash crash = database->crash(500);
  CHECK_FALSE(crash.loses_sessions);
}

TEST_CASE("jwt tokens expire after expiry whatever the activity, and revocation needs a denylist") {
  SessionSpec spec = spec_of(StoreKind::jwt);
  SessionState token = alive_on(-1, 0);
  token.last_access_s = 3500;  // activity does not extend a token
  {
    const auto jwt = make_session_store(spec);
    CHECK_FALSE(jwt->has_store_host());
    CHECK_FALSE(jwt->expires_when_idle());
    CHECK(jwt->extra_request_bytes() == spec.jwt.token_bytes);
    CHECK(jwt->extra_cpu_s() == spec.jwt.verify_cpu_s);
    CHECK(jwt->revocation() == Revocation::flag_token);
    CHECK(jwt->verdict(token, 5, 3599) == SessionVerdict::valid);
    CHECK(jwt->verdict(token, 5, 3600) == SessionVerdict::expired);
    token.revoked = true;
    token.revoked_at_s = 600;
    CHECK(jwt->verdict(token, 5, 700) == SessionVerdict::valid_revoked);
  }
  spec.jwt.denylist = true;
  const auto denylisted = make_session_store(spec);
  CHECK(denylisted->has_store_host());
  CHECK(denylisted->revocation_costs_store_operation());
  CHECK(denylisted->verdict(token, 5, 700) == SessionVerdict::refused_revoked);
  // A denylist without persistence that crashes at t=650 forgets the revocation made at 600.
  const StoreCrash crash = denylisted->crash(650);
  CHECK_FALSE(crash.loses_sessions);
  CHECK(denylisted->verdict(token, 5, 700) == SessionVerdict::valid_revoked);
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

  SessionSpec spec = spec_of(StoreKind::redis);
  spec.redis.persistence = Persistence::snapshot;
  spec.redis.snapshot_interval_s = 300;
  const StoreCrash crash = make_session_store(spec)->crash(750);
  CHECK(crash.loses_sessions);
  CHECK(crash.lost_created_from_s == doctest::Approx(600));
  CHECK(crash.detail.find("since the last snapshot at 600s") != std::string::npos);
  CHECK_FALSE(make_session_store(spec)->fails_over());
  spec.redis.replica = true;
  CHECK(make_session_store(spec)->fails_over());
}

TEST_CASE("jwt refresh tokens: renewed until their own expiry, deleted by a revocation, lost by a crash") {
  SessionSpec spec = spec_of(StoreKind::jwt);
  spec.jwt.expiry_s = 120;
  spec.jwt.refresh.enabled = true;
  spec.jwt.refresh.expiry_s = 7 * 86400;
  SessionState session = alive_on(-1, 0);
  session.created_s = 0;
  const auto jwt = make_session_store(spec);
  CHECK(jwt->has_store_host());
  CHECK(jwt->has_refresh_tokens());
  CHECK_FALSE(jwt->looks_up_every_request());  // the access token alone is checked on a page
  CHECK(jwt->writes_at_login());               // the refresh token is written and deleted
  CHECK_FALSE(jwt->writes_sessions());
  CHECK(jwt->concurrent_operations() == 1);
  CHECK(jwt->mean_operation_time_s() == spec.redis.op_time_s);
  CHECK(jwt->refresh_verdict(session, 5000) == SessionVerdict::valid);
  CHECK(jwt->refresh_verdict(session, 7 * 86400) == SessionVerdict::expired);
  session.revoked = true;
  session.revoked_at_s = 300;
  CHECK(jwt->verdict(session, 5, 100) == SessionVerdict::valid_revoked);  // until the access token expires
  CHECK(jwt->refresh_verdict(session, 310) == SessionVerdict::refused_revoked);
  session.revoked = false;
  // Redis without persistence that crashes at 1000 loses every refresh token issued before.
  const StoreCrash crash = jwt->crash(1000);
  CHECK_FALSE(crash.loses_sessions);
  CHECK(crash.detail.find("refresh tokens") != std::string::npos);
  CHECK(jwt->refresh_verdict(session, 1100) == SessionVerdict::forgotten);
  SessionState later = alive_on(-1, 1050);
  later.created_s = 1050;
  CHECK(jwt->refresh_verdict(later, 1100) == SessionVerdict::valid);
  CHECK_FALSE(served(SessionVerdict::forgotten));

  spec.jwt.refresh.store = RefreshStore::database;
  spec.database.connections = 7;
  const auto on_database = make_session_store(spec);
  CHECK(on_database->concurrent_operations() == 7);
  CHECK(on_database->mean_operation_time_s() == doctest::Approx(spec.database.query_time_s.mean()));
  CHECK(on_database->store_host_name() == "jwt refresh tokens (database)");
  CHECK_FALSE(on_database->crash(1000).loses_sessions);
  CHECK(on_database->refresh_verdict(session, 1100) == SessionVerdict::valid);  // durable
  CHECK_FALSE(on_database->fails_over());

  spec.jwt.refresh.enabled = false;
  CHECK_FALSE(make_session_store(spec)->has_refresh_tokens());
  CHECK_FALSE(make_session_store(spec)->has_store_host());
}
