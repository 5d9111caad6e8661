// The server side's sessions: one record per session owner (a user), wherever the store keeps
// it, with the counts the report needs (active sessions, sessions each server holds) and the
// store's verdict on a request. Plain C++: the engine passes the time.
// Several populations share the table (part 1's web visitors, part 2's realtime users): an
// owner is a population's own user index, with the population in its top bits (owner_of), so
// each population numbers its users from 0 and every count covers them all.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "model/recorder.hpp"
#include "model/session_store.hpp"

namespace statesim {

class SessionTable {
 public:
  static constexpr int kPopulations = 2;  // 0: web visitors, 1: realtime users
  static constexpr std::uint32_t kPopulationShift = 30;
  // The owner of user `index` of `population` (index below 2^30).
  static constexpr std::uint32_t owner_of(int population, std::uint32_t index) {
    return (static_cast<std::uint32_t>(population) << kPopulationShift) | index;
  }

  SessionTable(SessionStore& store, Recorder& recorder, int servers)
      : store_(store), recorder_(recorder), held_(static_cast<std::size_t>(servers)) {}

  // A new owner's slot, or `owner` made ready for a new owner (its earlier session ended).
  void ensure(std::uint32_t owner);

  const SessionState& operator[](std::uint32_t owner) const { return state(owner); }
  bool alive(std::uint32_t owner) const { return state(owner).alive; }
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
  void touch(std::uint32_t owner, double t) { state(owner).last_access_s = t; }
  // A token revoked at `t` (the store decides what a revocation does: see revoke()).
  void revoke(std::uint32_t owner, double t);
  // A revoke event reaches the owner's session at `t`, as the store carries it out: a token is
  // flagged (a denylist's store operation counted), a session deleted (its next request gets
  // a 401).
  void carry_out_revocation(std::uint32_t owner, double t);

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
  static std::size_t population(std::uint32_t owner) { return owner >> kPopulationShift; }
  static std::uint32_t index(std::uint32_t owner) { return owner & ((1u << kPopulationShift) - 1); }
  SessionState& state(std::uint32_t owner) { return sessions_[population(owner)][index(owner)]; }
  const SessionState& state(std::uint32_t owner) const { return sessions_[population(owner)][index(owner)]; }
  std::uint32_t& place_in_held(std::uint32_t owner) { return place_in_held_[population(owner)][index(owner)]; }
  // Every owner's session, population by population.
  template <typename Visit>
  void for_each_owner(Visit visit);

  SessionStore& store_;
  Recorder& recorder_;
  std::deque<SessionState> sessions_[kPopulations];  // references stay valid while they grow
  // Memory store: the owners whose session each server holds, and each owner's place in its
  // server's list, so that a crash visits what the server held, not every session.
  std::vector<std::vector<std::uint32_t>> held_;
  std::vector<std::uint32_t> place_in_held_[kPopulations];
  std::int64_t active_ = 0;
};

}  // namespace statesim
