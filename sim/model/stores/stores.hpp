// The session store kinds (one file each) and what they share; model/session_store.hpp is the
// interface the rest of statesim uses.
#pragma once

#include <memory>
#include <string>

#include "model/session_store.hpp"

namespace statesim {

std::unique_ptr<SessionStore> make_server_memory_store(const SessionSpec& spec);
std::unique_ptr<SessionStore> make_redis_store(const SessionSpec& spec);
std::unique_ptr<SessionStore> make_database_store(const SessionSpec& spec);
std::unique_ptr<SessionStore> make_jwt_store(const SessionSpec& spec);

// Redis and database: any server finds the session until it is idle longer than ttl.
SessionVerdict shared_store_verdict(const SessionSpec& spec, const SessionState& session, double now_s);

// What a redis-like store (or a denylist) keeps through a crash, for the event row.
std::string persistence_outcome(const RedisSpec& redis, double lost_created_from_s);

}  // namespace statesim
