// Web visitors, the users of part 1 of the format: each logs in (a request that creates a
// session), then repeats think -> request until its visit is over, then logs out. Open
// (Poisson arrivals of visits) or closed (a population that logs in again after a pause).
// Users are data, not actors: their steps are clock actions, their requests exchanges.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "engine/clients/client_kind.hpp"
#include "engine/exchanges.hpp"
#include "engine/store_host.hpp"
#include "engine/world.hpp"
#include "model/effect_ledger.hpp"
#include "model/free_slots.hpp"
#include "model/session_table.hpp"

namespace statesim::engine {

class WebVisitors final : public ClientKind, public ExchangeHandler {
 public:
  WebVisitors(World& world, Exchanges& exchanges, SessionTable& sessions, const SessionStore& store,
              const StoreHost& store_host);

  // The first arrival (open) or the population's first logins over the ramp-up (closed); or,
  // with clients.start: steady_state, the visits in progress at t = 0 (see start_steady()).
  void start() override;

  // Revokes each logged-in user with probability `fraction` (drawn from the revocation's own
  // stream).
  Revoked revoke(double fraction) override;
  // Applies a traffic event from now on; returns what changed, for the event row.
  std::vector<std::string> change_traffic(const TrafficEvent& traffic) override;

  bool admit(const Exchange& exchange) override;
  bool executed(const Exchange& exchange) override;
  void answered(const Exchange& exchange, Outcome outcome, FailureCause cause) override;
  std::optional<StorePool> effect_write(const Exchange& exchange) override;
  void ended(const Exchange& exchange) override;

  // Effects (request kinds with effect: true) held in a server's memory die with it, and keys
  // kept in the store with the store: subscribes to both.
  void watch_effects(ServerPool& pool, StoreHost& store_host);
  void finish(double end_s) override;

 private:
  // Where a user is in its visit.
  enum class State : std::uint8_t {
    offline,      // between visits (closed population), or waiting to log in again
    logging_in,   // its login request is on its way
    active,       // logged in: thinking, or a page request on its way
    logging_out,  // its logout request is on its way
    gone          // an open-population visit ended: the slot is free for a new arrival
  };
  // refresh: renews an expired jwt access token with the refresh token (then the page is sent).
  enum class RequestType : std::uint8_t { login, logout, page, refresh };
  static constexpr std::uint32_t kNoKind = 0xffffffff;  // logins, logouts, refreshes are not of the mix

  struct User {
    std::uint64_t identity = 0;  // keys the user's random streams (arrival index or user number)
    std::uint64_t ip = 0;
    State state = State::offline;
    Clock::Ticket next_step;     // the one scheduled step of this user (think, retry, login)
    double visit_end = 0;        // when the user logs out (session time counts from the login's answer)
    double planned_duration = 0;
    int cookie_server = -1;      // sticky_cookie: the server that created the session
    bool affected = false;       // counted in users_affected
    std::uint8_t retries_left = 0;
    RequestType retry_type = RequestType::page;  // what a retry sends again
    std::uint32_t retry_kind = 0;                // ... and of which request kind
    std::uint32_t action = EffectLedger::kNoAction;  // the effect its page request carries out
    RandomStream duration_rng{0}, think_rng{0}, kind_rng{0}, cpu_rng{0}, relogin_rng{0}, retry_rng{0};
  };

  std::uint32_t new_user(std::uint64_t identity);
  void plan(std::uint32_t u, double at, Clock::Action step);
  void schedule_arrival(double from);
  void on_arrival();
  void add_closed_user(double from);
  void start_steady();
  void join_visit_in_progress(std::uint32_t u, RandomStream& rng);
  void start_visit(std::uint32_t u);
  void end_visit(std::uint32_t u);
  void continue_visit(std::uint32_t u);
  void send(std::uint32_t u, RequestType type, bool is_retry = false);
  // The user's access token expires before a request sent now could be answered.
  bool needs_refresh(std::uint32_t u) const;
  void mark_affected(User& user);
  void on_forced(std::uint32_t u);
  void on_failed(std::uint32_t u);
  double retry_backoff(User& user);
  void close_action(User& user);

  World& world_;
  Exchanges& exchanges_;
  SessionTable& sessions_;
  const SessionStore& store_;
  const StoreHost& store_host_;
  std::vector<double> kind_cumulative_;
  RandomStream arrival_rng_;
  double arrival_rate_;
  Distribution think_time_;
  Clock::Ticket next_arrival_;
  std::uint64_t next_identity_ = 0;
  std::int64_t closed_population_ = 0;  // closed workload: users who come back
  std::int64_t closed_target_ = 0;
  std::uint64_t revocations_ = 0;
  std::deque<User> users_;  // references stay valid while it grows
  FreeSlots free_users_;
  std::unique_ptr<EffectLedger> effects_;  // the design has effects
  EffectWrite effect_write_ = EffectWrite::none;
};

// The web visitors of part 1 (the clients section); nothing when the design has none.
std::unique_ptr<ClientKind> make_web_visitors(EngineParts& parts);

}  // namespace statesim::engine
