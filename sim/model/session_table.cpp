#include "model/session_table.hpp"

namespace statesim {

void SessionTable::ensure(std::uint32_t owner) {
  if (owner >= sessions_.size()) sessions_.resize(owner + 1);
  if (sessions_[owner].alive) end(owner);
  sessions_[owner] = SessionState{};
}

void SessionTable::create(std::uint32_t owner, int server, double t) {
  SessionState& session = sessions_[owner];
  if (session.alive) end(owner);  // an earlier session the user could not use
  session.alive = true;
  session.revoked = false;
  session.last_access_s = session.created_s = session.token_issued_s = t;
  if (store_.held_by_server()) {
    session.server = server;
    held_by_server_[static_cast<std::size_t>(server)]++;
  }
  active_++;
  recorder_.session_started(t);
}

void SessionTable::release(SessionState& session) {
  session.alive = false;
  if (session.server >= 0) held_by_server_[static_cast<std::size_t>(session.server)]--;
  session.server = -1;
  active_--;
}

void SessionTable::end(std::uint32_t owner) {
  SessionState& session = sessions_[owner];
  if (!session.alive) return;
  release(session);
  recorder_.session_ended();
}

std::int64_t SessionTable::lose(std::uint32_t owner, double t) {
  SessionState& session = sessions_[owner];
  if (!session.alive) return 0;
  release(session);
  recorder_.session_lost(t);
  return 1;
}

void SessionTable::revoke(std::uint32_t owner, double t) {
  SessionState& session = sessions_[owner];
  session.revoked = true;
  session.revoked_at_s = t;
}

bool SessionTable::check(std::uint32_t owner, int server, double t) {
  const SessionVerdict verdict = store_.verdict(sessions_[owner], server, t);
  if (verdict == SessionVerdict::valid_revoked) recorder_.summary().revoked_accepted++;
  if (!served(verdict) && verdict != SessionVerdict::missing) end(owner);
  return served(verdict);
}

std::int64_t SessionTable::lose_held_by(int server, double t) {
  std::int64_t lost = 0;
  for (std::uint32_t owner = 0; owner < sessions_.size(); ++owner)
    if (sessions_[owner].alive && sessions_[owner].server == server) lost += lose(owner, t);
  return lost;
}

std::int64_t SessionTable::lose_created_since(double from_s, double t) {
  std::int64_t lost = 0;
  for (std::uint32_t owner = 0; owner < sessions_.size(); ++owner)
    if (sessions_[owner].alive && sessions_[owner].created_s >= from_s) lost += lose(owner, t);
  return lost;
}

void SessionTable::expire_idle(double end_s) {
  if (!store_.expires_when_idle()) return;
  for (std::uint32_t owner = 0; owner < sessions_.size(); ++owner) {
    const SessionState& session = sessions_[owner];
    if (session.alive && session.last_access_s + store_.spec().ttl_s < end_s) end(owner);
  }
}

}  // namespace statesim
