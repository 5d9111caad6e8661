// Realtime users (design/stateful-workloads.md §1): each logs in like a web user, then sends an
// upgrade request (`connect`) that the balancer routes and the server admits like any request
// (the session check, `connect_cpu`, refused beyond max_connections). The connection then stays
// on that server, whatever the policy: the stickiness of WebSockets. Connected users send
// messages (message_delivery.hpp). A server's crash drops its connections (each client notices
// within uniform(0, heartbeat)), the end of a drain closes them (at once); the client reconnects
// after a jittered exponential backoff (model/realtime/reconnect_backoff.hpp). Closed (a
// population that stays) or open (users who connect, then close and log out).
// Users are data: their steps are clock actions, their requests exchanges, their connections
// rows of a ConnectionTable; sessions are rows of the shared SessionTable (population 1).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/clients/client_kind.hpp"
#include "engine/clients/message_delivery.hpp"
#include "engine/clients/server_cpu.hpp"
#include "model/bucket_level.hpp"
#include "model/free_slots.hpp"
#include "model/realtime/connection_table.hpp"
#include "model/stats.hpp"

namespace statesim::engine {

class RealtimeUsers final : public ClientKind, public ExchangeHandler {
 public:
  explicit RealtimeUsers(EngineParts& parts);

  void start() override;
  void finish(double end_s) override;
  Revoked revoke(double fraction) override;

  bool refuses(const Exchange& exchange) override;
  bool admit(const Exchange& exchange) override;
  bool executed(const Exchange& exchange) override;
  void answered(const Exchange& exchange, Outcome outcome, FailureCause cause) override;

 private:
  // Where a user is, as its client sees it.
  enum class State : std::uint8_t {
    offline,      // not yet arrived (closed population: before its ramp-up login)
    logging_in,   // its login request is on its way
    connecting,   // its connect request is on its way
    connected,    // the server holds its connection
    dropped,      // its server dropped the connection; the client has not noticed yet
    waiting,      // noticed a drop or a failed attempt: waiting for the next attempt
    logging_out,  // its time is over (open population): the logout request is on its way
    gone          // left for good (open population: the index serves a new arrival)
  };
  enum class RequestType : std::uint8_t { login, connect, logout };

  struct User {
    std::uint64_t identity = 0;  // arrival index or user number: keys its streams and its room
    State state = State::offline;
    bool logged_in = false;             // the client holds a session, as far as it knows
    bool fresh_login = false;           // this attempt has logged in already
    bool closing = false;               // open population: its connection time is over
    bool affected = false;              // counted in users_affected
    int attempt = -1;                   // the reconnect attempt in progress (-1: first connection)
    int cookie_server = -1;             // sticky_cookie: the server of its last answer
    int pending_server = -1;            // the server holding its admitted connect until the answer
    std::uint32_t pending_connect = 0;  // which connect that is
    std::uint32_t connects_sent = 0;
    double dropped_at = -1;   // when its last connection dropped (for the reconnect time)
    Clock::Ticket next_step;  // login, detection, next attempt
    Clock::Ticket next_message;
    Clock::Ticket close;  // open population: when it closes
    RandomStream message_rng{0}, recipient_rng{0}, detection_rng{0}, jitter_rng{0};
  };

  static std::uint32_t owner(std::uint32_t u) { return SessionTable::owner_of(1, u); }
  std::uint32_t new_user(std::uint64_t identity);
  void plan(Clock::Ticket& ticket, double at, Clock::Action step);
  void schedule_arrival();
  void begin(std::uint32_t u);
  void send(std::uint32_t u, RequestType type);
  void login(std::uint32_t u);
  void connect(std::uint32_t u);
  void attempt(std::uint32_t u);
  void established(std::uint32_t u, int server);
  void unauthorized(std::uint32_t u);
  void attempt_failed(std::uint32_t u);
  void notice_drop(std::uint32_t u);
  void drop_all(int server, CrashReport& report);
  void close(std::uint32_t u);
  void leave(std::uint32_t u);
  void release_pending(std::uint32_t u, const Exchange& exchange);
  void schedule_message(std::uint32_t u);
  void send_message(std::uint32_t u);
  void mark_affected(User& user);
  std::uint64_t room_of(const User& user) const {
    return user.identity / static_cast<std::uint64_t>(spec_.room_size);
  }
  void join_room(std::uint32_t u);
  void leave_room(std::uint32_t u);

  World& world_;
  ServerPool& pool_;
  lb::Balancer& balancer_;
  Exchanges& exchanges_;
  SessionTable& sessions_;
  const SessionStore& store_;
  const RealtimeSpec& spec_;
  ServerCpu cpu_;
  ConnectionTable connections_;
  MessageDelivery delivery_;
  BucketLevel connected_;
  LatencySamples reconnect_times_;
  RandomStream arrival_rng_;
  std::uint64_t next_identity_ = 0;
  std::uint64_t revocations_ = 0;
  std::vector<std::int64_t> pending_connects_;  // per server: connects admitted, not yet answered
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> rooms_;  // room: members present
  std::vector<std::uint32_t> place_in_room_;
  std::vector<std::uint32_t> recipients_;  // scratch of send_message
  std::deque<User> users_;                 // references stay valid while it grows
  FreeSlots free_users_;
};

// The realtime section's users; nothing when the design has no such section.
std::unique_ptr<ClientKind> make_realtime_users(EngineParts& parts);

}  // namespace statesim::engine
