// The resolved scenario: every value the run uses, written as a scenario file that loads back
// to the same Scenario. Keys come in a fixed order so that the text is byte-stable.
#include <fmt/format.h>

#include <optional>
#include <string>
#include <variant>

#include "scenario/loader.hpp"
#include "scenario/config.hpp"
#include "scenario/message_text.hpp"
#include "scenario/units.hpp"

namespace statesim {
namespace {

// Names are written double-quoted too, since a plain `null` or `true` would not read back as text.
std::string yaml_quoted(const std::string& text) { return yaml_double_quoted(text); }

const char* bool_text(bool value) { return value ? "true" : "false"; }

std::string target_name(const EventTarget& target) {
  if (std::holds_alternative<StoreTarget>(target)) return "store";
  return server_name(std::get<int>(target));
}

// Lines of block YAML at a given indentation.
class Writer {
 public:
  void line(int indent, const std::string& text) {
    out_ += std::string(static_cast<std::size_t>(indent), ' ') + text + "\n";
  }
  template <typename Value>
  void key(int indent, const char* name, const Value& value) {
    line(indent, fmt::format("{}: {}", name, value));
  }
  const std::string& text() const { return out_; }

 private:
  std::string out_;
};

void write_clients(Writer& w, int indent, const ClientSpec& clients) {
  if (!clients.present) return;  // no web visitors: the design has another population
  w.line(indent, "clients:");
  const int in = indent + 2;
  if (clients.workload == Workload::open) {
    w.key(in, "arrival_rate", format_rate(clients.arrival_rate_per_s));
  } else {
    w.key(in, "users", clients.users);
    w.key(in, "relogin_after", format_distribution(clients.relogin_after_s));
    w.key(in, "ramp_up", format_duration(clients.ramp_up_s));
  }
  w.key(in, "start", kStartStateNames.name(clients.start));
  w.key(in, "session_duration", format_distribution(clients.session_duration_s));
  w.key(in, "think_time", format_distribution(clients.think_time_s));
  w.key(in, "ip_pool", clients.ip_pool);
  w.key(in, "request_bytes", format_size(clients.request_bytes));
  w.key(in, "response_bytes", format_size(clients.response_bytes));
  w.key(in, "timeout", format_duration(clients.timeout_s));
  w.key(in, "retries", clients.retries);
  w.key(in, "retry_backoff", format_duration(clients.retry_backoff_s));
  // Keys of part 2 appear when set, so that part 1's resolved scenarios stay as they were.
  if (clients.retry_jitter != RetryJitter::none)
    w.key(in, "retry_jitter", kRetryJitterNames.name(clients.retry_jitter));
  w.key(in, "on_forced_logout", kOnForcedLogoutNames.name(clients.on_forced_logout));
  w.line(in, "requests:");
  for (const auto& kind : clients.requests) {
    w.key(in + 2, "- name", yaml_quoted(kind.name));
    w.key(in + 4, "weight", format_number(kind.weight));
    w.key(in + 4, "cpu", format_distribution(kind.cpu_s));
    w.key(in + 4, "writes_session", bool_text(kind.writes_session));
    if (kind.effect) w.key(in + 4, "effect", "true");
    if (kind.request_bytes) w.key(in + 4, "request_bytes", format_size(*kind.request_bytes));
    if (kind.response_bytes) w.key(in + 4, "response_bytes", format_size(*kind.response_bytes));
  }
}

void write_realtime(Writer& w, int indent, const std::optional<RealtimeSpec>& section) {
  if (!section) return;  // absent = no realtime users
  const RealtimeSpec& realtime = *section;
  w.line(indent, "realtime:");
  const int in = indent + 2;
  if (realtime.workload == Workload::closed) {
    w.key(in, "users", realtime.users);
    w.key(in, "ramp_up", format_duration(realtime.ramp_up_s));
  } else {
    w.key(in, "arrival_rate", format_rate(realtime.arrival_rate_per_s));
    w.key(in, "connection_duration", format_distribution(realtime.connection_duration_s));
  }
  w.key(in, "connect_cpu", format_duration(realtime.connect_cpu_s));
  w.key(in, "max_connections", realtime.max_connections);
  w.key(in, "heartbeat", format_duration(realtime.heartbeat_s));
  w.key(in, "message_rate", format_rate(realtime.message_rate_per_s));
  w.key(in, "message_bytes", format_size(realtime.message_bytes));
  w.key(in, "message_cpu", format_duration(realtime.message_cpu_s));
  w.key(in, "audience", kAudienceNames.name(realtime.audience));
  w.key(in, "room_size", realtime.room_size);
  w.key(in, "delivery", kDeliveryNames.name(realtime.delivery));
  w.key(in, "replay_window", format_duration(realtime.replay_window_s));
  w.line(in, "reconnect:");
  w.key(in + 2, "backoff", format_duration(realtime.reconnect.backoff_s));
  w.key(in + 2, "max_backoff", format_duration(realtime.reconnect.max_backoff_s));
  w.key(in + 2, "jitter", kJitterNames.name(realtime.reconnect.jitter));
}

void write_games(Writer& w, int indent, const std::optional<GamesSpec>& section) {
  if (!section) return;  // absent = no matches
  const GamesSpec& games = *section;
  w.line(indent, "games:");
  const int in = indent + 2;
  w.key(in, "arrival_rate", format_rate(games.arrival_rate_per_s));
  w.key(in, "players", games.players);
  w.key(in, "match_duration", format_distribution(games.match_duration_s));
  w.key(in, "tick_rate", format_rate(games.tick_rate_per_s));
  w.key(in, "tick_cpu", format_duration(games.tick_cpu_s));
  w.key(in, "tick_bytes", format_size(games.tick_bytes));
  w.key(in, "state", kMatchStateNames.name(games.state));
  w.key(in, "snapshot_interval", format_duration(games.snapshot_interval_s));
  w.key(in, "snapshot_bytes", format_size(games.snapshot_bytes));
}

void write_load_balancer(Writer& w, int indent, const LoadBalancerSpec& balancer) {
  w.line(indent, "load_balancer:");
  const int in = indent + 2;
  w.key(in, "policy", kLbPolicyNames.name(balancer.policy));
  w.line(in, "health_check:");
  w.key(in + 2, "interval", format_duration(balancer.health_check.interval_s));
  w.key(in + 2, "unhealthy_after", balancer.health_check.unhealthy_after);
  w.key(in + 2, "healthy_after", balancer.health_check.healthy_after);
  w.key(in, "virtual_nodes", balancer.virtual_nodes);
}

void write_servers(Writer& w, int indent, const ServerSpec& servers) {
  w.line(indent, "servers:");
  const int in = indent + 2;
  w.key(in, "count", servers.count);
  w.key(in, "max", servers.max);
  w.key(in, "cores", servers.cores);
  w.key(in, "speed", format_number(servers.speed));
  w.key(in, "workers", servers.workers);
  w.key(in, "queue_limit", servers.queue_limit);
  w.key(in, "startup_time", format_duration(servers.startup_time_s));
  if (servers.drop_expired) w.key(in, "drop_expired", "true");
}

void write_sessions(Writer& w, int indent, const SessionSpec& sessions) {
  w.line(indent, "sessions:");
  const int in = indent + 2;
  w.key(in, "store", kStoreKindNames.name(sessions.store));
  w.key(in, "ttl", format_duration(sessions.ttl_s));
  w.key(in, "login_cpu", format_duration(sessions.login_cpu_s));
  w.line(in, "redis:");
  w.key(in + 2, "op_time", format_duration(sessions.redis.op_time_s));
  w.key(in + 2, "persistence", kPersistenceNames.name(sessions.redis.persistence));
  w.key(in + 2, "snapshot_interval", format_duration(sessions.redis.snapshot_interval_s));
  w.key(in + 2, "replica", bool_text(sessions.redis.replica));
  w.key(in + 2, "failover_time", format_duration(sessions.redis.failover_time_s));
  w.line(in, "database:");
  w.key(in + 2, "query_time", format_distribution(sessions.database.query_time_s));
  w.key(in + 2, "connections", sessions.database.connections);
  w.line(in, "jwt:");
  w.key(in + 2, "verify_cpu", format_duration(sessions.jwt.verify_cpu_s));
  w.key(in + 2, "token_bytes", format_size(sessions.jwt.token_bytes));
  w.key(in + 2, "expiry", format_duration(sessions.jwt.expiry_s));
  w.key(in + 2, "denylist", bool_text(sessions.jwt.denylist));
  if (sessions.jwt.refresh.enabled) {  // absent = no refresh tokens
    w.line(in + 2, "refresh:");
    w.key(in + 4, "expiry", format_duration(sessions.jwt.refresh.expiry_s));
    w.key(in + 4, "store", kRefreshStoreNames.name(sessions.jwt.refresh.store));
  }
}

void write_autoscale(Writer& w, int indent, const AutoscaleSpec& autoscale) {
  if (!autoscale.enabled) return;  // absent = no autoscaling
  w.line(indent, "autoscale:");
  const int in = indent + 2;
  w.key(in, "metric", "cpu");
  w.key(in, "target", format_fraction(autoscale.target));
  w.key(in, "min", autoscale.min);
  w.key(in, "max", autoscale.max);
  w.key(in, "interval", format_duration(autoscale.interval_s));
  w.key(in, "cooldown", format_duration(autoscale.cooldown_s));
  w.key(in, "scale_in_drain", format_duration(autoscale.scale_in_drain_s));
  w.key(in, "scale_in_pick", kScaleInPickNames.name(autoscale.scale_in_pick));
}

void write_uploads(Writer& w, int indent, const UploadSpec& uploads) {
  if (!uploads.enabled) return;
  w.line(indent, "uploads:");
  const int in = indent + 2;
  w.key(in, "arrival_rate", format_rate(uploads.arrival_rate_per_s));
  w.key(in, "size", format_size_distribution(uploads.size_B));
  w.key(in, "chunk", format_size(uploads.chunk_B));
  w.key(in, "client_bandwidth", format_bandwidth(uploads.client_bandwidth_Bps));
  w.key(in, "chunk_cpu", format_duration(uploads.chunk_cpu_s));
  w.key(in, "mode", kUploadModeNames.name(uploads.mode));
  w.key(in, "max_restarts", uploads.max_restarts);
  w.key(in, "timeout", format_duration(uploads.timeout_s));
  w.key(in, "retry_backoff", format_duration(uploads.retry_backoff_s));
}

void write_effects(Writer& w, int indent, const EffectSpec& effects) {
  if (!effects.enabled) return;
  w.line(indent, "effects:");
  const int in = indent + 2;
  w.key(in, "state", kEffectStateNames.name(effects.state));
  w.key(in, "idempotency", kIdempotencyNames.name(effects.idempotency));
  w.key(in, "key_ttl", format_duration(effects.key_ttl_s));
}

// One overload per kind of event: a new kind without one does not compile.
struct EventActionWriter {
  Writer& w;
  int in;
  static const char* key(EventActionKind kind) { return kEventActionNames.name(kind).data(); }
  void operator()(const CrashEvent& action) const { w.key(in, key(EventActionKind::crash), target_name(action.target)); }
  void operator()(const RestartEvent& action) const {
    w.key(in, key(EventActionKind::restart), target_name(action.target));
  }
  void operator()(const DeployEvent& action) const {
    w.line(in, fmt::format("{}:", key(EventActionKind::deploy)));
    w.key(in + 2, "batch", action.batch);
    w.key(in + 2, "drain", format_duration(action.drain_s));
  }
  void operator()(const ScaleEvent& action) const {
    w.line(in, fmt::format("{}:", key(EventActionKind::scale)));
    w.key(in + 2, "to", action.to);
    w.key(in + 2, "drain", format_duration(action.drain_s));
  }
  void operator()(const StopEvent& action) const {
    w.line(in, fmt::format("{}:", key(EventActionKind::stop)));
    w.key(in + 2, "server", server_name(action.server));
    w.key(in + 2, "drain", format_duration(action.drain_s));
  }
  void operator()(const RevokeEvent& action) const {
    w.key(in, key(EventActionKind::revoke), format_fraction(action.fraction));
  }
  void operator()(const TrafficEvent& action) const {
    w.line(in, fmt::format("{}:", key(EventActionKind::traffic)));
    if (action.arrival_rate_per_s) w.key(in + 2, "arrival_rate", format_rate(*action.arrival_rate_per_s));
    if (action.users) w.key(in + 2, "users", *action.users);
    if (action.think_time_s) w.key(in + 2, "think_time", format_distribution(*action.think_time_s));
  }
};

void write_event(Writer& w, int indent, const ScheduledEvent& event) {
  w.key(indent, "- at", format_duration(event.at_s));
  std::visit(EventActionWriter{w, indent + 2}, event.action);
}

void write_design(Writer& w, const Design& design) {
  constexpr int in = 4;
  w.key(2, "- name", yaml_quoted(design.name));
  w.key(in, "description", yaml_quoted(design.description));
  if (!design.platform_file.empty()) {
    w.line(in, "platform:");
    w.key(in + 2, "file", yaml_quoted(design.platform_file));
    w.key(in + 2, "sha256", yaml_quoted(design.platform_sha256));  // `run` warns when the file no longer matches
  }
  w.line(in, "network:");
  w.key(in + 2, "client_latency", format_duration(design.network.client_latency_s));
  w.key(in + 2, "internal_latency", format_duration(design.network.internal_latency_s));
  w.key(in + 2, "bandwidth", format_bandwidth(design.network.bandwidth_Bps));
  w.key(in + 2, "unshared_links", kUnsharedLinksNames.name(design.network.unshared_links));
  if (design.clients.present) write_clients(w, in, design.clients);  // absent: part-2 populations only
  write_realtime(w, in, design.realtime);
  write_games(w, in, design.games);
  write_load_balancer(w, in, design.load_balancer);
  write_servers(w, in, design.servers);
  write_sessions(w, in, design.sessions);
  write_autoscale(w, in, design.autoscale);
  write_uploads(w, in, design.uploads);
  write_effects(w, in, design.effects);
  if (design.events.empty()) {
    w.line(in, "events: []");
  } else {
    w.line(in, "events:");
    for (const auto& event : design.events) write_event(w, in + 2, event);
  }
}

}  // namespace

std::string resolved_yaml(const Scenario& scenario) {
  Writer w;
  w.key(0, "version", scenario.version);
  w.key(0, "name", yaml_quoted(scenario.name));
  w.key(0, "description", yaml_quoted(scenario.description));
  w.key(0, "seed", scenario.seed);
  w.key(0, "duration", format_duration(scenario.duration_s));
  w.key(0, "warmup", format_duration(scenario.warmup_s));
  w.key(0, "report_interval", format_duration(scenario.report_interval_s));
  w.key(0, "replications", scenario.replications);
  if (scenario.expect.empty()) {
    w.line(0, "expect: []");
  } else {
    w.line(0, "expect:");
    for (const auto& line : scenario.expect) w.line(2, "- " + yaml_quoted(line.text));
  }
  std::string fields;
  for (const auto& field : scenario.report_fields) fields += (fields.empty() ? "" : ", ") + field;
  w.line(0, "report:");
  w.line(2, "fields: [" + fields + "]");  // summary field names: [a-z0-9_]+, nothing to quote
  w.line(0, "designs:");
  for (const auto& design : scenario.designs) write_design(w, design);
  return w.text();
}

}  // namespace statesim
