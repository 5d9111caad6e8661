// The model executed on SimGrid. Users and sessions are data; every request is a chain of
// SimGrid activities: a communication client -> server (through the balancer's links), store
// operations (communication to the store host, an execution there, communication back), an
// execution of its CPU demand on the server host, and a communication back to the client. Each
// activity is started from maestro and the chain advances in the global completion callback.
// User think times, timeouts and scenario events are kept in our own time-ordered queue and
// fired by one SimGrid kernel timer, so SimGrid's clock is the only clock.
#include "engine/simulation.hpp"

#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u.hpp>

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <queue>
#include <memory>
#include <stdexcept>
#include <variant>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/platform.hpp"
#include "engine/runner.hpp"
#include "model/lb/policy.hpp"
#include "model/random.hpp"
#include "model/session_rules.hpp"
#include "model/stats.hpp"

namespace sg4 = simgrid::s4u;

namespace statesim::engine {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kFlopsPerSecond = 1e9;       // flops of one second of CPU on a speed-1 host
constexpr double kErrorResponseBytes = 200;   // a 401 / 503 answer
constexpr double kStoreMessageBytes = 1000;   // a session read or write to the store
constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

enum class UserState : std::uint8_t { offline, logging_in, active, logging_out, gone };
enum class RequestType : std::uint8_t { login, logout, page };

// Where a request's chain is; the stage tells the completion callback what comes next.
enum class Stage : std::uint8_t {
  to_balancer,      // client -> lb, for an answer from the balancer itself (no server)
  balancer_reply,   // lb -> client with that answer
  to_server,        // client -> server, through the balancer
  queued,           // waiting for a worker
  store_request,    // server -> store
  store_queued,     // waiting for a store slot
  store_exec,       // the operation on the store host
  store_reply,      // store -> server
  cpu,              // the request's CPU demand on the server
  reply,            // server -> client
  done
};

enum class Outcome : std::uint8_t { pending, ok, forced, failed };

struct User {
  std::uint64_t identity = 0;   // keys the user's random streams (arrival index or user number)
  std::uint64_t ip = 0;
  UserState state = UserState::offline;
  std::uint32_t generation = 0; // invalidates scheduled wake-ups of this user
  std::uint32_t request = kNone;
  double visit_end = kInf;      // when the user logs out (session time counts from the login's answer)
  double planned_duration = 0;
  // Session state (server side); one session per user at a time.
  bool session_alive = false;
  int session_server = -1;      // memory store: the server that holds it
  int cookie_server = -1;       // sticky_cookie: the server that created the session
  double last_access = 0;
  double token_issued = 0;      // jwt
  double session_created = 0;   // redis persistence: what a crash loses depends on it
  bool revoked = false;
  double revoked_at = 0;
  bool affected = false;
  std::uint8_t retries_left = 0;
  RandomStream duration_rng{0}, think_rng{0}, kind_rng{0}, cpu_rng{0}, relogin_rng{0};
};

struct Request {
  std::uint32_t user = kNone;
  std::uint32_t generation = 0;  // bumps at each reuse of the slot
  RequestType type = RequestType::page;
  Stage stage = Stage::done;
  Outcome outcome = Outcome::pending;
  FailureCause cause = FailureCause::reset;
  bool client_done = false;      // the client has its answer (or gave up)
  bool aborted = false;          // its server died: whatever is still running is discarded
  bool holds_worker = false;
  bool holds_cpu = false;        // an execution of it runs on its server
  bool holds_store_slot = false;
  bool counted_in_flight = false;  // counted in the balancer's in_flight of `server`
  bool writes_session = false;
  bool store_write_pending = false;
  int server = -1;
  double sent_at = 0;
  double cpu_s = 0;
  sg4::ActivityPtr activity;
};

struct Server {
  sg4::Host* host = nullptr;
  bool member = false;        // in the pool the balancer knows
  bool powered = false;       // host on
  double ready_at = 0;        // answers requests (and probes) from then on
  bool draining = false;      // takes no new sessions
  bool leaving = false;       // draining to stop (scale in); a deploy drains to restart
  std::uint32_t drain_generation = 0;  // invalidates a scheduled end of drain
  double started_at = 0;      // most recently started servers leave first on scale-in
  bool healthy = false;       // the balancer's view
  int good_probes = 0;
  int bad_probes = 0;
  int busy_workers = 0;
  int running_cpu = 0;        // executions running on the host
  std::deque<std::uint32_t> queue;
  std::int64_t resident_sessions = 0;  // memory sessions held
  // CPU accounting, integrated lazily.
  double accounted_until = 0;
  double busy_core_s = 0;
  double service_core_s = 0;
};

enum class WakeKind : std::uint8_t {
  arrival, user_send, user_logout, user_login, retry, health_tick, bucket_tick, scenario_event,
  drain_end, store_failover, autoscale_tick
};

struct Wake {
  double time;
  std::uint64_t sequence;
  WakeKind kind;
  std::uint32_t id;
  std::uint32_t generation;
  bool operator>(const Wake& other) const {
    return time > other.time || (time == other.time && sequence > other.sequence);
  }
};

struct TimeoutEntry {
  double deadline;
  std::uint32_t request;
  std::uint32_t generation;
};

// Consequences counted after an event, for the report.
struct EventWindow {
  std::size_t row;
  double until;
};

class Simulation;
Simulation* current = nullptr;

class Simulation {
 public:
  Simulation(const Scenario& scenario, const Design& design, int replication, Platform platform)
      : scenario_(scenario),
        design_(design),
        replication_(replication),
        platform_(std::move(platform)),
        policy_(lb::make_policy(design.load_balancer)),
        balancer_rng_(derive_stream_key(scenario.seed, replication, StreamPurpose::balancer, 0)),
        arrival_rng_(derive_stream_key(scenario.seed, replication, StreamPurpose::arrivals, 0)),
        store_rng_(derive_stream_key(scenario.seed, replication, StreamPurpose::store_time, 0)) {
    const ClientSpec& clients = design.clients;
    double total = 0;
    for (const auto& kind : clients.requests) {
      total += kind.weight;
      kind_cumulative_.push_back(total);
    }
    arrival_rate_ = clients.arrival_rate_per_s;
    think_time_ = clients.think_time_s;
    servers_.resize(design.servers.max);
    views_.resize(design.servers.max);
    for (int i = 0; i < design.servers.max; ++i) {
      Server& server = servers_[i];
      server.host = platform_.servers[i];
      if (i < design.servers.count) {
        server.member = server.powered = server.healthy = true;
      } else {
        server.host->turn_off();
      }
      refresh_view(i);
    }
    store_slots_ = design.sessions.store == StoreKind::database ? design.sessions.database.connections : 1;
    uses_store_ = design.sessions.store == StoreKind::redis || design.sessions.store == StoreKind::database ||
                  (design.sessions.store == StoreKind::jwt && design.sessions.jwt.denylist);
    const auto buckets = static_cast<std::size_t>(std::ceil(scenario.duration_s / scenario.report_interval_s));
    result_.buckets.resize(std::max<std::size_t>(buckets, 1));
    for (std::size_t b = 0; b < result_.buckets.size(); ++b)
      result_.buckets[b].time_s = static_cast<double>(b) * scenario.report_interval_s;
  }

