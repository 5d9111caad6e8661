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
  bool effect = false;          // changes something (a payment, a counter): see EffectSpec
  std::optional<double> request_bytes;   // unset: clients.request_bytes
  std::optional<double> response_bytes;  // unset: clients.response_bytes
};

// How links that no flow shares (FATPIPE: each user's own client link) are simulated: as a
// timed wake-up of their latency (what SimGrid's CM02 gives them), or as part of SimGrid
// communications over the whole route. The times are the same; the wake-up is cheaper when
// many transfers are in flight, dearer when few are: `auto` picks by the offered load.
enum class UnsharedLinks { automatic, timed, simulated };
inline constexpr NameTable<UnsharedLinks, 3> kUnsharedLinksNames{{{
    {"auto", UnsharedLinks::automatic},
    {"timed", UnsharedLinks::timed},
    {"simulated", UnsharedLinks::simulated},
}}};

struct NetworkSpec {
  double client_latency_s = 0.020;     // one way, client <-> load balancer
  double internal_latency_s = 0.00025; // one way, balancer <-> server, server <-> store
  double bandwidth_Bps = 125e6;        // every link (1Gbps)
  UnsharedLinks unshared_links = UnsharedLinks::automatic;  // built-in platform and platform files alike
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

// How long a client waits before retrying a failed request, for a backoff b: none -> b,
// full -> uniform(0, b), equal -> b/2 + uniform(0, b/2).
enum class RetryJitter { none, full, equal };
inline constexpr NameTable<RetryJitter, 3> kRetryJitterNames{{{
    {"none", RetryJitter::none},
    {"full", RetryJitter::full},
    {"equal", RetryJitter::equal},
}}};

struct ClientSpec {
  // false: the design has no `clients` section, only part-2 populations (realtime, games,
  // uploads); no web visitors run. A file with neither keeps part 1's default clients (10 visits
  // per second). The other values still apply: every request's `timeout` comes from here.
  bool present = true;
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
  RetryJitter retry_jitter = RetryJitter::none;
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
  bool drop_expired = false;  // a queued request whose client has given up is dropped, not served
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

// Which server a scale-in of the autoscaler drains: the most recently started (ties: the highest
// number), or the one holding the fewest memory sessions (ties: the newest).
enum class ScaleInPick { newest, fewest_sessions };
inline constexpr NameTable<ScaleInPick, 2> kScaleInPickNames{{{
    {"newest", ScaleInPick::newest},
    {"fewest_sessions", ScaleInPick::fewest_sessions},
}}};

struct AutoscaleSpec {
  bool enabled = false;
  double target = 0.6;       // mean CPU utilisation of healthy servers, fraction
  int min = 2;
  int max = 10;
  double interval_s = 30;
  double cooldown_s = 120;
  double scale_in_drain_s = 30;
  ScaleInPick scale_in_pick = ScaleInPick::newest;
};

// ---- part 2 (design/stateful-workloads.md): populations that hold state on a server

// realtime: whom a message is for, and how it reaches recipients on other servers.
enum class Audience { direct, room };
inline constexpr NameTable<Audience, 2> kAudienceNames{{{
    {"direct", Audience::direct},
    {"room", Audience::room},
}}};
enum class Delivery { local, pubsub, stream };
inline constexpr NameTable<Delivery, 3> kDeliveryNames{{{
    {"local", Delivery::local},
    {"pubsub", Delivery::pubsub},
    {"stream", Delivery::stream},
}}};
// How a reconnect's backoff b is randomised: b itself, uniform(0, b), or b/2 + uniform(0, b/2).
enum class Jitter { none, full, equal };
inline constexpr NameTable<Jitter, 3> kJitterNames{{{
    {"none", Jitter::none},
    {"full", Jitter::full},
    {"equal", Jitter::equal},
}}};

struct ReconnectSpec {
  double backoff_s = 1;       // attempt k waits min(max_backoff, backoff x 2^k), jittered
  double max_backoff_s = 30;
  Jitter jitter = Jitter::full;
};

// Long-lived connections (WebSocket, long polling): users who log in, connect to a server and
// stay connected, sending messages to each other.
struct RealtimeSpec {
  Workload workload = Workload::closed;
  std::int64_t users = 0;                // closed: connected from ramp_up, reconnect after every drop
  double arrival_rate_per_s = 0;         // open: new users per second (Poisson) ...
  Distribution connection_duration_s{Distribution::Kind::exponential, 1200, 0};  // ... who close after this
  double ramp_up_s = 0;                  // closed only: first logins uniform over [0, ramp_up)
  double connect_cpu_s = 0.002;          // server CPU of accepting a connection
  std::int64_t max_connections = 10000;  // per server; a connect beyond it is refused
  double heartbeat_s = 30;               // a client notices a dead server within this
  double message_rate_per_s = 2.0 / 60;  // per connected user, Poisson
  double message_bytes = 500;
  double message_cpu_s = 200e-6;         // per message, on the sender's server and each delivering one
  Audience audience = Audience::direct;
  std::int64_t room_size = 20;           // room: users 1..room_size form room 1, and so on
  Delivery delivery = Delivery::local;
  double replay_window_s = 120;          // stream only
  ReconnectSpec reconnect;
};

// What becomes of a match when its server stops.
enum class MatchState { memory, snapshot };
inline constexpr NameTable<MatchState, 2> kMatchStateNames{{{
    {"memory", MatchState::memory},
    {"snapshot", MatchState::snapshot},
}}};

// Real-time game servers: matches placed on a server that computes their ticks.
struct GamesSpec {
  double arrival_rate_per_s = 0;  // new matches per second, Poisson
  int players = 8;
  Distribution match_duration_s{Distribution::Kind::constant, 600, 0};  // game time to play
  double tick_rate_per_s = 20;    // state updates per second of a running match
  double tick_cpu_s = 0.001;      // server CPU per tick
  double tick_bytes = 200;        // per player per tick
  MatchState state = MatchState::memory;
  double snapshot_interval_s = 5; // snapshot only: at multiples of it from the match's start
  double snapshot_bytes = 50000;
};

// Uploads (part 2 of the format): a population of uploaders of its own, each sending one file
// in chunks. Sizes are bytes (a Distribution of bytes), bandwidths bytes per second.
enum class UploadMode { server_memory, resumable, presigned };
inline constexpr NameTable<UploadMode, 3> kUploadModeNames{{{
    {"server_memory", UploadMode::server_memory},
    {"resumable", UploadMode::resumable},
    {"presigned", UploadMode::presigned},
}}};

struct UploadSpec {
  bool enabled = false;  // the design has an uploads section
  double arrival_rate_per_s = 1;
  Distribution size_B{Distribution::Kind::lognormal, 20e6, 10e6};
  double chunk_B = 5e6;
  double client_bandwidth_Bps = 2.5e6;  // 20Mbps: each uploader's own link
  double chunk_cpu_s = 0.002;
  UploadMode mode = UploadMode::server_memory;
  int max_restarts = 5;       // failures an upload survives; the next one fails it
  double timeout_s = 60;      // no answer to a chunk (or a URL request) within this: it failed
  double retry_backoff_s = 1; // from a failure to the next attempt
};

// Effects (part 2): what request kinds with `effect: true` change, and whether a retry applies
// them twice.
enum class EffectState { memory, database };
inline constexpr NameTable<EffectState, 2> kEffectStateNames{{{
    {"memory", EffectState::memory},
    {"database", EffectState::database},
}}};
enum class Idempotency { none, memory, store };
inline constexpr NameTable<Idempotency, 3> kIdempotencyNames{{{
    {"none", Idempotency::none},
    {"memory", Idempotency::memory},
    {"store", Idempotency::store},
}}};

struct EffectSpec {
  bool enabled = false;  // an effects section, or a request kind with effect: true
  EffectState state = EffectState::database;
  Idempotency idempotency = Idempotency::none;
  double key_ttl_s = 86400;
};

// Event targets: app servers are numbered 0..servers.max-1 (named app-1..app-max).
struct StoreTarget {};
using EventTarget = std::variant<int, StoreTarget>;

struct CrashEvent { EventTarget target; };
struct RestartEvent { EventTarget target; };
struct DeployEvent { int batch = 1; double drain_s = 0; };
struct ScaleEvent { int to = 0; double drain_s = 0; };
struct RevokeEvent { double fraction = 0; };
// A named server leaves the pool, drained like a scale-in (drain 0: at once).
struct StopEvent { int server = 0; double drain_s = 0; };
struct TrafficEvent {
  std::optional<double> arrival_rate_per_s;
  std::optional<std::int64_t> users;
  std::optional<Distribution> think_time_s;
};
using EventAction =
    std::variant<CrashEvent, RestartEvent, DeployEvent, ScaleEvent, RevokeEvent, TrafficEvent, StopEvent>;
// The key that names an event's action in the file; in the order of EventAction's alternatives.
enum class EventActionKind { crash, restart, deploy, scale, revoke, traffic, stop };
inline constexpr NameTable<EventActionKind, 7> kEventActionNames{{{
    {"crash", EventActionKind::crash},
    {"restart", EventActionKind::restart},
    {"deploy", EventActionKind::deploy},
    {"scale", EventActionKind::scale},
    {"revoke", EventActionKind::revoke},
    {"traffic", EventActionKind::traffic},
    {"stop", EventActionKind::stop},
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
  std::optional<RealtimeSpec> realtime;  // absent: no such section (nor in the design)
  std::optional<GamesSpec> games;
  UploadSpec uploads;
  EffectSpec effects;
  std::vector<ScheduledEvent> events;  // sorted by time, same-time events in file order

  // Populations that log in (web visitors, realtime users): sessions exist. Those and the
  // uploaders send requests; game servers run matches without either.
  bool has_logins() const { return clients.present || realtime.has_value(); }
  bool has_requests() const { return has_logins() || uploads.enabled; }
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
  std::vector<std::string> report_fields;  // report.fields: what the compare chart shows
  std::vector<Design> designs;      // at least one
  std::vector<std::string> warnings;  // what the loader noticed that does not stop a run
};

// Server i's name in reports and events: "app-<i+1>".
std::string server_name(int index);

// Whether anything of the design lives on the store host: sessions (redis, database, a jwt
// denylist or refresh tokens), a realtime pub/sub or stream, game snapshots.
bool uses_store_host(const Design& design);

}  // namespace statesim
