// Where sessions live, as the rules the engine applies: what a request costs (extra bytes,
// CPU, store operations), whether a session is usable on a server, and what a crash of the
// store host destroys. One implementation per kind in model/stores/, made by make_session_store.
// Plain C++, no SimGrid: the engine asks these questions and turns the answers into activities.
#pragma once

#include <memory>
#include <string>

#include "model/random.hpp"
#include "scenario/config.hpp"

namespace statesim {

// What the server side knows of one user's session.
struct SessionState {
  bool alive = false;          // state exists (memory, store) or a token was issued (jwt)
  int server = -1;             // memory store: the server holding it
  double last_access_s = 0;    // ttl counts from here (memory, redis, database)
  double token_issued_s = 0;   // jwt expiry counts from here
  double created_s = 0;        // a redis crash loses sessions by their creation time
  bool revoked = false;
  double revoked_at_s = 0;
};

enum class SessionVerdict {
  valid,            // the request is served
  valid_revoked,    // served, although revoked (jwt without denylist, or a denylist that forgot)
  missing,          // no session: never created, lost, or deleted
  expired,          // idle longer than ttl, or the token's expiry passed
  elsewhere,        // memory store: the session lives on another server
  refused_revoked,  // revoked, and the denylist (or the refresh-token store) says so
  forgotten         // a refresh token the store lost in a crash
};

inline bool served(SessionVerdict verdict) {
  return verdict == SessionVerdict::valid || verdict == SessionVerdict::valid_revoked;
}

// What a crash of the store host does to the sessions.
struct StoreCrash {
  bool loses_sessions = false;     // sessions created at or after `lost_created_from_s` are lost
  double lost_created_from_s = 0;
  std::string detail;              // for the events.csv row
};

// A revocation of a user's session, as this store carries it out.
enum class Revocation {
  delete_session,    // the session is deleted; the next request gets a 401
  flag_token,        // the token stays valid until it expires; counted when accepted
};

class SessionStore {
 public:
  virtual ~SessionStore() = default;

  virtual StoreKind kind() const = 0;
  const SessionSpec& spec() const { return spec_; }

  // ---- what a request costs
  // The design has a store host (sessions, a jwt denylist or refresh tokens).
  virtual bool has_store_host() const = 0;
  // Requests other than logins look the session up on the store host before their CPU demand.
  virtual bool looks_up_every_request() const { return has_store_host(); }
  // Logins, logouts and writes_session requests also write the session to the store host.
  virtual bool writes_sessions() const { return false; }
  // Logins and logouts write to the store host (the session, or a refresh token).
  virtual bool writes_at_login() const { return writes_sessions(); }
  virtual double extra_request_bytes() const { return 0; }  // a token travels with every request
  virtual double extra_cpu_s() const { return 0; }          // checking a token's signature
  // Operations the store host serves at once (the rest wait FIFO), and one operation's time.
  virtual int concurrent_operations() const { return 1; }
  virtual double operation_time_s(RandomStream& rng) const;
  virtual double mean_operation_time_s() const { return spec_.redis.op_time_s; }
  // What the store host is, for messages: "redis", "database", "jwt denylist (redis)".
  virtual std::string store_host_name() const { return "redis"; }

  // ---- what the server decides
  // The verdict of `server` on a request at `now_s`.
  virtual SessionVerdict verdict(const SessionState& session, int server, double now_s) const = 0;
  // The session lives in the memory of the server that created it.
  virtual bool held_by_server() const { return false; }
  // Sessions idle longer than ttl expire (a token's expiry is checked by verdict instead).
  virtual bool expires_when_idle() const { return true; }
  // Refresh tokens: a client renews an expired access token with a refresh request.
  virtual bool has_refresh_tokens() const { return false; }
  // The verdict on a refresh request at `now_s` (valid: a new access token is issued).
  virtual SessionVerdict refresh_verdict(const SessionState& session, double now_s) const {
    (void)session;
    (void)now_s;
    return SessionVerdict::missing;
  }

  // ---- events
  // A crash of the store host at `crash_s` (only designs with a store host have one). May
  // change what later verdicts say (a denylist forgets revocations).
  virtual StoreCrash crash(double crash_s) = 0;
  // A replica takes over `redis.failover_time` after a crash.
  virtual bool fails_over() const { return false; }
  virtual Revocation revocation() const { return Revocation::delete_session; }
  virtual bool revocation_costs_store_operation() const { return false; }
  // What a revocation means for the revoked users, for the event row.
  virtual std::string revocation_effect() const { return "their sessions are deleted"; }
  // Why a crash of the store has no effect (designs without a store host).
  virtual std::string no_store_host_reason() const { return ""; }

 protected:
  explicit SessionStore(const SessionSpec& spec) : spec_(spec) {}
  const SessionSpec spec_;  // a copy: a store may outlive the spec it was made from
};

std::unique_ptr<SessionStore> make_session_store(const SessionSpec& spec);

// A crash of a redis-like store at `crash_s` destroys the sessions created at or after the
// returned time: -infinity without persistence (all), the last second with aof or a replica,
// everything since the last snapshot (at multiples of snapshot_interval) with snapshots.
double store_crash_loses_created_from(const RedisSpec& redis, double crash_s);

}  // namespace statesim
