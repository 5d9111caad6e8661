// sessions: where sessions live (memory, redis, database, jwt) and what each store costs.
#include <fmt/format.h>

#include "scenario/design_draft.hpp"

namespace statesim::loading {

namespace {

// `refresh: {expiry: 7d, store: redis}` turns refresh tokens on (a design may turn them off again
// with `refresh: none`).
void read_refresh(const Node& node, const std::string& path, RefreshSpec& refresh, DesignDraft& draft) {
  constexpr std::string_view kExpected = "a map such as {expiry: 7d, store: redis}, or none";
  if (node.kind == Node::Kind::scalar && node.plain && node.text == "none") {
    refresh.enabled = false;
    return;
  }
  if (node.kind != Node::Kind::map) fail_expected(node, path, kExpected);
  const Section section(node, path, {"expiry", "store"});
  refresh.enabled = true;
  draft.jwt_refresh = origin_of(node, path);
  if (const Node* value = section.get("expiry"))
    refresh.expiry_s = read_duration(*value, section.path("expiry"), Lowest::above_zero);
  if (const Node* value = section.get("store"))
    refresh.store = read_choice(*value, section.path("store"), kRefreshStoreNames);
}

}  // namespace

void apply_sessions(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext&) {
  const Section section(node, path, {"store", "ttl", "login_cpu", "redis", "database", "jwt"});
  SessionSpec& sessions = draft.design.sessions;
  if (const Node* value = section.get("store"))
    sessions.store = read_choice(*value, section.path("store"), kStoreKindNames);
  if (const Node* value = section.get("ttl"))
    sessions.ttl_s = read_duration(*value, section.path("ttl"), Lowest::above_zero);
  if (const Node* value = section.get("login_cpu"))
    sessions.login_cpu_s = read_duration(*value, section.path("login_cpu"), Lowest::zero);
  if (const Node* value = section.get("redis")) {
    const Section redis(*value, section.path("redis"),
                        {"op_time", "persistence", "snapshot_interval", "replica", "failover_time"});
    RedisSpec& spec = sessions.redis;
    if (const Node* item = redis.get("op_time"))
      spec.op_time_s = read_duration(*item, redis.path("op_time"), Lowest::zero);
    if (const Node* item = redis.get("persistence"))
      spec.persistence = read_choice(*item, redis.path("persistence"), kPersistenceNames);
    if (const Node* item = redis.get("snapshot_interval"))
      spec.snapshot_interval_s = read_duration(*item, redis.path("snapshot_interval"), Lowest::above_zero);
    if (const Node* item = redis.get("replica")) spec.replica = read_bool(*item, redis.path("replica"));
    if (const Node* item = redis.get("failover_time"))
      spec.failover_time_s = read_duration(*item, redis.path("failover_time"), Lowest::zero);
  }
  if (const Node* value = section.get("database")) {
    const Section database(*value, section.path("database"), {"query_time", "connections"});
    if (const Node* item = database.get("query_time"))
      sessions.database.query_time_s = read_distribution(*item, database.path("query_time"));
    if (const Node* item = database.get("connections"))
      sessions.database.connections = read_int(*item, database.path("connections"), 1);
  }
  if (const Node* value = section.get("jwt")) {
    const Section jwt(*value, section.path("jwt"),
                      {"verify_cpu", "token_bytes", "expiry", "denylist", "refresh"});
    JwtSpec& spec = sessions.jwt;
    if (const Node* item = jwt.get("verify_cpu"))
      spec.verify_cpu_s = read_duration(*item, jwt.path("verify_cpu"), Lowest::zero);
    if (const Node* item = jwt.get("token_bytes"))
      spec.token_bytes = read_size(*item, jwt.path("token_bytes"));
    if (const Node* item = jwt.get("expiry"))
      spec.expiry_s = read_duration(*item, jwt.path("expiry"), Lowest::above_zero);
    if (const Node* item = jwt.get("denylist")) spec.denylist = read_bool(*item, jwt.path("denylist"));
    if (const Node* item = jwt.get("refresh")) read_refresh(*item, jwt.path("refresh"), spec.refresh, draft);
  }
}

}  // namespace statesim::loading