  RunResult run(sg4::Engine& engine) {
    current = this;
    sg4::Activity::on_completion_cb([](const sg4::Activity& activity) { current->on_completion(activity); });
    start();
    engine.run_until(scenario_.duration_s);
    finish();
    return std::move(result_);
  }

 private:
  // ---------------------------------------------------------------- time keeping
  double now() const { return sg4::Engine::get_clock(); }

  void schedule(double time, WakeKind kind, std::uint32_t id = 0, std::uint32_t generation = 0) {
    if (time > scenario_.duration_s) return;
    wakes_.push(Wake{time, next_sequence_++, kind, id, generation});
    arm(time);
  }

  // One kernel timer stands for the earliest pending wake-up; a stale one fires harmlessly.
  void arm(double time) {
    if (time >= armed_at_) return;
    armed_at_ = time;
    simgrid::kernel::timer::Timer::set(time, [this, time] {
      if (time == armed_at_) armed_at_ = kInf;
      fire();
    });
  }

  double next_wake_time() const {
    double next = wakes_.empty() ? kInf : wakes_.top().time;
    if (!timeouts_.empty()) next = std::min(next, timeouts_.front().deadline);
    return next;
  }

  void fire() {
    finished_activities_.clear();
    const double t = now();
    while (true) {
      if (!timeouts_.empty() && timeouts_.front().deadline <= t &&
          (wakes_.empty() || timeouts_.front().deadline <= wakes_.top().time)) {
        TimeoutEntry entry = timeouts_.front();
        timeouts_.pop_front();
        on_timeout(entry);
        continue;
      }
      if (wakes_.empty() || wakes_.top().time > t) break;
      Wake wake = wakes_.top();
      wakes_.pop();
      dispatch(wake);
    }
    const double next = next_wake_time();
    if (next < kInf) arm(next);
  }

  void dispatch(const Wake& wake) {
    switch (wake.kind) {
      case WakeKind::arrival:
        if (wake.generation == arrival_generation_) on_arrival();
        break;
      case WakeKind::user_send:
      case WakeKind::user_logout:
      case WakeKind::user_login: {
        User& user = users_[wake.id];
        if (user.generation != wake.generation) break;
        if (wake.kind == WakeKind::user_send) send(wake.id, RequestType::page);
        else if (wake.kind == WakeKind::user_logout) send(wake.id, RequestType::logout);
        else start_visit(wake.id);
        break;
      }
      case WakeKind::retry: {
        User& user = users_[wake.id];
        if (user.generation != wake.generation) break;
        send(wake.id, retry_type_[wake.id], /*is_retry=*/true);
        break;
      }
      case WakeKind::health_tick: on_health_tick(); break;
      case WakeKind::bucket_tick: close_bucket(wake.id); break;
      case WakeKind::scenario_event: apply_event(design_.events[wake.id]); break;
      case WakeKind::drain_end:
        if (servers_[wake.id].drain_generation == wake.generation) end_drain(static_cast<int>(wake.id));
        break;
      case WakeKind::store_failover: store_failover(wake.generation); break;
      case WakeKind::autoscale_tick: on_autoscale_tick(); break;
    }
  }

  // ---------------------------------------------------------------- start and end
  void start() {
    const ClientSpec& clients = design_.clients;
    if (clients.workload == Workload::open) {
      schedule_arrival(0);
    } else {
      closed_target_ = clients.users;
      for (std::int64_t i = 0; i < clients.users; ++i) add_closed_user(0);
    }
    for (std::size_t i = 0; i < design_.events.size(); ++i)
      schedule(design_.events[i].at_s, WakeKind::scenario_event, static_cast<std::uint32_t>(i));
    const double interval = design_.load_balancer.health_check.interval_s;
    schedule(interval, WakeKind::health_tick);
    if (design_.autoscale.enabled) schedule(design_.autoscale.interval_s, WakeKind::autoscale_tick);
    for (std::size_t b = 1; b < result_.buckets.size(); ++b)
      schedule(result_.buckets[b].time_s, WakeKind::bucket_tick, static_cast<std::uint32_t>(b - 1));
  }

  void finish() {
    const double end = scenario_.duration_s;
    // Sessions idle past their ttl expired before the end, whether or not anyone looked.
    if (design_.sessions.store != StoreKind::jwt) {
      for (std::uint32_t u = 0; u < users_.size(); ++u) {
        User& user = users_[u];
        if (user.session_alive && user.last_access + design_.sessions.ttl_s < end) end_session(user);
      }
    }
    close_bucket(result_.buckets.size() - 1);
    Summary& s = result_.summary;
    s.design = design_.name;
    s.replication = replication_;
    s.seed = scenario_.seed;
    s.sessions_active = active_sessions_;
    s.in_flight = requests_in_system_;
    s.users_affected = users_affected_;
    if (latencies_.count() > 0) {
      s.latency_mean_ms = latencies_.mean() * 1e3;
      s.latency_p50_ms = latencies_.percentile(0.50) * 1e3;
      s.latency_p95_ms = latencies_.percentile(0.95) * 1e3;
      s.latency_p99_ms = latencies_.percentile(0.99) * 1e3;
      s.latency_max_ms = latencies_.max() * 1e3;
    } else {
      s.latency_mean_ms = s.latency_p50_ms = s.latency_p95_ms = s.latency_p99_ms = s.latency_max_ms = NAN;
    }
    s.throughput_rps = static_cast<double>(ok_after_warmup_) / (end - scenario_.warmup_s);
    double busy = 0, service = 0;
    for (Server& server : servers_) {
      account_cpu(server, end);
      busy += server.busy_core_s;
      service += server.service_core_s;
    }
    s.cpu_utilization = service > 0 ? busy / service : 0;
    // Little's law over the run: the area under "requests in the system" must equal the sum
    // of every request's time in the system (those still in it counted up to the end).
    integrate_requests_in_system(end);
    double residual = 0;
    for (const Request& request : requests_)
      if (request.user != kNone && !request.client_done) residual += end - request.sent_at;
    const double sojourn_total = completed_sojourn_s_ + residual;
    s.littles_law_error = std::abs(in_system_area_ - sojourn_total) / std::max(in_system_area_, 1e-12);
  }

  // ---------------------------------------------------------------- users
  std::uint32_t new_user(std::uint64_t identity) {
    std::uint32_t index;
    if (!free_users_.empty()) {
      index = free_users_.back();
      free_users_.pop_back();
    } else {
      index = static_cast<std::uint32_t>(users_.size());
      users_.emplace_back();
      retry_type_.push_back(RequestType::page);
    }
    User& user = users_[index];
    const std::uint32_t generation = user.generation + 1;
    user = User{};
    user.generation = generation;
    user.identity = identity;
    const std::uint64_t seed = scenario_.seed;
    user.duration_rng = RandomStream(derive_stream_key(seed, replication_, StreamPurpose::session_duration, identity));
    user.think_rng = RandomStream(derive_stream_key(seed, replication_, StreamPurpose::think_time, identity));
    user.kind_rng = RandomStream(derive_stream_key(seed, replication_, StreamPurpose::request_kind, identity));
    user.cpu_rng = RandomStream(derive_stream_key(seed, replication_, StreamPurpose::cpu_demand, identity));
    user.relogin_rng = RandomStream(derive_stream_key(seed, replication_, StreamPurpose::relogin, identity));
    const std::int64_t pool = design_.clients.ip_pool;
    if (pool > 0) {
      RandomStream ip_rng(derive_stream_key(seed, replication_, StreamPurpose::client_ip, identity));
      user.ip = ip_rng.below(static_cast<std::uint64_t>(pool));
    } else {
      user.ip = identity;
    }
    return index;
  }

