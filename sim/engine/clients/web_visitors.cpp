#include "engine/clients/web_visitors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace statesim::engine {

WebVisitors::WebVisitors(World& world, Exchanges& exchanges, SessionTable& sessions, const SessionStore& store,
                         const StoreHost& store_host)
    : world_(world),
      exchanges_(exchanges),
      sessions_(sessions),
      store_(store),
      store_host_(store_host),
      arrival_rng_(world.stream_key(StreamPurpose::arrivals)),
      arrival_rate_(world.design.clients.arrival_rate_per_s),
      think_time_(world.design.clients.think_time_s),
      effect_write_(statesim::effect_write(world.design)) {
  if (world.design.effects.enabled) effects_ = std::make_unique<EffectLedger>(world.design, world.recorder);
  double total = 0;
  for (const auto& kind : world.design.clients.requests) {
    total += kind.weight;
    kind_cumulative_.push_back(total);
  }
}

void WebVisitors::start() {
  const ClientSpec& clients = world_.design.clients;
  if (clients.start == StartState::steady_state) {
    start_steady();
    return;
  }
  if (clients.workload == Workload::open) {
    schedule_arrival(0);
  } else {
    closed_target_ = clients.users;
    for (std::int64_t i = 0; i < clients.users; ++i) add_closed_user(0);
  }
}

std::uint32_t WebVisitors::new_user(std::uint64_t identity) {
  const std::uint32_t u = free_users_.take(users_);
  sessions_.ensure(u);
  User& user = users_[u];
  user = User{};
  user.identity = identity;
  user.duration_rng = RandomStream(world_.stream_key(StreamPurpose::session_duration, identity));
  user.think_rng = RandomStream(world_.stream_key(StreamPurpose::think_time, identity));
  user.kind_rng = RandomStream(world_.stream_key(StreamPurpose::request_kind, identity));
  user.cpu_rng = RandomStream(world_.stream_key(StreamPurpose::cpu_demand, identity));
  user.relogin_rng = RandomStream(world_.stream_key(StreamPurpose::relogin, identity));
  if (world_.design.clients.retry_jitter != RetryJitter::none)
    user.retry_rng = RandomStream(world_.stream_key(StreamPurpose::retry, identity));
  const std::int64_t pool = world_.design.clients.ip_pool;
  if (pool > 0) {
    RandomStream ip_rng(world_.stream_key(StreamPurpose::client_ip, identity));
    user.ip = ip_rng.below(static_cast<std::uint64_t>(pool));
  } else {
    user.ip = identity;
  }
  return u;
}

// A user has one scheduled step at a time: planning one cancels the one before.
void WebVisitors::plan(std::uint32_t u, double at, Clock::Action step) {
  User& user = users_[u];
  world_.clock.cancel(user.next_step);
  user.next_step = world_.clock.schedule(at, std::move(step));
}

void WebVisitors::schedule_arrival(double from) {
  if (arrival_rate_ <= 0) return;
  next_arrival_ = world_.clock.schedule(from + arrival_rng_.exponential(1.0 / arrival_rate_), [this] { on_arrival(); });
}

void WebVisitors::on_arrival() {
  const std::uint32_t u = new_user(next_identity_++);
  start_visit(u);
  schedule_arrival(world_.now());
}

// A user of the closed population; the first logins spread over the ramp-up.
void WebVisitors::add_closed_user(double from) {
  const std::uint32_t u = new_user(next_identity_++);
  closed_population_++;
  RandomStream ramp(world_.stream_key(StreamPurpose::ramp_up, users_[u].identity));
  const double ramp_up = from == 0 ? world_.design.clients.ramp_up_s : 0;
  plan(u, from + (ramp_up > 0 ? ramp.uniform01() * ramp_up : 0), [this, u] { start_visit(u); });
}

