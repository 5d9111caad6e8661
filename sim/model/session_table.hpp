// The server side's sessions: one record per session owner (a user), wherever the store keeps
// it, with the counts the report needs (active sessions, sessions each server holds) and the
// store's verdict on a request. Plain C++: the engine passes the time.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "model/recorder.hpp"
#include "model/session_store.hpp"

namespace statesim {

class SessionTable {
 public:
  SessionTable(SessionStore& store, Recorder& recorder, int servers)
      : store_(store), recorder_(recorder), held_(static_cast<std::size_t>(servers)) {}

  // A new owner's slot, or `owner` made ready for a new owner (its earlier session ended).
  void ensure(std::uint32_t owner);

  const SessionState& operator[](std::uint32_t owner) const { return sessions_[owner]; }
  bool alive(std::uint32_t owner) const { return sessions_[owner].alive; }
  std::int64_t active() const { return active_; }
  // Sessions held in the memory of `server` (memory store only; 0 otherwise).
  std::int64_t held_by(int server) const {
    return static_cast<std::int64_t>(held_[static_cast<std::size_t>(server)].size());
  }

  // A login on `server` succeeded at `t`; an earlier session of the owner, which it could not
  // use, ends first.
  void create(std::uint32_t owner, int server, double t);
  // A session in progress when the run starts in steady state: created `elapsed_s` before
  // t = 0 on `server`, its token issued `token_age_s` before. It counts as started (the
  // conservation of sessions holds) but not as a login of the first bucket.
  void restore(std::uint32_t owner, int server, double elapsed_s, double token_age_s);
  // Ended on purpose: logout, expiry, revocation, abandonment.
  void end(std::uint32_t owner);
  // Destroyed while the user was logged in; returns 1 if there was a session, else 0.
  std::int64_t lose(std::uint32_t owner, double t);
  // A served request refreshes the idle timer.
  void touch(std::uint32_t owner, double t) { sessions_[owner].last_access_s = t; }
  // A token revoked at `t` (the store decides what a revocation does: see revoke()).
  void revoke(std::uint32_t owner, double t);

  // Is the owner's session usable on `server` at `t`? Counts requests accepted with a revoked
  // token, and ends a session that expired, lives elsewhere or was refused.
  bool check(std::uint32_t owner, int server, double t);

  // A refresh request at `t`: is the owner's refresh token good? Ends the session when it is not
  // (expired, revoked, or lost by the store: that one abandoned).
  bool check_refresh(std::uint32_t owner, double t);
  // A new access token is issued at `t`.
  void renew_token(std::uint32_t owner, double t);

  // Every session held in the memory of `server` is lost (its host went down); returns how many.
  std::int64_t lose_held_by(int server, double t);
  // Every session created at or after `from_s` is lost (a store crash); returns how many.
  std::int64_t lose_created_since(double from_s, double t);
  // At the end of the run: sessions idle past their ttl expired, whether or not anyone looked.
  void expire_idle(double end_s);

 private:
  void open(std::uint32_t owner, int server, double t);  // without counting it
  void release(std::uint32_t owner);

  SessionStore& store_;
  Recorder& recorder_;
  std::deque<SessionState> sessions_;  // references stay valid while it grows
  // Memory store: the owners whose session each server holds, and each owner's place in its
  // server's list, so that a crash visits what the server held, not every session.
  std::vector<std::vector<std::uint32_t>> held_;
  std::vector<std::uint32_t> place_in_held_;
  std::int64_t active_ = 0;
};

}  // namespace statesim