  void schedule_arrival(double from) {
    if (arrival_rate_ <= 0) return;
    schedule(from + arrival_rng_.exponential(1.0 / arrival_rate_), WakeKind::arrival, 0, arrival_generation_);
  }

  void on_arrival() {
    const std::uint32_t u = new_user(next_identity_++);
    start_visit(u);
    schedule_arrival(now());
  }

  // A user of the closed population; the first logins spread over the ramp-up.
  void add_closed_user(double from) {
    const std::uint32_t u = new_user(next_identity_++);
    User& user = users_[u];
    closed_population_++;
    RandomStream ramp(derive_stream_key(scenario_.seed, replication_, StreamPurpose::ramp_up, user.identity));
    const double ramp_up = from == 0 ? design_.clients.ramp_up_s : 0;
    schedule(from + (ramp_up > 0 ? ramp.uniform01() * ramp_up : 0), WakeKind::user_login, u, user.generation);
  }

  // A visit: log in, use the site for `session_duration`, log out.
  void start_visit(std::uint32_t u) {
    User& user = users_[u];
    user.planned_duration = user.duration_rng.sample(design_.clients.session_duration_s);
    // Until the login is answered the visit is bounded by its planned length from now, so a
    // user whose logins keep failing eventually gives up.
    user.visit_end = now() + user.planned_duration;
    send(u, RequestType::login);
  }

  // The user's visit is over (logged out, or left after a forced logout).
  void end_visit(std::uint32_t u) {
    User& user = users_[u];
    user.generation++;
    user.state = UserState::offline;
    if (user.session_alive) end_session(user);
    if (design_.clients.workload == Workload::closed && closed_population_ > closed_target_) {
      closed_population_--;  // the population shrank (traffic event): this user does not come back
    } else if (design_.clients.workload == Workload::closed) {
      const double relogin = user.relogin_rng.sample(design_.clients.relogin_after_s);
      schedule(now() + relogin, WakeKind::user_login, u, user.generation);
    } else {
      user.state = UserState::gone;
      if (user.request == kNone) free_users_.push_back(u);
    }
  }

  // After an answer: think, then the next request, or log out when the session time is over.
  void continue_visit(std::uint32_t u) {
    User& user = users_[u];
    const double t = now();
    if (t >= user.visit_end) {
      send(u, RequestType::logout);
      return;
    }
    const double think = user.think_rng.sample(think_time_);
    if (t + think >= user.visit_end) {
      schedule(user.visit_end, WakeKind::user_logout, u, user.generation);
    } else {
      schedule(t + think, WakeKind::user_send, u, user.generation);
    }
  }

  void mark_affected(User& user) {
    if (user.affected) return;
    user.affected = true;
    users_affected_++;
  }

  // ---------------------------------------------------------------- sessions
  void create_session(User& user, int server) {
    if (user.session_alive) end_session(user);  // an earlier session the user could not use
    user.session_alive = true;
    user.revoked = false;
    user.last_access = user.session_created = user.token_issued = now();
    if (design_.sessions.store == StoreKind::memory) {
      user.session_server = server;
      servers_[server].resident_sessions++;
    }
    result_.summary.sessions_started++;
    active_sessions_++;
    bucket().logins++;
  }

  void release_session(User& user) {
    user.session_alive = false;
    if (user.session_server >= 0) servers_[user.session_server].resident_sessions--;
    user.session_server = -1;
    active_sessions_--;
  }

  void end_session(User& user) {
    if (!user.session_alive) return;
    release_session(user);
    result_.summary.sessions_ended++;
  }

  std::int64_t lose_session(User& user) {
    if (!user.session_alive) return 0;
    release_session(user);
    result_.summary.sessions_lost++;
    bucket().sessions_lost++;
    return 1;
  }

  // Is the session of `user` usable on `server` now? Ends it when it expired, lives elsewhere
  // or was revoked and refused.
  bool session_valid(User& user, int server) {
    SessionState state;
    state.alive = user.session_alive;
    state.server = user.session_server;
    state.last_access_s = user.last_access;
    state.token_issued_s = user.token_issued;
    state.revoked = user.revoked;
    state.revoked_at_s = user.revoked_at;
    const SessionVerdict verdict = check_session(design_.sessions, state, server, now(), denylist_forgotten_before_);
    if (verdict == SessionVerdict::valid_revoked) result_.summary.revoked_accepted++;
    if (!served(verdict) && verdict != SessionVerdict::missing) end_session(user);
    return served(verdict);
  }

  // ---------------------------------------------------------------- requests
  std::uint32_t new_request() {
    std::uint32_t index;
    if (!free_requests_.empty()) {
      index = free_requests_.back();
      free_requests_.pop_back();
    } else {
      index = static_cast<std::uint32_t>(requests_.size());
      requests_.emplace_back();
    }
    Request& request = requests_[index];
    const std::uint32_t generation = request.generation + 1;
    request = Request{};
    request.generation = generation;
    return index;
  }

  // A request slot is reused once the client is done with it and its chain has ended.
  void maybe_free_request(std::uint32_t r) {
    Request& request = requests_[r];
    if (!request.client_done || request.activity || request.stage != Stage::done || request.user == kNone) return;
    const std::uint32_t u = request.user;
    if (u != kNone && users_[u].request == r) users_[u].request = kNone;
    request.user = kNone;
    free_requests_.push_back(r);
  }

  void integrate_requests_in_system(double t) {
    in_system_area_ += static_cast<double>(requests_in_system_) * (t - in_system_since_);
    in_system_since_ = t;
  }

  void send(std::uint32_t u, RequestType type, bool is_retry = false) {
    User& user = users_[u];
    user.generation++;  // any other scheduled step of this user is void now
    const std::uint32_t r = new_request();
    Request& request = requests_[r];
    request.user = u;
    request.type = type;
    request.sent_at = now();
    if (!is_retry) user.retries_left = static_cast<std::uint8_t>(design_.clients.retries);
    retry_type_[u] = type;
    user.request = r;
    if (type == RequestType::login) user.state = UserState::logging_in;
    if (type == RequestType::logout) user.state = UserState::logging_out;
    if (type == RequestType::page) {
      const RequestKind& kind = design_.clients.requests[user.kind_rng.pick_weighted(kind_cumulative_)];
      request.cpu_s = user.cpu_rng.sample(kind.cpu_s);
      request.writes_session = kind.writes_session;
    } else {
      request.cpu_s = design_.sessions.login_cpu_s;
    }
    if (design_.sessions.store == StoreKind::jwt) request.cpu_s += design_.sessions.jwt.verify_cpu_s;

    result_.summary.requests++;
    bucket().requests++;
    integrate_requests_in_system(request.sent_at);
    requests_in_system_++;
    timeouts_.push_back(TimeoutEntry{request.sent_at + design_.clients.timeout_s, r, request.generation});
    arm(timeouts_.back().deadline);

    lb::RouteRequest route;
    route.client_ip = user.ip;
    route.new_session = type == RequestType::login;
    if (user.cookie_server >= 0 && type != RequestType::login) route.cookie_server = user.cookie_server;
    const std::optional<int> picked = policy_->pick(route, views_, pool_version_, balancer_rng_);
    if (!picked) {
      answer_from_balancer(r, FailureCause::no_server);
      return;
    }
    const int s = *picked;
    request.server = s;
    if (!serving(servers_[s])) {
      request.server = -1;
      answer_from_balancer(r, FailureCause::server_down);
      return;
    }
    views_[s].in_flight++;
    request.counted_in_flight = true;
    const double bytes = design_.clients.request_bytes +
                         (design_.sessions.store == StoreKind::jwt ? design_.sessions.jwt.token_bytes : 0);
    start(r, Stage::to_server, sg4::Comm::sendto_init(platform_.client, servers_[s].host)->set_payload_size(bytes));
  }