// The equilibrium of the workload at t = 0. Open: visits arrive at rate L and last D, so the
// number in progress is Poisson(L E[D]) whatever D's law (M/G/inf). Closed: each user alternates
// visits D and pauses R, so it is in a visit with probability E[D] / (E[D] + E[R]) (an
// alternating renewal process). The interval in progress, visit or pause, is drawn from the
// length-biased law of its distribution and the present moment uniformly within it
// (RandomStream::stationary); a user in a visit is logged in on the server the balancer picks
// for it now, and is thinking: its next request comes after the rest of a think time, drawn the
// same way. Every draw comes from the user's own stream, so designs share them.
void WebVisitors::start_steady() {
  const ClientSpec& clients = world_.design.clients;
  if (clients.workload == Workload::open) {
    RandomStream count_rng(world_.stream_key(StreamPurpose::steady_state, 0));
    const std::uint64_t in_progress = count_rng.poisson(arrival_rate_ * clients.session_duration_s.mean());
    for (std::uint64_t i = 0; i < in_progress; ++i) {
      const std::uint32_t u = new_user(next_identity_++);
      RandomStream rng(world_.stream_key(StreamPurpose::steady_state, users_[u].identity + 1));
      join_visit_in_progress(u, rng);
    }
    schedule_arrival(0);
    return;
  }
  closed_target_ = clients.users;
  const double visit = clients.session_duration_s.mean();
  const double in_visit = visit / std::max(visit + clients.relogin_after_s.mean(), 1e-300);
  for (std::int64_t i = 0; i < clients.users; ++i) {
    const std::uint32_t u = new_user(next_identity_++);
    closed_population_++;
    RandomStream rng(world_.stream_key(StreamPurpose::steady_state, users_[u].identity + 1));
    if (rng.uniform01() < in_visit) {
      join_visit_in_progress(u, rng);
    } else {
      plan(u, rng.stationary(clients.relogin_after_s).remaining_s, [this, u] { start_visit(u); });
    }
  }
}

void WebVisitors::join_visit_in_progress(std::uint32_t u, RandomStream& rng) {
  User& user = users_[u];
  const ClientSpec& clients = world_.design.clients;
  const StationaryDraw visit = rng.stationary(clients.session_duration_s);
  lb::RouteRequest route;
  route.client_ip = user.ip;
  route.new_session = true;
  const std::optional<int> server = exchanges_.place(route);
  if (!server) {  // no server in rotation at t = 0: the visit starts with a login
    user.planned_duration = visit.remaining_s;
    user.visit_end = visit.remaining_s;
    send(u, RequestType::login);
    return;
  }
  const double expiry = world_.design.sessions.jwt.expiry_s;
  sessions_.restore(u, *server, visit.elapsed_s, expiry > 0 ? std::fmod(visit.elapsed_s, expiry) : 0);
  user.state = State::active;
  user.cookie_server = *server;
  user.planned_duration = visit.remaining_s;
  user.visit_end = visit.remaining_s;
  const double think = rng.stationary(think_time_).remaining_s;
  if (think >= user.visit_end) {
    plan(u, user.visit_end, [this, u] { send(u, RequestType::logout); });
  } else {
    plan(u, think, [this, u] { send(u, RequestType::page); });
  }
}

// A visit: log in, use the site for `session_duration`, log out.
void WebVisitors::start_visit(std::uint32_t u) {
  User& user = users_[u];
  user.planned_duration = user.duration_rng.sample(world_.design.clients.session_duration_s);
  // Until the login is answered the visit is bounded by its planned length from now, so a
  // user whose logins keep failing eventually gives up.
  user.visit_end = world_.now() + user.planned_duration;
  send(u, RequestType::login);
}

// The user's visit is over (logged out, or left after a forced logout).
void WebVisitors::end_visit(std::uint32_t u) {
  User& user = users_[u];
  world_.clock.cancel(user.next_step);
  user.state = State::offline;
  sessions_.end(u);
  const ClientSpec& clients = world_.design.clients;
  if (clients.workload == Workload::closed && closed_population_ > closed_target_) {
    closed_population_--;  // the population shrank (traffic event): this user does not come back
  } else if (clients.workload == Workload::closed) {
    const double relogin = user.relogin_rng.sample(clients.relogin_after_s);
    plan(u, world_.now() + relogin, [this, u] { start_visit(u); });
  } else {
    user.state = State::gone;
    free_users_.give_back(u);
  }
}

