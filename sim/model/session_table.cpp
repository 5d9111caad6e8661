#include "model/session_table.hpp"

namespace statesim {

template <typename Visit>
void SessionTable::for_each_owner(Visit visit) {
  for (int p = 0; p < kPopulations; ++p)
    for (std::uint32_t i = 0; i < sessions_[p].size(); ++i) visit(owner_of(p, i));
}

void SessionTable::ensure(std::uint32_t owner) {
  auto& sessions = sessions_[population(owner)];
  if (index(owner) >= sessions.size()) {
    sessions.resize(index(owner) + 1);
    if (store_.held_by_server()) place_in_held_[population(owner)].resize(index(owner) + 1);
  }
  if (state(owner).alive) end(owner);
  state(owner) = SessionState{};
}

void SessionTable::create(std::uint32_t owner, int server, double t) {
  open(owner, server, t);
  recorder_.session_started(t);
}

void SessionTable::restore(std::uint32_t owner, int server, double elapsed_s, double token_age_s) {
  open(owner, server, 0);
  recorder_.session_in_progress_at_start();
  SessionState& session = state(owner);
  session.created_s = -elapsed_s;
  session.token_issued_s = -token_age_s;
}

void SessionTable::open(std::uint32_t owner, int server, double t) {
  SessionState& session = state(owner);
  if (session.alive) end(owner);  // an earlier session the user could not use
  session.alive = true;
  session.revoked = false;
  session.last_access_s = session.created_s = session.token_issued_s = t;
  if (store_.held_by_server()) {
    session.server = server;
    auto& held = held_[static_cast<std::size_t>(server)];
    place_in_held(owner) = static_cast<std::uint32_t>(held.size());
    held.push_back(owner);
  }
  active_++;
}

void SessionTable::release(std::uint32_t owner) {
  SessionState& session = state(owner);
  session.alive = false;
  if (session.server >= 0) {  // swap the last of the server's list into the owner's place
    auto& held = held_[static_cast<std::size_t>(session.server)];
    const std::uint32_t place = place_in_held(owner);
    held[place] = held.back();
    place_in_held(held[place]) = place;
    held.pop_back();
  }
  session.server = -1;
  active_--;
}

void SessionTable::end(std::uint32_t owner) {
  if (!state(owner).alive) return;
  release(owner);
  recorder_.session_ended();
}

std::int64_t SessionTable::lose(std::uint32_t owner, double t) {
  if (!state(owner).alive) return 0;
  release(owner);
  recorder_.session_lost(t);
  return 1;
}

void SessionTable::revoke(std::uint32_t owner, double t) {
  SessionState& session = state(owner);
  session.revoked = true;
  session.revoked_at_s = t;
}

void SessionTable::carry_out_revocation(std::uint32_t owner, double t) {
  switch (store_.revocation()) {
    case Revocation::flag_token:  // the token itself stays valid until it expires
      revoke(owner, t);
      if (store_.revocation_costs_store_operation()) recorder_.summary().store_ops++;
      break;
    case Revocation::delete_session:
      end(owner);
      break;
  }
}

bool SessionTable::check(std::uint32_t owner, int server, double t) {
  const SessionVerdict verdict = store_.verdict(state(owner), server, t);
  if (verdict == SessionVerdict::valid_revoked) recorder_.summary().revoked_accepted++;
  if (verdict == SessionVerdict::elsewhere && state(owner).alive) recorder_.session_abandoned();
  if (!served(verdict) && verdict != SessionVerdict::missing) end(owner);
  return served(verdict);
}

bool SessionTable::check_refresh(std::uint32_t owner, double t) {
  const SessionVerdict verdict = store_.refresh_verdict(state(owner), t);
  if (served(verdict)) return true;
  if (verdict == SessionVerdict::forgotten && state(owner).alive) recorder_.session_abandoned();
  if (verdict != SessionVerdict::missing) end(owner);
  return false;
}

void SessionTable::renew_token(std::uint32_t owner, double t) {
  state(owner).token_issued_s = t;
  recorder_.token_refreshed();
}

std::int64_t SessionTable::lose_held_by(int server, double t) {
  std::int64_t lost = 0;
  auto& held = held_[static_cast<std::size_t>(server)];
  while (!held.empty()) lost += lose(held.back(), t);
  return lost;
}

std::int64_t SessionTable::lose_created_since(double from_s, double t) {
  std::int64_t lost = 0;
  for_each_owner([&](std::uint32_t owner) {
    if (state(owner).alive && state(owner).created_s >= from_s) lost += lose(owner, t);
  });
  return lost;
}

void SessionTable::expire_idle(double end_s) {
  if (!store_.expires_when_idle()) return;
  for_each_owner([&](std::uint32_t owner) {
    const SessionState& session = state(owner);
    if (session.alive && session.last_access_s + store_.spec().ttl_s < end_s) end(owner);
  });
}

}  // namespace statesim