  // The balancer itself answers (no server to send to, or the one it chose is down).
  void answer_from_balancer(std::uint32_t r, FailureCause cause) {
    Request& request = requests_[r];
    request.outcome = Outcome::failed;
    request.cause = cause;
    start(r, Stage::to_balancer,
          sg4::Comm::sendto_init(platform_.client, platform_.balancer)->set_payload_size(design_.clients.request_bytes));
  }

  void start(std::uint32_t r, Stage stage, sg4::ActivityPtr activity) {
    Request& request = requests_[r];
    request.stage = stage;
    activity->set_data(reinterpret_cast<void*>(static_cast<std::uintptr_t>(r) + 1));
    request.activity = activity;
    activity->vetoable_start();
  }

  void on_completion(const sg4::Activity& activity) {
    auto* data = activity.get_data<void>();
    if (data == nullptr) return;
    const auto r = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(data) - 1);
    Request& request = requests_[r];
    if (request.activity.get() != &activity) return;
    const bool failed = activity.get_state() != sg4::Activity::State::FINISHED;
    finished_activities_.push_back(std::move(request.activity));
    const Stage stage = request.stage;
    if (request.holds_cpu) {
      Server& server = servers_[request.server];
      account_cpu(server, now());
      server.running_cpu--;
      request.holds_cpu = false;
    }
    if (stage == Stage::store_exec) release_store_slot(r);
    const bool store_stage = stage == Stage::store_request || stage == Stage::store_exec || stage == Stage::store_reply;
    if (failed && !request.aborted && store_stage && serving(servers_[request.server])) {
      fail_store_down(r);  // the store died under this operation; the server answers 503
      return;
    }
    if (request.aborted || failed) {
      if (!request.aborted) abort_request(r, FailureCause::reset);
      request.stage = Stage::done;
      maybe_free_request(r);
      return;
    }
    switch (stage) {
      case Stage::to_balancer:
        start(r, Stage::balancer_reply,
              sg4::Comm::sendto_init(platform_.balancer, platform_.client)->set_payload_size(kErrorResponseBytes));
        break;
      case Stage::balancer_reply:
      case Stage::reply:
        request.stage = Stage::done;
        deliver(r);
        break;
      case Stage::to_server: arrive_at_server(r); break;
      case Stage::store_request: enqueue_store(r); break;
      case Stage::store_exec:
        start(r, Stage::store_reply,
              sg4::Comm::sendto_init(platform_.store, servers_[request.server].host)->set_payload_size(kStoreMessageBytes));
        break;
      case Stage::store_reply: after_store(r); break;
      case Stage::cpu: after_cpu(r); break;
      default: break;
    }
  }

  bool serving(const Server& server) const { return server.powered && now() >= server.ready_at; }

  void arrive_at_server(std::uint32_t r) {
    Request& request = requests_[r];
    Server& server = servers_[request.server];
    if (!serving(server)) {
      fail_at_server(r, FailureCause::reset);
      return;
    }
    if (server.busy_workers < design_.servers.workers) {
      begin_service(r);
    } else if (static_cast<std::int64_t>(server.queue.size()) < design_.servers.queue_limit) {
      request.stage = Stage::queued;
      server.queue.push_back(r);
    } else {
      answer(r, Outcome::failed, FailureCause::overload);
    }
  }

  // A worker takes the request: look the session up, run the CPU demand, write, answer.
  void begin_service(std::uint32_t r) {
    Request& request = requests_[r];
    request.holds_worker = true;
    servers_[request.server].busy_workers++;
    if (request.type != RequestType::login && uses_store_) {
      store_operation(r);
      return;
    }
    after_lookup(r);
  }

  void after_store(std::uint32_t r) {
    Request& request = requests_[r];
    if (request.store_write_pending) {
      request.store_write_pending = false;
      finish_service(r);
    } else {
      after_lookup(r);
    }
  }

  void after_lookup(std::uint32_t r) {
    Request& request = requests_[r];
    User& user = users_[request.user];
    // A request whose client gave up still runs, but no longer changes the user's session.
    if (request.type == RequestType::page && !request.client_done && !session_valid(user, request.server)) {
      release_worker(r);
      answer(r, Outcome::forced, FailureCause::reset);
      return;
    }
    if (request.type == RequestType::page && !request.client_done) user.last_access = now();
    Server& server = servers_[request.server];
    account_cpu(server, now());
    server.running_cpu++;
    request.holds_cpu = true;
    start(r, Stage::cpu,
          sg4::Exec::init()->set_flops_amount(request.cpu_s * kFlopsPerSecond)->set_host(server.host));
  }

  void after_cpu(std::uint32_t r) {
    Request& request = requests_[r];
    User& user = users_[request.user];
    const bool store_kind = design_.sessions.store == StoreKind::redis || design_.sessions.store == StoreKind::database;
    bool write = false;
    if (request.client_done) {
      // nothing: see after_lookup
    } else if (request.type == RequestType::login) {
      create_session(user, request.server);
      write = store_kind;
    } else if (request.type == RequestType::logout) {
      if (user.session_alive) end_session(user);
      write = store_kind;
    } else if (request.writes_session) {
      write = store_kind;
    }
    if (write) {
      request.store_write_pending = true;
      store_operation(r);
      return;
    }
    finish_service(r);
  }

  void finish_service(std::uint32_t r) {
    release_worker(r);
    answer(r, Outcome::ok, FailureCause::reset);
  }

  void release_worker(std::uint32_t r) {
    Request& request = requests_[r];
    if (!request.holds_worker) return;
    request.holds_worker = false;
    Server& server = servers_[request.server];
    server.busy_workers--;
    if (!server.queue.empty() && serving(server)) {
      const std::uint32_t next = server.queue.front();
      server.queue.pop_front();
      begin_service(next);
    }
  }

  // The server sends its answer back to the client.
  void answer(std::uint32_t r, Outcome outcome, FailureCause cause) {
    Request& request = requests_[r];
    request.outcome = outcome;
    request.cause = cause;
    const double bytes = outcome == Outcome::ok ? design_.clients.response_bytes : kErrorResponseBytes;
    start(r, Stage::reply,
          sg4::Comm::sendto_init(servers_[request.server].host, platform_.client)->set_payload_size(bytes));
  }