// After an answer: think, then the next request, or log out when the session time is over.
void WebVisitors::continue_visit(std::uint32_t u) {
  User& user = users_[u];
  const double t = world_.now();
  if (t >= user.visit_end) {
    send(u, RequestType::logout);
    return;
  }
  const double think = user.think_rng.sample(think_time_);
  if (t + think >= user.visit_end) {
    plan(u, user.visit_end, [this, u] { send(u, RequestType::logout); });
  } else {
    plan(u, t + think, [this, u] { send(u, RequestType::page); });
  }
}

void WebVisitors::mark_affected(User& user) {
  if (user.affected) return;
  user.affected = true;
  world_.recorder.user_affected();
}

// A client knows when its access token expires: it refreshes the token first when the token
// would expire within the request's timeout, so that no request travels with an expiring token.
bool WebVisitors::needs_refresh(std::uint32_t u) const {
  if (!store_.has_refresh_tokens() || !sessions_.alive(u)) return false;
  const double expires_at = sessions_[u].token_issued_s + world_.design.sessions.jwt.expiry_s;
  return world_.now() + world_.design.clients.timeout_s >= expires_at;
}

void WebVisitors::send(std::uint32_t u, RequestType type, bool is_retry) {
  User& user = users_[u];
  world_.clock.cancel(user.next_step);  // any other scheduled step of this user is void now
  const ClientSpec& clients = world_.design.clients;
  if (type == RequestType::page && needs_refresh(u)) type = RequestType::refresh;
  if (!is_retry) user.retries_left = static_cast<std::uint8_t>(clients.retries);
  user.retry_type = type;
  if (type == RequestType::login) user.state = State::logging_in;
  if (type == RequestType::logout) user.state = State::logging_out;

  ExchangeRequest request;
  request.handler = this;
  request.client = u;
  request.kind = static_cast<std::uint8_t>(type);
  request.detail = kNoKind;
  request.action = EffectLedger::kNoAction;
  request.request_bytes = clients.request_bytes;
  request.response_bytes = clients.response_bytes;
  if (type == RequestType::page) {
    // A retry sends the same request again (its kind, and its action's idempotency key); the
    // kind is drawn all the same so that the user's stream stays where it was.
    const auto drawn = static_cast<std::uint32_t>(user.kind_rng.pick_weighted(kind_cumulative_));
    if (!is_retry) user.retry_kind = drawn;
    request.detail = user.retry_kind;
    const RequestKind& kind = clients.requests[request.detail];
    request.cpu_s = user.cpu_rng.sample(kind.cpu_s);  // each execution takes its own CPU time
    if (kind.request_bytes) request.request_bytes = *kind.request_bytes;
    if (kind.response_bytes) request.response_bytes = *kind.response_bytes;
    if (kind.effect && effects_) {
      if (!is_retry || user.action == EffectLedger::kNoAction) user.action = effects_->open_action(world_.now());
      effects_->attempt_sent(user.action);
      request.action = user.action;
    }
  } else {
    request.cpu_s = world_.design.sessions.login_cpu_s;  // a refresh signs a new token like a login
  }
  request.cpu_s += store_.extra_cpu_s();
  request.credential_bytes = store_.extra_request_bytes();
  if (type == RequestType::refresh) request.response_bytes = world_.design.sessions.jwt.token_bytes;
  request.reads_store = type == RequestType::refresh || (type != RequestType::login && store_host_.exists() &&
                                                         store_.looks_up_every_request());
  request.timeout_s = clients.timeout_s;
  request.route.client_ip = user.ip;
  request.route.new_session = type == RequestType::login;
  if (user.cookie_server >= 0 && type != RequestType::login) request.route.cookie_server = user.cookie_server;
  exchanges_.send(request);
}

// ------------------------------------------------------------------------------------ at the server

