// The typed scenario: everything the YAML file says, parsed and checked once by the loader.
// Times are seconds (suffix _s), sizes bytes, bandwidths bytes per second (_Bps).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "scenario/name_table.hpp"

namespace statesim {

// A random duration as written in the file: `5ms`, `exp(5ms)`, `uniform(1ms, 9ms)`,
// `normal(50ms, 15ms)` (truncated at 0), `lognormal(50ms, 20ms)` (mean and sd of the value).
struct Distribution {
  enum class Kind { constant, exponential, uniform, normal, lognormal };
  Kind kind = Kind::constant;
  double a = 0;  // constant: value; exponential: mean; uniform: low; normal/lognormal: mean
  double b = 0;  // uniform: high; normal/lognormal: standard deviation
  double mean() const;  // the mean of the value actually drawn (normal: of the truncated law)
};

struct RequestKind {
  std::string name;
  double weight = 1;
  Distribution cpu_s{Distribution::Kind::exponential, 0.005, 0};  // CPU time on a speed-1 server
  bool writes_session = false;  // also writes the session to the store
};

// How links that no flow shares (FATPIPE: each user's own client link) are simulated: as a
// timed wake-up of their latency plus a cap on the rate (what SimGrid's CM02 gives them), or
// as part of SimGrid communications over the whole route (slower at scale; for checking).
enum class UnsharedLinks { timed, simulated };
inline constexpr NameTable<UnsharedLinks, 2> kUnsharedLinksNames{{{
    {"timed", UnsharedLinks::timed},
    {"simulated", UnsharedLinks::simulated},
}}};

struct NetworkSpec {
  double client_latency_s = 0.020;     // one way, client <-> load balancer
  double internal_latency_s = 0.00025; // one way, balancer <-> server, server <-> store
  double bandwidth_Bps = 125e6;        // every link (1Gbps)
  UnsharedLinks unshared_links = UnsharedLinks::timed;  // built-in platform and platform files alike
};

enum class Workload { open, closed };
enum class OnForcedLogout { relogin, leave };
inline constexpr NameTable<OnForcedLogout, 2> kOnForcedLogoutNames{{{
    {"relogin", OnForcedLogout::relogin},
    {"leave", OnForcedLogout::leave},
}}};

// How the run starts: with nobody logged in, or in the equilibrium the workload reaches (visits
// already in progress with the ages and the count the M/G/inf model gives; see README).
enum class StartState { empty, steady_state };
inline constexpr NameTable<StartState, 2> kStartStateNames{{{
    {"empty", StartState::empty},
    {"steady_state", StartState::steady_state},
}}};

struct ClientSpec {
  Workload workload = Workload::open;
  StartState start = StartState::empty;
  double arrival_rate_per_s = 10;  // open: new visits (user sessions) per second, Poisson
  std::int64_t users = 0;          // closed: population size
  Distribution relogin_after_s{Distribution::Kind::exponential, 60, 0};  // closed only
  double ramp_up_s = 0;            // closed only: first logins uniform over [0, ramp_up)
  Distribution session_duration_s{Distribution::Kind::exponential, 600, 0};
  Distribution think_time_s{Distribution::Kind::exponential, 5, 0};
  std::int64_t ip_pool = 0;        // distinct client IPs; 0 = one per user
  double request_bytes = 1000;
  double response_bytes = 10000;
  double timeout_s = 10;
  int retries = 0;
  double retry_backoff_s = 0.1;
  OnForcedLogout on_forced_logout = OnForcedLogout::relogin;
  std::vector<RequestKind> requests;  // never empty after loading
};

enum class LbPolicy { round_robin, random, least_connections, power_of_two, ip_hash, consistent_hash, sticky_cookie };
inline constexpr NameTable<LbPolicy, 7> kLbPolicyNames{{{
    {"round_robin", LbPolicy::round_robin},
    {"random", LbPolicy::random},
    {"least_connections", LbPolicy::least_connections},
    {"power_of_two", LbPolicy::power_of_two},
    {"ip_hash", LbPolicy::ip_hash},
    {"consistent_hash", LbPolicy::consistent_hash},
    {"sticky_cookie", LbPolicy::sticky_cookie},
}}};

struct HealthCheckSpec {
  double interval_s = 5;
  int unhealthy_after = 2;
  int healthy_after = 2;
};

struct LoadBalancerSpec {
  LbPolicy policy = LbPolicy::round_robin;
  HealthCheckSpec health_check;
  int virtual_nodes = 100;
};

struct ServerSpec {
  int count = 3;
  int max = 3;               // host pool size (defaults to count)
  int cores = 2;
  double speed = 1;
  int workers = 2;           // defaults to cores
  std::int64_t queue_limit = 1000;
  double startup_time_s = 30;
};

enum class StoreKind { memory, redis, database, jwt };
inline constexpr NameTable<StoreKind, 4> kStoreKindNames{{{
    {"memory", StoreKind::memory},
    {"redis", StoreKind::redis},
    {"database", StoreKind::database},
    {"jwt", StoreKind::jwt},
}}};
enum class Persistence { none, aof, snapshot };
inline constexpr NameTable<Persistence, 3> kPersistenceNames{{{
    {"none", Persistence::none},
    {"aof", Persistence::aof},
    {"snapshot", Persistence::snapshot},
}}};

struct RedisSpec {
  double op_time_s = 100e-6;
  Persistence persistence = Persistence::none;
  double snapshot_interval_s = 300;
  bool replica = false;
  double failover_time_s = 10;
};

struct DatabaseSpec {
  Distribution query_time_s{Distribution::Kind::normal, 0.050, 0.015};
  int connections = 20;
};

// Where refresh tokens live: a redis-like store (one operation at a time, sessions.redis's
// op_time and persistence) or a database (sessions.database's query_time and connections).
enum class RefreshStore { redis, database };
inline constexpr NameTable<RefreshStore, 2> kRefreshStoreNames{{{
    {"redis", RefreshStore::redis},
    {"database", RefreshStore::database},
}}};

// JWT refresh tokens: the access token (jwt.expiry) is short; a client whose access token has
// expired sends a refresh request, which looks the refresh token up in the store host and
// returns a new access token. The refresh token is valid `expiry_s` from the login.
struct RefreshSpec {
  bool enabled = false;
  double expiry_s = 7 * 86400.0;
  RefreshStore store = RefreshStore::redis;
};

struct JwtSpec {
  double verify_cpu_s = 50e-6;
  double token_bytes = 800;
  double expiry_s = 3600;  // of the (access) token
  bool denylist = false;
  RefreshSpec refresh;
};

struct SessionSpec {
  StoreKind store = StoreKind::memory;
  double ttl_s = 1800;
  double login_cpu_s = 0.005;
  RedisSpec redis;
  DatabaseSpec database;
  JwtSpec jwt;
};

struct AutoscaleSpec {
  bool enabled = false;
  double target = 0.6;       // mean CPU utilisation of healthy servers, fraction
  int min = 2;
  int max = 10;
  double interval_s = 30;
  double cooldown_s = 120;
  double scale_in_drain_s = 30;
};

// Event targets: app servers are numbered 0..servers.max-1 (named app-1..app-max).
struct StoreTarget {};
using EventTarget = std::variant<int, StoreTarget>;

struct CrashEvent { EventTarget target; };
struct RestartEvent { EventTarget target; };
struct DeployEvent { int batch = 1; double drain_s = 0; };
struct ScaleEvent { int to = 0; double drain_s = 0; };
struct RevokeEvent { double fraction = 0; };
struct TrafficEvent {
  std::optional<double> arrival_rate_per_s;
  std::optional<std::int64_t> users;
  std::optional<Distribution> think_time_s;
};
using EventAction = std::variant<CrashEvent, RestartEvent, DeployEvent, ScaleEvent, RevokeEvent, TrafficEvent>;
// The key that names an event's action in the file; in the order of EventAction's alternatives.
enum class EventActionKind { crash, restart, deploy, scale, revoke, traffic };
inline constexpr NameTable<EventActionKind, 6> kEventActionNames{{{
    {"crash", EventActionKind::crash},
    {"restart", EventActionKind::restart},
    {"deploy", EventActionKind::deploy},
    {"scale", EventActionKind::scale},
    {"revoke", EventActionKind::revoke},
    {"traffic", EventActionKind::traffic},
}}};

struct ScheduledEvent {
  double at_s = 0;
  EventAction action;
};

// One architecture to run: the base file with a design's keys merged over it.
struct Design {
  std::string name;
  std::string description;     // optional one-line explanation shown in the report
  std::string platform_file;   // absolute path of a SimGrid platform XML; empty = built-in
  std::string platform_sha256; // SHA-256 of that file's contents when it was loaded
  NetworkSpec network;
  ClientSpec clients;
  LoadBalancerSpec load_balancer;
  ServerSpec servers;
  SessionSpec sessions;
  AutoscaleSpec autoscale;
  std::vector<ScheduledEvent> events;  // sorted by time, same-time events in file order
};

// One `expect:` line as written, and where (its fields are checked in model/expectations.hpp).
struct ExpectLine {
  std::string text;
  int line = 0;
  int column = 0;
  bool operator==(const ExpectLine& other) const { return text == other.text; }
};

struct Scenario {
  std::string source_path;     // the file as given on the command line
  int version = 1;
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  double duration_s = 0;
  double warmup_s = 0;
  double report_interval_s = 10;
  int replications = 1;
  std::vector<ExpectLine> expect;   // result assertions, "design.field op value"
  std::vector<Design> designs;      // at least one
  std::vector<std::string> warnings;  // what the loader noticed that does not stop a run
};

// Server i's name in reports and events: "app-<i+1>".
std::string server_name(int index);

}  // namespace statesim