  void fail_at_server(std::uint32_t r, FailureCause cause) {
    Request& request = requests_[r];
    release_worker(r);
    abort_request(r, cause);
    request.stage = Stage::done;
    maybe_free_request(r);
  }

  // ---------------------------------------------------------------- the session store
  void store_operation(std::uint32_t r) {
    Request& request = requests_[r];
    if (!store_up_) {
      fail_store_down(r);
      return;
    }
    start(r, Stage::store_request,
          sg4::Comm::sendto_init(servers_[request.server].host, platform_.store)->set_payload_size(kStoreMessageBytes));
  }

  void enqueue_store(std::uint32_t r) {
    if (!store_up_) {
      fail_store_down(r);
      return;
    }
    if (store_busy_ < store_slots_) {
      run_store_operation(r);
    } else {
      requests_[r].stage = Stage::store_queued;
      store_queue_.push_back(r);
    }
  }

  void run_store_operation(std::uint32_t r) {
    Request& request = requests_[r];
    store_busy_++;
    request.holds_store_slot = true;
    const double service_s = design_.sessions.store == StoreKind::database
                                 ? store_rng_.sample(design_.sessions.database.query_time_s)
                                 : design_.sessions.redis.op_time_s;
    result_.summary.store_ops++;
    start(r, Stage::store_exec, sg4::Exec::init()->set_flops_amount(service_s * kFlopsPerSecond)->set_host(platform_.store));
  }

  // The server is up but cannot reach the session store: it answers 503.
  void fail_store_down(std::uint32_t r) {
    release_worker(r);
    answer(r, Outcome::failed, FailureCause::store_down);
  }

  void release_store_slot(std::uint32_t r) {
    Request& request = requests_[r];
    if (!request.holds_store_slot) return;
    request.holds_store_slot = false;
    store_busy_--;
    while (!store_queue_.empty() && store_busy_ < store_slots_) {
      const std::uint32_t next = store_queue_.front();
      store_queue_.pop_front();
      if (requests_[next].aborted) {  // its server died while it waited
        requests_[next].stage = Stage::done;
        maybe_free_request(next);
        continue;
      }
      run_store_operation(next);
    }
  }

  // ---------------------------------------------------------------- the client gets its answer
  void deliver(std::uint32_t r) {
    Request& request = requests_[r];
    if (request.counted_in_flight) {
      views_[request.server].in_flight--;
      request.counted_in_flight = false;
    }
    if (request.client_done) {  // the client gave up on it already (timeout)
      maybe_free_request(r);
      return;
    }
    switch (request.outcome) {
      case Outcome::ok: client_ok(r); break;
      case Outcome::forced: client_forced(r); break;
      default: client_failed(r, request.cause); break;
    }
    maybe_free_request(r);
  }

  void close_request(Request& request) {
    request.client_done = true;
    integrate_requests_in_system(now());
    requests_in_system_--;
    completed_sojourn_s_ += now() - request.sent_at;
  }

  void client_ok(std::uint32_t r) {
    Request& request = requests_[r];
    const std::uint32_t u = request.user;
    User& user = users_[u];
    close_request(request);
    result_.summary.ok++;
    Bucket& b = bucket();
    b.ok++;
    const double latency = now() - request.sent_at;
    bucket_latencies_.add(latency);
    if (request.sent_at >= scenario_.warmup_s) {
      latencies_.add(latency);
      ok_after_warmup_++;
    }
    user.request = kNone;
    switch (request.type) {
      case RequestType::login:
        user.state = UserState::active;
        user.visit_end = now() + user.planned_duration;
        user.cookie_server = request.server;
        continue_visit(u);
        break;
      case RequestType::page: continue_visit(u); break;
      case RequestType::logout: end_visit(u); break;
    }
  }

  void client_forced(std::uint32_t r) {
    Request& request = requests_[r];
    const std::uint32_t u = request.user;
    User& user = users_[u];
    close_request(request);
    result_.summary.forced++;
    result_.summary.forced_logouts++;
    bucket().forced_logouts++;
    for (const EventWindow& window : windows_)
      if (now() < window.until) result_.events[window.row].forced_logouts_after++;
    mark_affected(user);
    user.request = kNone;
    user.state = UserState::offline;
    user.cookie_server = -1;
    if (design_.clients.on_forced_logout == OnForcedLogout::relogin && now() < user.visit_end) {
      // The visit goes on with a new session until its planned end.
      user.planned_duration = user.visit_end - now();
      send(u, RequestType::login);
    } else {
      end_visit(u);
    }
  }

  void client_failed(std::uint32_t r, FailureCause cause) {
    Request& request = requests_[r];
    const std::uint32_t u = request.user;
    User& user = users_[u];
    close_request(request);
    result_.summary.failed++;
    result_.summary.failed_by_cause[static_cast<int>(cause)]++;
    bucket().failed++;
    for (const EventWindow& window : windows_)
      if (now() < window.until) result_.events[window.row].failed_after++;
    mark_affected(user);
    user.request = kNone;
    if (user.retries_left > 0) {
      user.retries_left--;
      user.generation++;
      schedule(now() + design_.clients.retry_backoff_s, WakeKind::retry, u, user.generation);
      return;
    }
    switch (request.type) {
      case RequestType::login:
        if (now() >= user.visit_end) {
          end_visit(u);
        } else {  // try again after a think time
          user.state = UserState::offline;
          const double think = user.think_rng.sample(think_time_);
          user.generation++;
          if (now() + think < user.visit_end) {
            user.planned_duration = user.visit_end - now() - think;
            schedule(now() + think, WakeKind::retry, u, user.generation);
          } else {
            end_visit(u);
          }
        }
        break;
      case RequestType::page: continue_visit(u); break;
      case RequestType::logout: end_visit(u); break;  // the user walks away all the same
    }
  }

  // Failure seen by the client at once (its server died with the request in it).
  void abort_request(std::uint32_t r, FailureCause cause) {
    Request& request = requests_[r];
    request.aborted = true;
    if (request.counted_in_flight) {
      views_[request.server].in_flight--;
      request.counted_in_flight = false;
    }
    if (!request.client_done) client_failed(r, cause);
  }

  void on_timeout(const TimeoutEntry& entry) {
    Request& request = requests_[entry.request];
    if (request.generation != entry.generation || request.client_done || request.user == kNone) return;
    client_failed(entry.request, FailureCause::timeout);
    maybe_free_request(entry.request);
  }

  // ---------------------------------------------------------------- servers and the balancer
  void refresh_view(int s) {
    const Server& server = servers_[s];
    lb::ServerView& view = views_[s];
    if (view.member != server.member) pool_version_++;
    view.member = server.member;
    view.healthy = server.member && server.healthy;
    view.accepts_new_sessions = view.healthy && !server.draining;
  }

  void account_cpu(Server& server, double t) {
    const double span = t - server.accounted_until;
    if (span <= 0) return;
    if (server.powered && t > server.ready_at) {
      const double cores = design_.servers.cores;
      const double from = std::max(server.accounted_until, server.ready_at);
      server.busy_core_s += std::min<double>(server.running_cpu, cores) * span;
      server.service_core_s += cores * (t - from);
    }
    server.accounted_until = t;
  }