bool WebVisitors::admit(const Exchange& exchange) {
  const std::uint32_t u = exchange.request.client;
  if (static_cast<RequestType>(exchange.request.kind) == RequestType::refresh)
    return sessions_.check_refresh(u, world_.now());
  if (static_cast<RequestType>(exchange.request.kind) != RequestType::page) return true;
  if (!sessions_.check(u, exchange.server, world_.now())) return false;
  sessions_.touch(u, world_.now());
  return true;
}

bool WebVisitors::executed(const Exchange& exchange) {
  // An effect applies when the CPU execution ends, whether or not the client still waits.
  if (exchange.request.action != EffectLedger::kNoAction)
    effects_->apply(exchange.request.action, exchange.server, world_.now(),
                    effect_write_ == EffectWrite::none || store_host_.up());
  if (exchange.client_done) return false;  // it no longer changes the user's session
  const std::uint32_t u = exchange.request.client;
  switch (static_cast<RequestType>(exchange.request.kind)) {
    case RequestType::login:
      sessions_.create(u, exchange.server, world_.now());
      return store_.writes_at_login();
    case RequestType::logout:
      sessions_.end(u);
      return store_.writes_at_login();
    case RequestType::page:
      return store_.writes_sessions() &&
             world_.design.clients.requests[exchange.request.detail].writes_session;
    case RequestType::refresh:
      if (sessions_.alive(u)) sessions_.renew_token(u, world_.now());
      return false;
  }
  return false;
}

// ------------------------------------------------------------------------------------ the client's side

std::optional<StorePool> WebVisitors::effect_write(const Exchange& exchange) {
  if (exchange.request.action == EffectLedger::kNoAction) return std::nullopt;
  switch (effect_write_) {
    case EffectWrite::none: return std::nullopt;
    case EffectWrite::database: return StorePool::effects;
    case EffectWrite::session_store: return StorePool::sessions;
  }
  return std::nullopt;
}

void WebVisitors::ended(const Exchange& exchange) {
  if (exchange.request.action != EffectLedger::kNoAction) effects_->attempt_ended(exchange.request.action);
}

void WebVisitors::answered(const Exchange& exchange, Outcome outcome, FailureCause) {
  const std::uint32_t u = exchange.request.client;
  User& user = users_[u];
  // The action is over for the user unless this failure is retried.
  if (exchange.request.action != EffectLedger::kNoAction && (outcome != Outcome::failed || user.retries_left == 0))
    close_action(user);
  switch (outcome) {
    case Outcome::ok:
      switch (static_cast<RequestType>(exchange.request.kind)) {
        case RequestType::login:
          user.state = State::active;
          user.visit_end = world_.now() + user.planned_duration;
          user.cookie_server = exchange.server;
          continue_visit(u);
          break;
        case RequestType::page:
          world_.recorder.page_ok(exchange.sent_at);
          continue_visit(u);
          break;
        case RequestType::logout: end_visit(u); break;
        case RequestType::refresh:
          send(u, RequestType::page);
          break;  // the page it was for
      }
      break;
    case Outcome::forced: on_forced(u); break;
    case Outcome::failed: on_failed(u); break;
    case Outcome::pending: break;  // never answered as such
  }
}

// A 401: the user is logged out; it logs in again (the visit goes on until its planned end) or leaves.
void WebVisitors::on_forced(std::uint32_t u) {
  User& user = users_[u];
  world_.recorder.forced_logout(world_.now());
  mark_affected(user);
  user.state = State::offline;
  user.cookie_server = -1;
  if (world_.design.clients.on_forced_logout == OnForcedLogout::relogin && world_.now() < user.visit_end) {
    user.planned_duration = user.visit_end - world_.now();
    send(u, RequestType::login);
  } else {
    end_visit(u);
  }
}

void WebVisitors::close_action(User& user) {
  if (user.action == EffectLedger::kNoAction) return;
  effects_->close_action(user.action);
  user.action = EffectLedger::kNoAction;
}

