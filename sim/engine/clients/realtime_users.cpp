#include "engine/clients/realtime_users.hpp"

#include <fmt/format.h>

#include <cmath>

#include "model/realtime/reconnect_backoff.hpp"

namespace statesim::engine {
namespace {

constexpr double kUpgradeAnswerBytes = 200;            // 101 Switching Protocols: headers only
constexpr std::uint64_t kRealtimeIpBase = 1ull << 40;  // realtime users' IPs, apart from web visitors'
// Actions one user may run at one instant (a reconnect, its login and connect, a message).
constexpr std::uint64_t kInstantActionsPerUser = 64;

}  // namespace

RealtimeUsers::RealtimeUsers(EngineParts& parts)
    : world_(parts.world),
      pool_(parts.pool),
      balancer_(parts.balancer),
      exchanges_(parts.exchanges),
      sessions_(parts.sessions),
      store_(parts.store),
      spec_(*parts.world.design.realtime),
      cpu_(parts.world, parts.pool),
      connections_(parts.pool.size()),
      delivery_(parts.world, parts.pool, parts.store_host, cpu_, connections_),
      connected_(parts.world.recorder, &Bucket::connected),
      arrival_rng_(parts.world.stream_key(StreamPurpose::realtime_arrivals)),
      pending_connects_(static_cast<std::size_t>(parts.pool.size()), 0) {
  pool_.on_stop([this](int s, CrashReport& report) { drop_all(s, report); });
  // A draining server waits for its connections, as for its sessions.
  pool_.set_connections_held([this](int s) { return connections_.held_by(s); });
  pool_.add_holder(
      [this](int s) { return connections_.held_by(s) + pending_connects_[static_cast<std::size_t>(s)]; });
}

void RealtimeUsers::start() {
  if (spec_.workload == Workload::closed) {
    world_.clock.add_instant_budget(kInstantActionsPerUser * static_cast<std::uint64_t>(spec_.users));
    for (std::int64_t i = 0; i < spec_.users; ++i) {
      const std::uint32_t u = new_user(next_identity_++);
      RandomStream ramp(world_.stream_key(StreamPurpose::realtime_ramp_up, users_[u].identity));
      const double at = spec_.ramp_up_s > 0 ? ramp.uniform01() * spec_.ramp_up_s : 0;
      plan(users_[u].next_step, at, [this, u] { begin(u); });
    }
  } else {
    schedule_arrival();
  }
}

std::uint32_t RealtimeUsers::new_user(std::uint64_t identity) {
  const std::uint32_t u = free_users_.take(users_);
  sessions_.ensure(owner(u));
  User& user = users_[u];
  user = User{};
  user.identity = identity;
  user.message_rng = RandomStream(world_.stream_key(StreamPurpose::message_times, identity));
  user.recipient_rng = RandomStream(world_.stream_key(StreamPurpose::message_recipient, identity));
  user.detection_rng = RandomStream(world_.stream_key(StreamPurpose::heartbeat_detection, identity));
  user.jitter_rng = RandomStream(world_.stream_key(StreamPurpose::reconnect_jitter, identity));
  return u;
}

void RealtimeUsers::plan(Clock::Ticket& ticket, double at, Clock::Action step) {
  world_.clock.cancel(ticket);
  ticket = world_.clock.schedule(at, std::move(step));
}

void RealtimeUsers::schedule_arrival() {
  world_.clock.schedule(world_.now() + arrival_rng_.exponential(1.0 / spec_.arrival_rate_per_s), [this] {
    const std::uint32_t u = new_user(next_identity_++);
    RandomStream duration(world_.stream_key(StreamPurpose::connection_duration, users_[u].identity));
    plan(users_[u].close, world_.now() + duration.sample(spec_.connection_duration_s),
         [this, u] { close(u); });
    begin(u);
    schedule_arrival();
  });
}

// The user arrives: it joins its room, logs in, then connects.
void RealtimeUsers::begin(std::uint32_t u) {
  join_room(u);
  users_[u].fresh_login = true;
  login(u);
}

void RealtimeUsers::mark_affected(User& user) {
  if (user.affected) return;
  user.affected = true;
  world_.recorder.user_affected();
}

// ------------------------------------------------------------------------------------ requests

void RealtimeUsers::send(std::uint32_t u, RequestType type) {
  User& user = users_[u];
  const ClientSpec& clients = world_.design.clients;
  ExchangeRequest request;
  request.handler = this;
  request.client = u;
  request.kind = static_cast<std::uint8_t>(type);
  request.request_bytes = clients.request_bytes;
  request.credential_bytes = store_.extra_request_bytes();
  request.response_bytes = clients.response_bytes;
  request.cpu_s = (type == RequestType::connect ? spec_.connect_cpu_s : world_.design.sessions.login_cpu_s) +
                  store_.extra_cpu_s();
  request.reads_store = type != RequestType::login && store_.has_store_host();
  request.route.client_ip = kRealtimeIpBase + user.identity;
  // A connection is new work for a server: a draining one takes none.
  request.route.new_session = type != RequestType::logout;
  if (user.cookie_server >= 0 && type != RequestType::login) request.route.cookie_server = user.cookie_server;
  if (type == RequestType::connect) {
    request.response_bytes = kUpgradeAnswerBytes;
    request.detail = ++user.connects_sent;
    world_.recorder.bucket(world_.now()).connects++;
  }
  exchanges_.send(request);
}

void RealtimeUsers::login(std::uint32_t u) {
  users_[u].state = State::logging_in;
  send(u, RequestType::login);
}

void RealtimeUsers::connect(std::uint32_t u) {
  users_[u].state = State::connecting;
  send(u, RequestType::connect);
}

// An attempt: log in first when the client holds no session, then connect.
void RealtimeUsers::attempt(std::uint32_t u) {
  User& user = users_[u];
  if (user.logged_in) {
    connect(u);
  } else {
    user.fresh_login = true;
    login(u);
  }
}

// ------------------------------------------------------------------------------------ at the server

bool RealtimeUsers::refuses(const Exchange& exchange) {
  if (static_cast<RequestType>(exchange.request.kind) != RequestType::connect) return false;
  const int s = exchange.server;
  return connections_.held_by(s) + pending_connects_[static_cast<std::size_t>(s)] >= spec_.max_connections;
}

bool RealtimeUsers::admit(const Exchange& exchange) {
  if (static_cast<RequestType>(exchange.request.kind) != RequestType::connect) return true;
  const std::uint32_t u = exchange.request.client;
  if (!sessions_.check(owner(u), exchange.server, world_.now())) return false;
  sessions_.touch(owner(u), world_.now());
  // The server keeps a place for the connection until the client has its answer.
  User& user = users_[u];
  user.pending_server = exchange.server;
  user.pending_connect = exchange.request.detail;
  pending_connects_[static_cast<std::size_t>(exchange.server)]++;
  return true;
}

bool RealtimeUsers::executed(const Exchange& exchange) {
  if (exchange.client_done) return false;  // it no longer changes the user's session
  const std::uint32_t u = exchange.request.client;
  const bool writes = store_.writes_sessions();
  switch (static_cast<RequestType>(exchange.request.kind)) {
    case RequestType::login:
      sessions_.create(owner(u), exchange.server, world_.now());
      return writes;
    case RequestType::logout:
      sessions_.end(owner(u));
      return writes;
    case RequestType::connect:
      return false;
  }
  return false;
}

void RealtimeUsers::release_pending(std::uint32_t u, const Exchange& exchange) {
  User& user = users_[u];
  if (user.pending_server != exchange.server || user.pending_connect != exchange.request.detail) return;
  std::int64_t& pending = pending_connects_[static_cast<std::size_t>(user.pending_server)];
  if (pending > 0) pending--;  // a stop of the server has cleared them already
  user.pending_server = -1;
}

// ------------------------------------------------------------------------------------ the client's side

void RealtimeUsers::answered(const Exchange& exchange, Outcome outcome, FailureCause) {
  const std::uint32_t u = exchange.request.client;
  User& user = users_[u];
  const bool ok = outcome == Outcome::ok;
  if (!ok) mark_affected(user);
  switch (static_cast<RequestType>(exchange.request.kind)) {
    case RequestType::login:
      if (!ok) {
        attempt_failed(u);
        return;
      }
      user.logged_in = true;
      user.cookie_server = exchange.server;
      if (user.closing) {
        user.state = State::waiting;  // no request on its way any more
        close(u);
      } else {
        connect(u);
      }
      return;
    case RequestType::connect:
      release_pending(u, exchange);
      if (ok) {
        established(u, exchange.server);
        return;
      }
      world_.recorder.summary().connect_failed++;
      if (outcome == Outcome::forced) {
        unauthorized(u);
      } else {
        attempt_failed(u);
      }
      return;
    case RequestType::logout:
      leave(u);
      return;
  }
}

void RealtimeUsers::established(std::uint32_t u, int server) {
  User& user = users_[u];
  user.cookie_server = server;
  if (user.closing) {  // its time ran out while it connected: it closes at once
    user.state = State::waiting;
    close(u);
    return;
  }
  const double now = world_.now();
  user.state = State::connected;
  user.attempt = -1;
  user.fresh_login = false;
  connections_.open(u, server);
  balancer_.add_in_flight(server, +1);  // least_connections counts connections
  connected_.add(now, +1);
  world_.recorder.summary().connections_opened++;
  if (user.dropped_at >= 0) {
    reconnect_times_.add(now - user.dropped_at);
    user.dropped_at = -1;
  }
  schedule_message(u);
  delivery_.connected(u, server);
}

// A 401: the session is not valid on that server. The user logs in again and connects, unless
// it has just logged in for this attempt: then the attempt failed.
void RealtimeUsers::unauthorized(std::uint32_t u) {
  User& user = users_[u];
  world_.recorder.forced_logout(world_.now());
  user.logged_in = false;
  user.cookie_server = -1;
  if (user.fresh_login || user.closing) {
    attempt_failed(u);
  } else {
    user.fresh_login = true;
    login(u);
  }
}

void RealtimeUsers::attempt_failed(std::uint32_t u) {
  User& user = users_[u];
  user.state = State::waiting;
  if (user.closing) {
    close(u);
    return;
  }
  user.fresh_login = false;
  user.attempt++;
  plan(user.next_step, world_.now() + reconnect_wait_s(spec_.reconnect, user.attempt, user.jitter_rng),
       [this, u] { attempt(u); });
}

// ------------------------------------------------------------------------------------ drops

// The server went down (crash, or the end of a drain): its connections are gone. After a
// crash each client notices when a heartbeat goes unanswered, uniform(0, heartbeat) later;
// the end of a drain closes them with a close frame, noticed at once.
void RealtimeUsers::drop_all(int server, CrashReport& report) {
  const bool close_frames = pool_.draining(server);
  const double now = world_.now();
  const std::int64_t held = connections_.held_by(server);
  std::int64_t dropped = 0;
  const std::vector<std::uint32_t> on_server = connections_.on(server);
  for (const std::uint32_t u : on_server) {
    User& user = users_[u];
    connections_.close(u);
    balancer_.add_in_flight(server, -1);
    connected_.add(now, -1);
    dropped++;
    user.state = State::dropped;
    user.dropped_at = now;
    if (close_frames) {
      notice_drop(u);
    } else {
      plan(user.next_step, now + user.detection_rng.uniform01() * spec_.heartbeat_s,
           [this, u] { notice_drop(u); });
    }
  }
  world_.recorder.summary().connections_dropped += dropped;
  pending_connects_[static_cast<std::size_t>(server)] = 0;  // their exchanges failed with the server
  report.part2.connections_held = held;
  report.part2.connections_dropped = dropped;
  report.notes.push_back(fmt::format("held {} connections, dropped {}", held, dropped));
}

void RealtimeUsers::notice_drop(std::uint32_t u) {
  User& user = users_[u];
  world_.clock.cancel(user.next_message);
  user.state = State::waiting;
  user.attempt = 0;
  plan(user.next_step, world_.now() + reconnect_wait_s(spec_.reconnect, 0, user.jitter_rng),
       [this, u] { attempt(u); });
}

// ------------------------------------------------------------------------------------ open population

// Its time is over: it closes its connection (not a drop) and logs out, or leaves at once when
// it holds no session; a request on its way finishes first.
void RealtimeUsers::close(std::uint32_t u) {
  User& user = users_[u];
  user.closing = true;
  switch (user.state) {
    case State::logging_in:
    case State::connecting:
    case State::logging_out:
    case State::gone:
      return;
    case State::connected: {
      const int server = connections_.server_of(u);
      connections_.close(u);
      balancer_.add_in_flight(server, -1);
      connected_.add(world_.now(), -1);
      break;
    }
    case State::offline:
    case State::dropped:
    case State::waiting:
      break;
  }
  world_.clock.cancel(user.next_message);
  world_.clock.cancel(user.next_step);
  if (user.logged_in) {
    user.state = State::logging_out;
    send(u, RequestType::logout);
  } else {
    leave(u);
  }
}

void RealtimeUsers::leave(std::uint32_t u) {
  User& user = users_[u];
  user.state = State::gone;
  world_.clock.cancel(user.next_message);
  world_.clock.cancel(user.next_step);
  world_.clock.cancel(user.close);
  sessions_.end(owner(u));
  leave_room(u);
  delivery_.left(u);
  free_users_.give_back(u);
}

// ------------------------------------------------------------------------------------ messages

void RealtimeUsers::schedule_message(std::uint32_t u) {
  if (spec_.message_rate_per_s <= 0) return;
  User& user = users_[u];
  plan(user.next_message, world_.now() + user.message_rng.exponential(1.0 / spec_.message_rate_per_s),
       [this, u] { send_message(u); });
}

// A connected client sends (so does one whose server died unnoticed: the message is lost).
void RealtimeUsers::send_message(std::uint32_t u) {
  User& user = users_[u];
  recipients_.clear();
  if (spec_.audience == Audience::direct) {
    if (const auto other = connections_.random_other(u, user.recipient_rng)) recipients_.push_back(*other);
  } else {
    for (const std::uint32_t member : rooms_[room_of(user)])
      if (member != u) recipients_.push_back(member);
  }
  const int server = connections_.server_of(u);
  if (server >= 0) sessions_.touch(owner(u), world_.now());  // its messages keep its session alive
  delivery_.send(server, recipients_);
  schedule_message(u);
}

// A room's members are the users of its numbers present now (arrived, not gone).
void RealtimeUsers::join_room(std::uint32_t u) {
  if (spec_.audience != Audience::room) return;
  auto& members = rooms_[room_of(users_[u])];
  if (u >= place_in_room_.size()) place_in_room_.resize(u + 1);
  place_in_room_[u] = static_cast<std::uint32_t>(members.size());
  members.push_back(u);
}

void RealtimeUsers::leave_room(std::uint32_t u) {
  if (spec_.audience != Audience::room) return;
  const auto room = rooms_.find(room_of(users_[u]));
  auto& members = room->second;
  const std::uint32_t place = place_in_room_[u];
  members[place] = members.back();
  place_in_room_[members[place]] = place;
  members.pop_back();
  if (members.empty()) rooms_.erase(room);
}

// ------------------------------------------------------------------------------------ events and the end

ClientKind::Revoked RealtimeUsers::revoke(double fraction) {
  RandomStream rng(world_.stream_key(StreamPurpose::realtime_revoke, revocations_++));
  std::int64_t logged_in = 0, chosen = 0;
  for (std::uint32_t u = 0; u < users_.size(); ++u) {
    if (!sessions_.alive(owner(u)) || users_[u].state == State::gone) continue;
    logged_in++;
    if (rng.uniform01() >= fraction) continue;
    chosen++;
    sessions_.carry_out_revocation(owner(u),
                                   world_.now());  // a connection stays; a new one needs a valid session
  }
  return Revoked{logged_in, chosen};
}

void RealtimeUsers::finish(double end_s) {
  // A session lives as long as its connection.
  for (const std::uint32_t u : connections_.all()) sessions_.touch(owner(u), end_s);
  Summary& summary = world_.recorder.summary();
  const bool any = reconnect_times_.count() > 0;
  summary.reconnect_time_p50_s = any ? reconnect_times_.percentile(0.50) : NAN;
  summary.reconnect_time_p99_s = any ? reconnect_times_.percentile(0.99) : NAN;
  delivery_.finish(end_s);
  connected_.finish();
}

std::unique_ptr<ClientKind> make_realtime_users(EngineParts& parts) {
  if (!parts.world.design.realtime) return nullptr;
  return std::make_unique<RealtimeUsers>(parts);
}

}  // namespace statesim::engine