  void on_health_tick() {
    const HealthCheckSpec& check = design_.load_balancer.health_check;
    for (int s = 0; s < static_cast<int>(servers_.size()); ++s) {
      Server& server = servers_[s];
      if (!server.member) continue;
      if (serving(server)) {
        server.bad_probes = 0;
        if (!server.healthy && ++server.good_probes >= check.healthy_after) server.healthy = true;
      } else {
        server.good_probes = 0;
        if (server.healthy && ++server.bad_probes >= check.unhealthy_after) server.healthy = false;
      }
      refresh_view(s);
      if (server.draining && server.powered && drained(s)) end_drain(s);  // nothing left to wait for
    }
    // A rolling deploy moves on once the whole batch is back in rotation.
    if (!deploy_batch_.empty() &&
        std::all_of(deploy_batch_.begin(), deploy_batch_.end(), [this](int s) { return views_[s].accepts_new_sessions; }))
      next_deploy_batch();
    schedule(now() + check.interval_s, WakeKind::health_tick);
  }

  // A crash: the host goes down at once; everything in it fails, its memory sessions are lost.
  std::int64_t crash_server(int s) {
    Server& server = servers_[s];
    if (!server.powered) return 0;
    account_cpu(server, now());
    std::int64_t lost = 0;
    for (User& user : users_)
      if (user.session_alive && user.session_server == s) lost += lose_session(user);
    last_reset_count_ = 0;
    for (std::uint32_t r = 0; r < requests_.size(); ++r) {
      Request& request = requests_[r];
      if (request.user == kNone || request.server != s || request.aborted || request.stage == Stage::done) continue;
      if (!request.client_done) last_reset_count_++;
      request.holds_worker = false;
      request.holds_cpu = false;
      abort_request(r, FailureCause::reset);
      // Activities on or to this host fail when it goes down and end the chain in on_completion;
      // a store operation still finishes on the store host; a queued request just ends here.
      if (!request.activity && request.stage != Stage::store_queued) {
        request.stage = Stage::done;
        maybe_free_request(r);
      }
    }
    server.queue.clear();
    server.busy_workers = 0;
    server.running_cpu = 0;
    server.powered = false;
    server.host->turn_off();
    return lost;
  }

  void restart_server(int s) {
    Server& server = servers_[s];
    if (server.powered) return;
    account_cpu(server, now());
    server.host->turn_on();
    server.powered = true;
    server.ready_at = now() + design_.servers.startup_time_s;
    server.good_probes = server.bad_probes = 0;
  }

  // ---------------------------------------------------------------- scenario events
  EventRow& add_event_row(const std::string& event, const std::string& target, std::int64_t lost,
                          const std::string& detail) {
    EventRow row;
    row.time_s = now();
    row.event = event;
    row.target = target;
    row.sessions_lost = lost;
    row.detail = detail;
    result_.events.push_back(row);
    windows_.erase(std::remove_if(windows_.begin(), windows_.end(),
                                  [this](const EventWindow& w) { return w.until <= now(); }),
                   windows_.end());
    windows_.push_back(EventWindow{result_.events.size() - 1, now() + kEventWindow_s});
    return result_.events.back();
  }

  void apply_event(const ScheduledEvent& event) {
    std::visit([this](const auto& action) { apply(action); }, event.action);
  }

  void apply(const CrashEvent& crash) {
    if (const int* s = std::get_if<int>(&crash.target)) {
      if (!servers_[*s].powered) {
        add_event_row("crash", server_name(*s), 0, "already down: nothing happens");
        return;
      }
      // The server's own count of the sessions it holds, kept apart from the loss count so
      // that the two bookkeepings can be checked against each other.
      Server& server = servers_[*s];
      if (server.draining) {  // a crash ends a drain: a leaving server has left, a deploy waits for a restart
        server.drain_generation++;
        server.draining = false;
        if (server.leaving) server.member = server.leaving = false;
        refresh_view(*s);
      }
      const std::int64_t held = server.resident_sessions;
      const std::int64_t lost = crash_server(*s);
      add_event_row("crash", server_name(*s), lost,
                    fmt::format("held {} sessions; {} requests in it failed", held, last_reset_count_));
      return;
    }
    crash_store();
  }

  void apply(const RestartEvent& restart) {
    if (const int* s = std::get_if<int>(&restart.target)) {
      if (servers_[*s].powered) {
        add_event_row("restart", server_name(*s), 0, "already up: nothing happens");
        return;
      }
      restart_server(*s);
      add_event_row("restart", server_name(*s), 0,
                    fmt::format("boots for {}s, then rejoins after {} good probes", design_.servers.startup_time_s,
                                design_.load_balancer.health_check.healthy_after));
      return;
    }
    restart_store();
  }

  // ---------------------------------------------------------------- pool changes
  int active_members() const {
    int count = 0;
    for (const Server& server : servers_)
      if (server.member && !server.leaving) count++;
    return count;
  }

  // A new member boots; the balancer sends it nothing until it has passed its health probes.
  void start_server(int s) {
    Server& server = servers_[s];
    server.member = true;
    server.healthy = false;
    server.draining = server.leaving = false;
    server.started_at = now();
    restart_server(s);
    refresh_view(s);
  }

  // The balancer stops sending new sessions; after `drain_s` (or once the server holds no
  // session and no request) it stops, and memory sessions still on it are lost.
  void start_drain(int s, double drain_s, bool leaving) {
    Server& server = servers_[s];
    server.draining = true;
    server.leaving = leaving;
    server.drain_generation++;
    refresh_view(s);
    if (drain_s <= 0) {
      end_drain(s);
    } else {
      schedule(now() + drain_s, WakeKind::drain_end, static_cast<std::uint32_t>(s), server.drain_generation);
    }
  }

  bool drained(int s) const {
    const Server& server = servers_[s];
    return server.resident_sessions == 0 && server.busy_workers == 0 && server.queue.empty() && views_[s].in_flight == 0;
  }

  void end_drain(int s) {
    Server& server = servers_[s];
    server.drain_generation++;
    const std::int64_t held = server.resident_sessions;
    const std::int64_t lost = server.powered ? crash_server(s) : 0;
    server.draining = false;
    server.healthy = false;  // a planned stop: the balancer is told at once
    if (server.leaving) {
      server.member = false;
      server.leaving = false;
      refresh_view(s);
      add_event_row("stop", server_name(s), lost,
                    fmt::format("end of drain, leaves the pool; held {} sessions; {} requests in it failed", held,
                                last_reset_count_));
      return;
    }
    restart_server(s);
    refresh_view(s);
    add_event_row("deploy_restart", server_name(s), lost,
                  fmt::format("end of drain, restarts with the new version; held {} sessions; {} requests in it failed",
                              held, last_reset_count_));
  }