// The wait before a retry: retry_backoff, jittered (clients.retry_jitter) from the user's own
// stream so that designs without jitter draw nothing more.
double WebVisitors::retry_backoff(User& user) {
  const double backoff = world_.design.clients.retry_backoff_s;
  switch (world_.design.clients.retry_jitter) {
    case RetryJitter::none: return backoff;
    case RetryJitter::full: return backoff * user.retry_rng.uniform01();
    case RetryJitter::equal: return backoff / 2 + backoff / 2 * user.retry_rng.uniform01();
  }
  return backoff;
}

void WebVisitors::on_failed(std::uint32_t u) {
  User& user = users_[u];
  const double now = world_.now();
  mark_affected(user);
  if (user.retries_left > 0) {
    user.retries_left--;
    plan(u, now + retry_backoff(user), [this, u] { send(u, users_[u].retry_type, true); });
    return;
  }
  world_.recorder.summary().requests_failed_final++;  // the user sees this one
  switch (user.retry_type) {
    case RequestType::login:
      if (now >= user.visit_end) {
        end_visit(u);
      } else {  // try again after a think time
        user.state = State::offline;
        const double think = user.think_rng.sample(think_time_);
        world_.clock.cancel(user.next_step);
        if (now + think < user.visit_end) {
          user.planned_duration = user.visit_end - now - think;
          plan(u, now + think, [this, u] { send(u, users_[u].retry_type, true); });
        } else {
          end_visit(u);
        }
      }
      break;
    case RequestType::page:
    case RequestType::refresh:
      continue_visit(u);
      break;                                        // the next page tries again
    case RequestType::logout: end_visit(u); break;  // the user walks away all the same
  }
}

// ------------------------------------------------------------------------------------ events

ClientKind::Revoked WebVisitors::revoke(double fraction) {
  RandomStream rng(world_.stream_key(StreamPurpose::revoke, revocations_++));
  std::int64_t logged_in = 0, chosen = 0;
  for (std::uint32_t u = 0; u < users_.size(); ++u) {
    if (!sessions_.alive(u) || users_[u].state == State::gone) continue;
    logged_in++;
    if (rng.uniform01() >= fraction) continue;
    chosen++;
    sessions_.carry_out_revocation(u, world_.now());
  }
  return Revoked{logged_in, chosen};
}

std::vector<std::string> WebVisitors::change_traffic(const TrafficEvent& traffic) {
  std::vector<std::string> changes;
  if (traffic.arrival_rate_per_s) {
    arrival_rate_ = *traffic.arrival_rate_per_s;
    world_.clock.cancel(next_arrival_);
    schedule_arrival(world_.now());
    changes.push_back(fmt::format("arrival rate {}/s", arrival_rate_));
  }
  if (traffic.users) {
    closed_target_ = *traffic.users;
    while (closed_population_ < closed_target_) add_closed_user(world_.now());
    changes.push_back(fmt::format("{} users (extra users leave at the end of their visit)", closed_target_));
  }
  if (traffic.think_time_s) {
    think_time_ = *traffic.think_time_s;
    changes.push_back(fmt::format("think time mean {}s", think_time_.mean()));
  }
  return changes;
}

void WebVisitors::watch_effects(ServerPool& pool, StoreHost& store_host) {
  if (!effects_) return;
  const EffectSpec& spec = world_.design.effects;
  if (spec.state == EffectState::memory || spec.idempotency == Idempotency::memory)
    pool.on_stop([this](int s, CrashReport& report) {
      const std::int64_t lost = effects_->server_stopped(s, world_.now());
      if (lost > 0) report.notes.push_back(fmt::format("{} effects in its memory lost", lost));
    });
  store_host.on_down([this] { effects_->store_crashed(world_.now()); });
}

void WebVisitors::finish(double) {
  if (effects_) world_.recorder.summary().effects_in_flight = effects_->in_flight();
}

std::unique_ptr<ClientKind> make_web_visitors(EngineParts& parts) {
  if (!parts.world.design.clients.present) return nullptr;
  auto visitors =
      std::make_unique<WebVisitors>(parts.world, parts.exchanges, parts.sessions, parts.store, parts.store_host);
  visitors->watch_effects(parts.pool, parts.store_host);
  return visitors;
}

}  // namespace statesim::engine
