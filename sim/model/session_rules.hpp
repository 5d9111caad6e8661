// Where sessions live and what destroys them, as plain rules the engine applies: whether a
// request finds a usable session, and which sessions a crash of a redis-like store takes.
#pragma once

#include "scenario/config.hpp"

namespace statesim {

// What the server side knows of one user's session.
struct SessionState {
  bool alive = false;          // state exists (memory, store) or a token was issued (jwt)
  int server = -1;             // memory store: the server holding it
  double last_access_s = 0;    // ttl counts from here (memory, redis, database)
  double token_issued_s = 0;   // jwt expiry counts from here
  bool revoked = false;
  double revoked_at_s = 0;
};

enum class SessionVerdict {
  valid,           // the request is served
  valid_revoked,   // served, although revoked (jwt without denylist, or a denylist that forgot)
  missing,         // no session: never created, lost, or deleted
  expired,         // idle longer than ttl, or the token's expiry passed
  elsewhere,       // memory store: the session lives on another server
  refused_revoked  // revoked, and the denylist says so
};

inline bool served(SessionVerdict verdict) {
  return verdict == SessionVerdict::valid || verdict == SessionVerdict::valid_revoked;
}

// The verdict of `server` on a request at time `now_s`. `denylist_forgot_before_s`: a jwt
// denylist that lost its data at a crash forgets revocations made before that time.
SessionVerdict check_session(const SessionSpec& sessions, const SessionState& session, int server, double now_s,
                             double denylist_forgot_before_s);

// A crash of a redis-like store at `crash_s` destroys the sessions created at or after the
// returned time: -infinity without persistence (all), the last second with aof or a replica,
// everything since the last snapshot (at multiples of snapshot_interval) with snapshots.
double store_crash_loses_created_from(const RedisSpec& redis, double crash_s);

}  // namespace statesim