  void apply(const DeployEvent& deploy) {
    if (!deploy_pending_.empty() || !deploy_batch_.empty()) {
      add_event_row("deploy", "all", 0, "ignored: a deploy is already in progress");
      return;
    }
    deploy_ = deploy;
    for (int s = 0; s < static_cast<int>(servers_.size()); ++s)
      if (servers_[s].member && !servers_[s].leaving) deploy_pending_.push_back(s);
    add_event_row("deploy", "all", 0,
                  fmt::format("rolling restart of {} servers, {} at a time, drain {}s", deploy_pending_.size(),
                              deploy.batch, deploy.drain_s));
    next_deploy_batch();
  }

  void next_deploy_batch() {
    deploy_batch_.clear();
    while (static_cast<int>(deploy_batch_.size()) < deploy_.batch && !deploy_pending_.empty()) {
      const int s = deploy_pending_.front();
      deploy_pending_.pop_front();
      if (!servers_[s].member || servers_[s].leaving) continue;
      deploy_batch_.push_back(s);
    }
    if (deploy_batch_.empty()) {
      add_event_row("deploy_done", "all", 0, "every server runs the new version");
      return;
    }
    for (int s : std::vector<int>(deploy_batch_)) start_drain(s, deploy_.drain_s, /*leaving=*/false);
  }

  void apply(const ScaleEvent& scale) {
    resize_pool(scale.to, scale.drain_s, fmt::format("scheduled: to {}", scale.to));
  }

  // Starts or drains servers so that `target` remain; scale-in removes the most recently
  // started servers first.
  void resize_pool(int target, double drain_s, const std::string& why) {
    const int current = active_members();
    if (target > current) {
      std::vector<std::string> names;
      for (int s = 0; s < static_cast<int>(servers_.size()) && current + static_cast<int>(names.size()) < target; ++s) {
        if (servers_[s].member || servers_[s].powered) continue;
        start_server(s);
        names.push_back(server_name(s));
      }
      if (names.empty()) return;  // every host of the pool (servers.max) is in use or still stopping
      add_event_row("scale_out", "pool", 0,
                    fmt::format("{}; {} -> {} servers, starting {}", why, current, current + names.size(),
                                fmt::join(names, " ")));
    } else if (target < current) {
      std::vector<int> candidates;
      for (int s = 0; s < static_cast<int>(servers_.size()); ++s)
        if (servers_[s].member && !servers_[s].leaving) candidates.push_back(s);
      std::stable_sort(candidates.begin(), candidates.end(), [this](int a, int b) {
        return servers_[a].started_at != servers_[b].started_at ? servers_[a].started_at > servers_[b].started_at : a > b;
      });
      candidates.resize(static_cast<std::size_t>(current - target));
      std::vector<std::string> names;
      std::int64_t held = 0;
      for (int s : candidates) {
        names.push_back(server_name(s));
        held += servers_[s].resident_sessions;
      }
      add_event_row("scale_in", "pool", 0,
                    fmt::format("{}; {} -> {} servers, draining {} for {}s; they hold {} sessions", why, current, target,
                                fmt::join(names, " "), drain_s, held));
      for (int s : candidates) start_drain(s, drain_s, /*leaving=*/true);
    } else {
      add_event_row("scale", "pool", 0, fmt::format("{}; already {} servers", why, current));
    }
    last_scaling_at_ = now();
  }

  // Target tracking on the mean CPU utilisation of the servers in service over the interval.
  void on_autoscale_tick() {
    const AutoscaleSpec& autoscale = design_.autoscale;
    schedule(now() + autoscale.interval_s, WakeKind::autoscale_tick);
    double busy = 0, service = 0;
    for (Server& server : servers_) {
      account_cpu(server, now());
      busy += server.busy_core_s;
      service += server.service_core_s;
    }
    const double busy_delta = busy - autoscale_busy_mark_, service_delta = service - autoscale_service_mark_;
    autoscale_busy_mark_ = busy;
    autoscale_service_mark_ = service;
    if (service_delta <= 0 || now() - last_scaling_at_ < autoscale.cooldown_s) return;
    const double utilization = busy_delta / service_delta;
    const int current = active_members();
    const int proportional = static_cast<int>(std::ceil(current * utilization / autoscale.target - 1e-9));
    const int desired = std::clamp(proportional, autoscale.min, autoscale.max);
    if (desired == current) return;
    resize_pool(desired, autoscale.scale_in_drain_s,
                fmt::format("autoscaler: cpu {:.0f}% {} target {:.0f}%", utilization * 100,
                            utilization > autoscale.target ? "above" : "below", autoscale.target * 100));
  }

  // ---------------------------------------------------------------- the store fails
  void crash_store() {
    const SessionSpec& sessions = design_.sessions;
    if (!uses_store_) {
      add_event_row("crash", "store", 0,
                    sessions.store == StoreKind::memory ? "no session store in this design: sessions live in server memory"
                                                        : "no session store in this design: the client holds the token");
      return;
    }
    if (!store_up_) {
      add_event_row("crash", "store", 0, "already down: nothing happens");
      return;
    }
    const double t = now();
    std::int64_t lost = 0;
    std::string detail;
    if (sessions.store == StoreKind::database) {
      detail = "durable: no session lost; requests that need the store fail until it restarts";
    } else {
      // What survives: nothing without persistence; with aof or a replica, what was written
      // more than a second ago; with snapshots, what existed at the last snapshot.
      const RedisSpec& redis = sessions.redis;
      const double lost_from = store_crash_loses_created_from(redis, t);
      std::string what = "no persistence: every session is lost";
      if (redis.replica) {
        what = fmt::format("the replica takes over after {}s, without the last second of writes", redis.failover_time_s);
      } else if (redis.persistence == Persistence::aof) {
        what = "aof: the last second of writes is lost";
      } else if (redis.persistence == Persistence::snapshot) {
        what = fmt::format("snapshot: sessions created since the last snapshot at {}s are lost", lost_from);
      }
      if (sessions.store == StoreKind::redis) {
        for (User& user : users_)
          if (user.session_alive && user.session_created >= lost_from) lost += lose_session(user);
        detail = what;
      } else {  // jwt denylist: revocations it forgets make revoked tokens valid again
        denylist_forgotten_before_ = std::max(denylist_forgotten_before_, lost_from == -kInf ? t : lost_from);
        detail = "denylist, " + what;
      }
    }
    store_up_ = false;
    store_generation_++;
    std::deque<std::uint32_t> waiting;
    waiting.swap(store_queue_);
    for (std::uint32_t r : waiting) {
      if (requests_[r].aborted) {
        requests_[r].stage = Stage::done;
        maybe_free_request(r);
      } else {
        fail_store_down(r);
      }
    }
    platform_.store->turn_off();  // operations in progress fail, and their servers answer 503
    add_event_row("crash", "store", lost, detail);
    if (sessions.store != StoreKind::database && sessions.redis.replica)
      schedule(t + sessions.redis.failover_time_s, WakeKind::store_failover, 0, store_generation_);
  }

  void bring_store_up() {
    platform_.store->turn_on();
    store_up_ = true;
    store_generation_++;
  }

  void store_failover(std::uint32_t generation) {
    if (generation != store_generation_ || store_up_) return;
    bring_store_up();
    add_event_row("failover", "store", 0, "the replica serves the sessions");
  }

  void restart_store() {
    if (!uses_store_) {
      add_event_row("restart", "store", 0, "no session store in this design");
      return;
    }
    if (store_up_) {
      add_event_row("restart", "store", 0, "already up: nothing happens");
      return;
    }
    bring_store_up();
    add_event_row("restart", "store", 0, "the store serves requests again");
  }

  // ---------------------------------------------------------------- revocation and traffic
  void apply(const RevokeEvent& revoke) {
    RandomStream rng(derive_stream_key(scenario_.seed, replication_, StreamPurpose::revoke, revocations_++));
    const SessionSpec& sessions = design_.sessions;
    std::int64_t logged_in = 0, chosen = 0;
    for (User& user : users_) {
      if (!user.session_alive || user.state == UserState::gone) continue;
      logged_in++;
      if (rng.uniform01() >= revoke.fraction) continue;
      chosen++;
      if (sessions.store == StoreKind::jwt) {
        user.revoked = true;  // the token itself stays valid until it expires
        user.revoked_at = now();
        if (sessions.jwt.denylist) result_.summary.store_ops++;
      } else {
        end_session(user);  // deleted on purpose: the user's next request gets a 401
      }
    }
    std::string effect;
    if (sessions.store != StoreKind::jwt) effect = "their sessions are deleted";
    else if (sessions.jwt.denylist) effect = "their tokens are on the denylist";
    else effect = fmt::format("their tokens stay valid until they expire (up to {}s)", sessions.jwt.expiry_s);
    add_event_row("revoke", "users", 0, fmt::format("{} of {} logged-in users revoked; {}", chosen, logged_in, effect));
  }

  void apply(const TrafficEvent& traffic) {
    std::vector<std::string> changes;
    if (traffic.arrival_rate_per_s) {
      arrival_rate_ = *traffic.arrival_rate_per_s;
      arrival_generation_++;
      schedule_arrival(now());
      changes.push_back(fmt::format("arrival rate {}/s", arrival_rate_));
    }
    if (traffic.users) {
      closed_target_ = *traffic.users;
      while (closed_population_ < closed_target_) add_closed_user(now());
      changes.push_back(fmt::format("{} users (extra users leave at the end of their visit)", closed_target_));
    }
    if (traffic.think_time_s) {
      think_time_ = *traffic.think_time_s;
      changes.push_back(fmt::format("think time mean {}s", think_time_.mean()));
    }
    add_event_row("traffic", "clients", 0, fmt::format("{}", fmt::join(changes, ", ")));
  }

  // ---------------------------------------------------------------- time series
  // The bucket of the present moment (the last one also takes the very end of the run).
  Bucket& bucket() {
    const auto index = static_cast<std::size_t>(now() / scenario_.report_interval_s);
    return result_.buckets[std::min(index, result_.buckets.size() - 1)];
  }

  void close_bucket(std::size_t index) {
    Bucket& b = result_.buckets[index];
    b.active_sessions = active_sessions_;
    if (bucket_latencies_.count() > 0) {
      b.latency_p50_ms = bucket_latencies_.percentile(0.50) * 1e3;
      b.latency_p99_ms = bucket_latencies_.percentile(0.99) * 1e3;
    } else {
      b.latency_p50_ms = b.latency_p99_ms = NAN;
    }
    bucket_latencies_.clear();
    int up = 0, rotation = 0;
    double busy = 0, service = 0;
    const double t = std::min(now(), scenario_.duration_s);
    for (int s = 0; s < static_cast<int>(servers_.size()); ++s) {
      Server& server = servers_[s];
      account_cpu(server, t);
      busy += server.busy_core_s;
      service += server.service_core_s;
      if (server.powered) up++;
      if (views_[s].accepts_new_sessions) rotation++;
    }
    b.servers_up = up;
    b.servers_in_rotation = rotation;
    const double busy_delta = busy - bucket_busy_mark_, service_delta = service - bucket_service_mark_;
    b.cpu_utilization = service_delta > 0 ? busy_delta / service_delta : 0;
    bucket_busy_mark_ = busy;
    bucket_service_mark_ = service;
  }

  const Scenario& scenario_;
  const Design& design_;
  const int replication_;
  Platform platform_;
  std::unique_ptr<lb::Policy> policy_;
  RandomStream balancer_rng_, arrival_rng_, store_rng_;
  std::vector<double> kind_cumulative_;
  double arrival_rate_ = 0;
  Distribution think_time_;
  std::uint32_t arrival_generation_ = 0;
  std::uint64_t next_identity_ = 0;

  std::deque<User> users_;        // deques: references stay valid while they grow
  std::vector<RequestType> retry_type_;
  std::vector<std::uint32_t> free_users_;
  std::deque<Request> requests_;
  std::vector<std::uint32_t> free_requests_;
  std::vector<Server> servers_;
  std::vector<lb::ServerView> views_;
  std::uint64_t pool_version_ = 0;

  bool uses_store_ = false;
  bool store_up_ = true;
  std::uint32_t store_generation_ = 0;        // invalidates a pending failover
  double denylist_forgotten_before_ = -1;     // jwt denylist: revocations older than this were lost
  std::uint64_t revocations_ = 0;
  std::int64_t closed_population_ = 0;        // closed workload: users who come back
  std::int64_t closed_target_ = 0;
  std::deque<int> deploy_pending_;            // servers a rolling deploy has still to restart
  std::vector<int> deploy_batch_;             // the batch being restarted
  DeployEvent deploy_;
  double last_scaling_at_ = -kInf;
  double autoscale_busy_mark_ = 0, autoscale_service_mark_ = 0;
  int store_slots_ = 1;
  int store_busy_ = 0;
  std::deque<std::uint32_t> store_queue_;

  std::priority_queue<Wake, std::vector<Wake>, std::greater<>> wakes_;
  std::deque<TimeoutEntry> timeouts_;
  // SimGrid still uses an activity after its completion callback: keep the last reference
  // until the next timer.
  std::vector<sg4::ActivityPtr> finished_activities_;
  std::uint64_t next_sequence_ = 0;
  double armed_at_ = kInf;

  RunResult result_;
  std::vector<EventWindow> windows_;
  LatencySamples latencies_;
  LatencySamples bucket_latencies_;
  double bucket_busy_mark_ = 0, bucket_service_mark_ = 0;
  std::int64_t active_sessions_ = 0;
  std::int64_t users_affected_ = 0;
  std::int64_t ok_after_warmup_ = 0;
  std::int64_t requests_in_system_ = 0;
  std::int64_t last_reset_count_ = 0;
  double in_system_area_ = 0, in_system_since_ = 0, completed_sojourn_s_ = 0;
};

}  // namespace

RunResult simulate(const Scenario& scenario, const Design& design, int replication) {
  int argc = 2;
  char program[] = "statesim";
  char quiet[] = "--log=root.thres:critical";
  char* argv[] = {program, quiet, nullptr};
  sg4::Engine engine(&argc, argv);
  Platform platform;
  try {
    platform = build_platform(engine, design);
  } catch (const std::exception& error) {
    throw RunFailure(error.what(), /*input_error=*/true);
  }
  // Activities still in flight at the end belong to the engine, which is never torn down: the
  // run happens in a child process that exits right after sending its result. So is the model.
  auto* simulation = new Simulation(scenario, design, replication, std::move(platform));
  return simulation->run(engine);
}

}  // namespace statesim::engine
