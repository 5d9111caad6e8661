// The scenario schema walker. Each section of the file has one function that applies the keys
// present in a YAML map onto a typed struct, so that the same function reads the base file and
// a design's override of it (maps merge key by key; lists and scalars replace). Checks that
// relate several sections run once per design, after merging, and point at the key responsible.
#include "scenario/loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <filesystem>
#include <limits>
#include <optional>
#include <utility>

#include "model/run_estimate.hpp"
#include "scenario/expectation.hpp"
#include "scenario/input_file.hpp"
#include "scenario/message_text.hpp"
#include "scenario/platform_xml.hpp"
#include "scenario/pool_timeline.hpp"
#include "scenario/sha256.hpp"
#include "scenario/units.hpp"
#include "scenario/yaml_tree.hpp"

namespace statesim {
namespace {

namespace fs = std::filesystem;
using yaml_tree::MapEntry;
using yaml_tree::Node;
using yaml_tree::Position;
using yaml_tree::TreeError;

// ---------------------------------------------------------------------------------------------
// Errors

std::string describe(const Node& node) {
  switch (node.kind) {
    case Node::Kind::null:
      return "nothing";
    case Node::Kind::scalar:
      return quote_value(node.text);
    case Node::Kind::sequence:
      return node.items.empty() ? "an empty list" : "a list";
    case Node::Kind::map:
      return node.entries.empty() ? "an empty map" : "a map";
  }
  return "nothing";
}

[[noreturn]] void fail(Position position, const std::string& path, const std::string& message) {
  throw TreeError(position, path, message);
}

[[noreturn]] void fail_expected(const Node& node, const std::string& path, std::string_view expected,
                                std::string_view hint = {}) {
  std::string message = fmt::format("expected {}, got {}", expected, describe(node));
  if (!hint.empty()) message += fmt::format(" ({})", hint);
  fail(node.position, path, message);
}

std::string child_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

std::string item_path(const std::string& parent, std::size_t index) {
  return fmt::format("{}[{}]", parent, index);
}

// ---------------------------------------------------------------------------------------------
// A YAML map with a fixed set of keys

class Section {
 public:
  // `extra_hint(key)` may explain an unknown key better than a list of valid keys.
  Section(const Node& node, std::string path, std::vector<std::string> keys,
          std::string (*extra_hint)(const std::string&) = nullptr)
      : node_(node), path_(std::move(path)), keys_(std::move(keys)) {
    if (node.kind != Node::Kind::map)
      fail_expected(node, path_, fmt::format("a map (keys: {})", join_names(keys_)));
    for (const auto& entry : node.entries) {
      const std::string& key = entry.key.text;
      if (std::find(keys_.begin(), keys_.end(), key) != keys_.end()) continue;
      std::string hint = extra_hint ? extra_hint(key) : std::string();
      if (hint.empty()) {
        const std::string suggestion = closest_name(key, keys_);
        hint = suggestion.empty() ? fmt::format("valid keys: {}", join_names(keys_))
                                  : fmt::format("did you mean {}?", quote_value(suggestion));
      }
      fail(entry.key.position, child_path(path_, key),
           fmt::format("unknown key {} ({})", quote_value(key), hint));
    }
  }

  const Node* get(std::string_view key) const { return node_.find(key); }
  std::string path(std::string_view key) const { return child_path(path_, key); }
  const std::string& path() const { return path_; }
  const Node& node() const { return node_; }

  const Node& require(std::string_view key) const {
    const Node* value = get(key);
    if (value == nullptr) fail(node_.position, path(key), "required key missing");
    return *value;
  }

 private:
  const Node& node_;
  std::string path_;
  std::vector<std::string> keys_;
};

// ---------------------------------------------------------------------------------------------
// Typed values

const Node& require_scalar(const Node& node, const std::string& path, std::string_view expected) {
  if (node.kind != Node::Kind::scalar) fail_expected(node, path, expected);
  return node;
}

std::string read_text(const Node& node, const std::string& path) {
  return require_scalar(node, path, "a text").text;
}

bool matches_name(const std::string& text, bool underscore) {
  if (text.empty()) return false;
  return std::all_of(text.begin(), text.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || (underscore && c == '_');
  });
}

std::string read_name(const Node& node, const std::string& path) {
  constexpr std::string_view kExpected = "a name of lowercase letters, digits and dashes ([a-z0-9-]+)";
  const std::string& text = require_scalar(node, path, kExpected).text;
  if (!matches_name(text, false)) fail_expected(node, path, kExpected);
  return text;
}

bool read_bool(const Node& node, const std::string& path) {
  constexpr std::string_view kExpected = "true or false";
  require_scalar(node, path, kExpected);
  if (node.plain && node.text == "true") return true;
  if (node.plain && node.text == "false") return false;
  fail_expected(node, path, kExpected, node.plain ? "" : "without quotes");
}

std::string whole_number(std::int64_t min, std::int64_t max) {
  if (max >= INT_MAX) return fmt::format("a whole number >= {}", min);
  return fmt::format("a whole number between {} and {}", min, max);
}

// A plain decimal integer: no quotes, no sign other than '-', no leading zeros, no exponent.
std::int64_t read_integer(const Node& node, const std::string& path, std::int64_t min,
                          std::int64_t max = INT_MAX) {
  const std::string expected = whole_number(min, max);
  require_scalar(node, path, expected);
  if (!node.plain) fail_expected(node, path, expected, "without quotes");
  const std::string& text = node.text;
  const std::size_t digits_start = !text.empty() && text[0] == '-' ? 1 : 0;
  const std::string digits = text.substr(digits_start);
  const bool well_formed = !digits.empty() && std::all_of(digits.begin(), digits.end(),
                                                          [](char c) { return c >= '0' && c <= '9'; });
  if (!well_formed) fail_expected(node, path, expected);
  if (digits.size() > 1 && digits[0] == '0')
    fail_expected(node, path, expected, "leading zeros are not allowed: 010 would read as octal in YAML");
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size())
    fail_expected(node, path, expected, "too large");
  if (value < min) fail_expected(node, path, expected);
  if (value > max) fail_expected(node, path, expected, max >= INT_MAX ? "too large" : "");
  return value;
}

int read_int(const Node& node, const std::string& path, int min, int max = INT_MAX) {
  return static_cast<int>(read_integer(node, path, min, max));
}

std::uint64_t read_seed(const Node& node, const std::string& path) {
  constexpr std::string_view kExpected = "a whole number between 0 and 18446744073709551615";
  require_scalar(node, path, kExpected);
  if (!node.plain) fail_expected(node, path, kExpected, "without quotes");
  try {
    return parse_seed(node.text);
  } catch (const UnitError& error) {
    fail(node.position, path, error.what());
  }
}

// A value with a unit (or a fraction or a distribution): quoted or not, parsed by units.hpp.
template <typename Parse>
auto read_unit_value(const Node& node, const std::string& path, std::string_view expected, Parse parse) {
  require_scalar(node, path, expected);
  try {
    return parse(node.text);
  } catch (const UnitError& error) {
    fail(node.position, path, error.what());
  }
}

enum class Lowest { zero, above_zero };

double read_duration(const Node& node, const std::string& path, Lowest lowest) {
  const double seconds = read_unit_value(node, path, "a duration such as 250ms or 1.5s", parse_duration);
  if (lowest == Lowest::above_zero && seconds <= 0) fail_expected(node, path, "a duration > 0");
  return seconds;
}

double read_rate(const Node& node, const std::string& path, Lowest lowest) {
  const double rate = read_unit_value(node, path, "a rate such as 10/s", parse_rate);
  if (lowest == Lowest::above_zero && rate <= 0) fail_expected(node, path, "a rate > 0");
  return rate;
}

double read_size(const Node& node, const std::string& path) {
  return read_unit_value(node, path, "a size such as 1KB", parse_size);
}

double read_bandwidth(const Node& node, const std::string& path) {
  return read_unit_value(node, path, "a bandwidth such as 1Gbps", parse_bandwidth);
}

double read_fraction(const Node& node, const std::string& path, Lowest lowest) {
  const double fraction = read_unit_value(node, path, "a fraction such as 0.25 or 25%", parse_fraction);
  if (lowest == Lowest::above_zero && fraction <= 0) fail_expected(node, path, "a fraction in (0, 1]");
  return fraction;
}

Distribution read_distribution(const Node& node, const std::string& path) {
  return read_unit_value(node, path, "a distribution such as exp(5ms)", parse_distribution);
}

// A plain number above zero (speed, weight): written without quotes like integers, within
// [lowest, highest] (`why` says where the bounds come from).
double read_positive_number(const Node& node, const std::string& path, double lowest, double highest,
                            std::string_view why) {
  constexpr std::string_view kExpected = "a number > 0 such as 2 or 1.5";
  require_scalar(node, path, kExpected);
  if (!node.plain) fail_expected(node, path, kExpected, "without quotes");
  const double value = read_unit_value(node, path, kExpected, parse_number);
  if (value <= 0) fail_expected(node, path, kExpected);
  if (value < lowest || value > highest)
    fail_expected(node, path, fmt::format("a number between {:g} and {:g}", lowest, highest), why);
  return value;
}

// servers.speed multiplies the built-in 1e9 flops per second; SimGrid aborts on host speeds far
// beyond these bounds, and no server is a million times faster or slower than another.
constexpr double kLowestServerSpeed = 1e-6;
constexpr double kHighestServerSpeed = 1e6;
// Request weights are relative; their sum must stay a finite number.
constexpr double kHighestWeight = 1e12;

template <typename Enum, std::size_t N>
Enum read_choice(const Node& node, const std::string& path, const NameTable<Enum, N>& choices) {
  const std::vector<std::string> names = choices.names();
  const std::string expected = fmt::format("one of {}", join_names(names));
  require_scalar(node, path, expected);
  if (const std::optional<Enum> value = choices.parse(node.text)) return *value;
  const std::string suggestion = closest_name(node.text, names);
  fail_expected(node, path, expected,
                suggestion.empty() ? "" : fmt::format("did you mean {}?", quote_value(suggestion)));
}

enum class AutoscaleMetric { cpu };
inline constexpr NameTable<AutoscaleMetric, 1> kAutoscaleMetrics{{{{"cpu", AutoscaleMetric::cpu}}}};

// ---------------------------------------------------------------------------------------------
// A design while it is being assembled: the typed values plus where the keys that cross-field
// checks depend on were written.

struct Origin {
  Position position;
  std::string path;
};

Origin origin_of(const Node& node, const std::string& path) { return Origin{node.position, path}; }

struct EventDraft {
  ScheduledEvent event;
  EventActionKind action = EventActionKind::crash;
  Origin action_origin;  // the action's value
  std::string target;    // crash/restart: the name as written
  std::optional<Origin> scale_to, traffic_arrival_rate, traffic_users;
};

// platform.sha256 as written: the platform file's contents when the scenario was resolved.
struct RecordedHash {
  std::string sha256;
  Origin origin;
};

struct DesignDraft {
  Design design;
  Origin start;  // the map the design comes from (fallback position)
  std::optional<RecordedHash> recorded_sha256;
  std::optional<Origin> servers_count, servers_max, servers_workers;
  std::optional<Origin> arrival_rate, users, relogin_after, ramp_up, start_state, think_time;
  std::optional<Origin> autoscale_min, autoscale_max;
  std::vector<EventDraft> events;
};

// Scenario-wide facts the section readers need.
struct LoadContext {
  std::string base_dir;
  std::string display_name;  // the file as named in messages
  double duration_s = 0;
  ScenarioLimits limits;
  std::vector<std::string>* warnings = nullptr;  // Scenario::warnings, each once
};

// ---------------------------------------------------------------------------------------------
// Sections. Each applies only the keys present, over what the draft already holds.

// Reads, checks and hashes the platform file: what SimGrid would abort on, or statesim does not
// model, is refused here with the XML file's line; SimGrid's own check comes before the run.
std::string read_platform_file(const Node& file, const std::string& path, const std::string& absolute) {
  constexpr std::size_t kMaxPlatformBytes = 64 << 20;
  std::string text;
  try {
    text = read_input_file(absolute, kMaxPlatformBytes);
  } catch (const InputFileError& error) {
    if (!fs::exists(fs::symlink_status(absolute)))
      fail_expected(file, path, "an existing platform file", fmt::format("{} does not exist", absolute));
    fail(file.position, path, fmt::format("cannot read the platform file {}: {}", absolute, error.what()));
  }
  try {
    check_platform_xml(scan_platform_xml(text));
  } catch (const PlatformXmlError& error) {
    fail(file.position, path,
         fmt::format("{}:{}: {}{}", absolute, error.line,
                     error.what_element.empty() ? "" : error.what_element + ": ", error.what()));
  }
  return text;
}

void apply_platform(const Node& node, const std::string& path, DesignDraft& draft,
                    const LoadContext& context) {
  const Section section(node, path, {"file", "sha256"});
  const Node* file = section.get("file");
  if (file != nullptr) {
    constexpr std::string_view kExpected = "the path of a SimGrid platform file";
    const std::string text = read_text(*file, section.path("file"));
    if (text.empty()) fail_expected(*file, section.path("file"), kExpected);
    fs::path platform(text);
    if (platform.is_relative()) platform = fs::path(context.base_dir) / platform;
    std::error_code error;
    fs::path absolute = fs::absolute(platform, error);
    if (error) absolute = platform;
    absolute = absolute.lexically_normal();
    draft.design.platform_file = absolute.string();
    draft.design.platform_sha256 =
        sha256_hex(read_platform_file(*file, section.path("file"), draft.design.platform_file));
    draft.recorded_sha256.reset();  // a recorded hash belongs to the file written beside it
  }
  if (const Node* recorded = section.get("sha256")) {
    constexpr std::string_view kExpected = "the SHA-256 of the platform file: 64 hex digits";
    const std::string& hash = require_scalar(*recorded, section.path("sha256"), kExpected).text;
    const bool hex = hash.size() == 64 && std::all_of(hash.begin(), hash.end(), [](char c) {
                       return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                     });
    if (!hex) fail_expected(*recorded, section.path("sha256"), kExpected);
    if (draft.design.platform_file.empty())
      fail(recorded->position, section.path("sha256"), "needs platform.file: it records that file's contents");
    draft.recorded_sha256 = RecordedHash{hash, origin_of(*recorded, section.path("sha256"))};
  }
}

void apply_network(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext&) {
  const Section section(node, path, {"client_latency", "internal_latency", "bandwidth", "unshared_links"});
  NetworkSpec& network = draft.design.network;
  if (const Node* value = section.get("unshared_links"))
    network.unshared_links = read_choice(*value, section.path("unshared_links"), kUnsharedLinksNames);
  if (const Node* value = section.get("client_latency"))
    network.client_latency_s = read_duration(*value, section.path("client_latency"), Lowest::zero);
  if (const Node* value = section.get("internal_latency"))
    network.internal_latency_s = read_duration(*value, section.path("internal_latency"), Lowest::zero);
  if (const Node* value = section.get("bandwidth"))
    network.bandwidth_Bps = read_bandwidth(*value, section.path("bandwidth"));
}

std::vector<RequestKind> read_request_kinds(const Node& node, const std::string& path,
                                            const LoadContext& context) {
  constexpr std::string_view kExpected =
      "a list of request kinds such as [{name: page, weight: 1, cpu: exp(5ms)}]";
  if (node.kind != Node::Kind::sequence) fail_expected(node, path, kExpected);
  if (node.items.empty()) fail_expected(node, path, kExpected, "at least one kind is needed");
  if (node.items.size() > context.limits.max_request_kinds)
    fail(node.position, path,
         fmt::format("{} request kinds is above the limit of {}", node.items.size(),
                     context.limits.max_request_kinds));
  std::vector<RequestKind> kinds;
  for (std::size_t i = 0; i < node.items.size(); ++i) {
    const Section section(node.items[i], item_path(path, i), {"name", "weight", "cpu", "writes_session"});
    RequestKind kind;
    const Node& name = section.require("name");
    constexpr std::string_view kNameExpected =
        "a name of lowercase letters, digits, '_' and '-' ([a-z0-9_-]+)";
    kind.name = require_scalar(name, section.path("name"), kNameExpected).text;
    if (!matches_name(kind.name, true)) fail_expected(name, section.path("name"), kNameExpected);
    for (std::size_t earlier = 0; earlier < kinds.size(); ++earlier)
      if (kinds[earlier].name == kind.name)
        fail(name.position, section.path("name"),
             fmt::format("duplicate request name {} (already used by {})", quote_value(kind.name),
                         item_path(path, earlier)));
    if (const Node* value = section.get("weight"))
      kind.weight = read_positive_number(*value, section.path("weight"), 0, kHighestWeight,
                                         "weights are relative: 1 and 9 say 10% and 90%");
    if (const Node* value = section.get("cpu")) kind.cpu_s = read_distribution(*value, section.path("cpu"));
    if (const Node* value = section.get("writes_session"))
      kind.writes_session = read_bool(*value, section.path("writes_session"));
    kinds.push_back(std::move(kind));
  }
  return kinds;
}

void apply_clients(const Node& node, const std::string& path, DesignDraft& draft,
                   const LoadContext& context) {
  const Section section(node, path,
                        {"arrival_rate", "users", "start", "relogin_after", "ramp_up", "session_duration",
                         "think_time", "ip_pool", "request_bytes", "response_bytes", "timeout", "retries",
                         "retry_backoff", "on_forced_logout", "requests"});
  ClientSpec& clients = draft.design.clients;
  if (const Node* value = section.get("arrival_rate")) {
    clients.arrival_rate_per_s = read_rate(*value, section.path("arrival_rate"), Lowest::above_zero);
    draft.arrival_rate = origin_of(*value, section.path("arrival_rate"));
  }
  if (const Node* value = section.get("users")) {
    clients.users = read_integer(*value, section.path("users"), 1, std::numeric_limits<std::int64_t>::max());
    draft.users = origin_of(*value, section.path("users"));
  }
  if (const Node* value = section.get("start")) {
    clients.start = read_choice(*value, section.path("start"), kStartStateNames);
    draft.start_state = origin_of(*value, section.path("start"));
  }
  if (const Node* value = section.get("relogin_after")) {
    clients.relogin_after_s = read_distribution(*value, section.path("relogin_after"));
    draft.relogin_after = origin_of(*value, section.path("relogin_after"));
  }
  if (const Node* value = section.get("ramp_up")) {
    clients.ramp_up_s = read_duration(*value, section.path("ramp_up"), Lowest::zero);
    draft.ramp_up = origin_of(*value, section.path("ramp_up"));
  }
  if (const Node* value = section.get("session_duration"))
    clients.session_duration_s = read_distribution(*value, section.path("session_duration"));
  if (const Node* value = section.get("think_time")) {
    clients.think_time_s = read_distribution(*value, section.path("think_time"));
    draft.think_time = origin_of(*value, section.path("think_time"));
  }
  if (const Node* value = section.get("ip_pool"))
    clients.ip_pool =
        read_integer(*value, section.path("ip_pool"), 0, std::numeric_limits<std::int64_t>::max());
  if (const Node* value = section.get("request_bytes"))
    clients.request_bytes = read_size(*value, section.path("request_bytes"));
  if (const Node* value = section.get("response_bytes"))
    clients.response_bytes = read_size(*value, section.path("response_bytes"));
  if (const Node* value = section.get("timeout"))
    clients.timeout_s = read_duration(*value, section.path("timeout"), Lowest::above_zero);
  if (const Node* value = section.get("retries"))
    clients.retries = read_int(*value, section.path("retries"), 0);
  if (const Node* value = section.get("retry_backoff"))
    clients.retry_backoff_s = read_duration(*value, section.path("retry_backoff"), Lowest::zero);
  if (const Node* value = section.get("on_forced_logout"))
    clients.on_forced_logout = read_choice(*value, section.path("on_forced_logout"), kOnForcedLogoutNames);
  if (const Node* value = section.get("requests"))
    clients.requests = read_request_kinds(*value, section.path("requests"), context);
}

void apply_load_balancer(const Node& node, const std::string& path, DesignDraft& draft,
                         const LoadContext& context) {
  const Section section(node, path, {"policy", "health_check", "virtual_nodes"});
  LoadBalancerSpec& balancer = draft.design.load_balancer;
  if (const Node* value = section.get("policy"))
    balancer.policy = read_choice(*value, section.path("policy"), kLbPolicyNames);
  if (const Node* value = section.get("health_check")) {
    const Section health(*value, section.path("health_check"),
                         {"interval", "unhealthy_after", "healthy_after"});
    HealthCheckSpec& check = balancer.health_check;
    if (const Node* item = health.get("interval"))
      check.interval_s = read_duration(*item, health.path("interval"), Lowest::above_zero);
    if (const Node* item = health.get("unhealthy_after"))
      check.unhealthy_after = read_int(*item, health.path("unhealthy_after"), 1);
    if (const Node* item = health.get("healthy_after"))
      check.healthy_after = read_int(*item, health.path("healthy_after"), 1);
  }
  if (const Node* value = section.get("virtual_nodes"))
    balancer.virtual_nodes =
        read_int(*value, section.path("virtual_nodes"), 1, context.limits.max_virtual_nodes);
}

void apply_servers(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext&) {
  const Section section(node, path,
                        {"count", "max", "cores", "speed", "workers", "queue_limit", "startup_time"});
  ServerSpec& servers = draft.design.servers;
  if (const Node* value = section.get("count")) {
    servers.count = read_int(*value, section.path("count"), 1);
    draft.servers_count = origin_of(*value, section.path("count"));
  }
  if (const Node* value = section.get("max")) {
    servers.max = read_int(*value, section.path("max"), 1);
    draft.servers_max = origin_of(*value, section.path("max"));
  }
  if (const Node* value = section.get("cores")) servers.cores = read_int(*value, section.path("cores"), 1);
  if (const Node* value = section.get("speed"))
    servers.speed = read_positive_number(*value, section.path("speed"), kLowestServerSpeed, kHighestServerSpeed,
                                         "a speed multiplies the built-in 1e9 flops per second; SimGrid cannot "
                                         "simulate hosts far beyond");
  if (const Node* value = section.get("workers")) {
    servers.workers = read_int(*value, section.path("workers"), 1);
    draft.servers_workers = origin_of(*value, section.path("workers"));
  }
  if (const Node* value = section.get("queue_limit"))
    servers.queue_limit =
        read_integer(*value, section.path("queue_limit"), 0, std::numeric_limits<std::int64_t>::max());
  if (const Node* value = section.get("startup_time"))
    servers.startup_time_s = read_duration(*value, section.path("startup_time"), Lowest::zero);
}

void apply_sessions(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext&) {
  const Section section(node, path, {"store", "ttl", "login_cpu", "redis", "database", "jwt"});
  SessionSpec& sessions = draft.design.sessions;
  if (const Node* value = section.get("store"))
    sessions.store = read_choice(*value, section.path("store"), kStoreKindNames);
  if (const Node* value = section.get("ttl"))
    sessions.ttl_s = read_duration(*value, section.path("ttl"), Lowest::above_zero);
  if (const Node* value = section.get("login_cpu"))
    sessions.login_cpu_s = read_duration(*value, section.path("login_cpu"), Lowest::zero);
  if (const Node* value = section.get("redis")) {
    const Section redis(*value, section.path("redis"),
                        {"op_time", "persistence", "snapshot_interval", "replica", "failover_time"});
    RedisSpec& spec = sessions.redis;
    if (const Node* item = redis.get("op_time"))
      spec.op_time_s = read_duration(*item, redis.path("op_time"), Lowest::zero);
    if (const Node* item = redis.get("persistence"))
      spec.persistence = read_choice(*item, redis.path("persistence"), kPersistenceNames);
    if (const Node* item = redis.get("snapshot_interval"))
      spec.snapshot_interval_s = read_duration(*item, redis.path("snapshot_interval"), Lowest::above_zero);
    if (const Node* item = redis.get("replica")) spec.replica = read_bool(*item, redis.path("replica"));
    if (const Node* item = redis.get("failover_time"))
      spec.failover_time_s = read_duration(*item, redis.path("failover_time"), Lowest::zero);
  }
  if (const Node* value = section.get("database")) {
    const Section database(*value, section.path("database"), {"query_time", "connections"});
    if (const Node* item = database.get("query_time"))
      sessions.database.query_time_s = read_distribution(*item, database.path("query_time"));
    if (const Node* item = database.get("connections"))
      sessions.database.connections = read_int(*item, database.path("connections"), 1);
  }
  if (const Node* value = section.get("jwt")) {
    const Section jwt(*value, section.path("jwt"), {"verify_cpu", "token_bytes", "expiry", "denylist"});
    JwtSpec& spec = sessions.jwt;
    if (const Node* item = jwt.get("verify_cpu"))
      spec.verify_cpu_s = read_duration(*item, jwt.path("verify_cpu"), Lowest::zero);
    if (const Node* item = jwt.get("token_bytes"))
      spec.token_bytes = read_size(*item, jwt.path("token_bytes"));
    if (const Node* item = jwt.get("expiry"))
      spec.expiry_s = read_duration(*item, jwt.path("expiry"), Lowest::above_zero);
    if (const Node* item = jwt.get("denylist")) spec.denylist = read_bool(*item, jwt.path("denylist"));
  }
}

void apply_autoscale(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext&) {
  const Section section(node, path,
                        {"metric", "target", "min", "max", "interval", "cooldown", "scale_in_drain"});
  AutoscaleSpec& autoscale = draft.design.autoscale;
  autoscale.enabled = true;
  if (const Node* value = section.get("metric"))
    read_choice(*value, section.path("metric"), kAutoscaleMetrics);
  if (const Node* value = section.get("target"))
    autoscale.target = read_fraction(*value, section.path("target"), Lowest::above_zero);
  if (const Node* value = section.get("min")) {
    autoscale.min = read_int(*value, section.path("min"), 1);
    draft.autoscale_min = origin_of(*value, section.path("min"));
  }
  if (const Node* value = section.get("max")) {
    autoscale.max = read_int(*value, section.path("max"), 1);
    draft.autoscale_max = origin_of(*value, section.path("max"));
  }
  if (const Node* value = section.get("interval"))
    autoscale.interval_s = read_duration(*value, section.path("interval"), Lowest::above_zero);
  if (const Node* value = section.get("cooldown"))
    autoscale.cooldown_s = read_duration(*value, section.path("cooldown"), Lowest::zero);
  if (const Node* value = section.get("scale_in_drain"))
    autoscale.scale_in_drain_s = read_duration(*value, section.path("scale_in_drain"), Lowest::zero);
}

EventDraft read_event(const Node& node, const std::string& path, const LoadContext& context) {
  const std::vector<std::string> actions = kEventActionNames.names();
  std::vector<std::string> keys = {"at"};
  keys.insert(keys.end(), actions.begin(), actions.end());
  const Section section(node, path, keys);
  EventDraft draft;
  const Node& at = section.require("at");
  draft.event.at_s = read_duration(at, section.path("at"), Lowest::zero);
  if (draft.event.at_s > context.duration_s)
    fail_expected(
        at, section.path("at"),
        fmt::format("a time between 0s and the duration ({})", format_duration(context.duration_s)));

  const MapEntry* action = nullptr;
  for (const auto& entry : node.entries) {
    if (entry.key.text == "at") continue;
    if (action != nullptr)
      fail(entry.key.position, section.path(entry.key.text),
           fmt::format("an event has exactly one action, this one already has {}", action->key.text));
    action = &entry;
  }
  if (action == nullptr)
    fail(node.position, path, fmt::format("an event needs one action: {}", join_names(actions)));

  const Node& value = action->value;
  // The Section above admits only "at" and the action names.
  draft.action = *kEventActionNames.parse(action->key.text);
  const std::string action_path = section.path(action->key.text);
  draft.action_origin = origin_of(value, action_path);
  switch (draft.action) {
    case EventActionKind::crash:
    case EventActionKind::restart:
      draft.target = require_scalar(value, action_path, "a server name (app-1, app-2, ...) or store").text;
      // The target is resolved once servers.max of the design is known.
      break;
    case EventActionKind::deploy: {
      const Section deploy(value, action_path, {"batch", "drain"});
      DeployEvent event;
      if (const Node* item = deploy.get("batch")) event.batch = read_int(*item, deploy.path("batch"), 1);
      if (const Node* item = deploy.get("drain"))
        event.drain_s = read_duration(*item, deploy.path("drain"), Lowest::zero);
      draft.event.action = event;
      break;
    }
    case EventActionKind::scale: {
      const Section scale(value, action_path, {"to", "drain"});
      ScaleEvent event;
      const Node& to = scale.require("to");
      event.to = read_int(to, scale.path("to"), 1);
      draft.scale_to = origin_of(to, scale.path("to"));
      if (const Node* item = scale.get("drain"))
        event.drain_s = read_duration(*item, scale.path("drain"), Lowest::zero);
      draft.event.action = event;
      break;
    }
    case EventActionKind::revoke:
      draft.event.action = RevokeEvent{read_fraction(value, action_path, Lowest::zero)};
      break;
    case EventActionKind::traffic: {
      const Section traffic(value, action_path, {"arrival_rate", "users", "think_time"});
      if (value.entries.empty())
        fail_expected(value, action_path, "a map with at least one of arrival_rate, users, think_time");
      TrafficEvent event;
      if (const Node* item = traffic.get("arrival_rate")) {
        event.arrival_rate_per_s = read_rate(*item, traffic.path("arrival_rate"), Lowest::zero);
        draft.traffic_arrival_rate = origin_of(*item, traffic.path("arrival_rate"));
      }
      if (const Node* item = traffic.get("users")) {
        event.users = read_integer(*item, traffic.path("users"), 0, std::numeric_limits<std::int64_t>::max());
        draft.traffic_users = origin_of(*item, traffic.path("users"));
      }
      if (const Node* item = traffic.get("think_time"))
        event.think_time_s = read_distribution(*item, traffic.path("think_time"));
      draft.event.action = event;
      break;
    }
  }
  return draft;
}

void apply_events(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext& context) {
  if (node.kind != Node::Kind::sequence)
    fail_expected(node, path, "a list of events, each a map such as {at: 5m, crash: app-2}");
  if (node.items.size() > context.limits.max_events)
    fail(node.position, path,
         fmt::format("{} events is above the limit of {}", node.items.size(), context.limits.max_events));
  draft.events.clear();
  for (std::size_t i = 0; i < node.items.size(); ++i)
    draft.events.push_back(read_event(node.items[i], item_path(path, i), context));
}

using SectionReader = void (*)(const Node&, const std::string&, DesignDraft&, const LoadContext&);

// The sections a design may override, in the order they are read.
const std::vector<std::pair<std::string, SectionReader>> kDesignSections = {
    {"platform", apply_platform},           {"network", apply_network}, {"clients", apply_clients},
    {"load_balancer", apply_load_balancer}, {"servers", apply_servers}, {"sessions", apply_sessions},
    {"autoscale", apply_autoscale},         {"events", apply_events}};

void apply_design_sections(const Section& section, DesignDraft& draft, const LoadContext& context) {
  for (const auto& [key, apply] : kDesignSections)
    if (const Node* value = section.get(key)) apply(*value, section.path(key), draft, context);
}

// ---------------------------------------------------------------------------------------------
// Checks across sections, once per design after merging.

class DesignChecker {
 public:
  DesignChecker(DesignDraft& draft, bool explicit_designs, const LoadContext& context)
      : draft_(draft), design_(draft.design), explicit_designs_(explicit_designs), context_(context) {}

  Design finish() {
    check_servers();
    check_workload();
    check_autoscale();
    check_events();
    check_platform_hash();
    check_zero_time_loop();
    return std::move(design_);
  }

 private:
  DesignDraft& draft_;
  Design& design_;
  bool explicit_designs_;
  const LoadContext& context_;

  // A key written in the base file may be wrong only for one design: say which.
  [[noreturn]] void fail_at(const Origin& origin, const std::string& message) const {
    const bool in_this_design = origin.path.rfind("designs[", 0) == 0;
    if (explicit_designs_ && !in_this_design)
      fail(origin.position, origin.path,
           fmt::format("{} (in design {})", message, quote_value(design_.name)));
    fail(origin.position, origin.path, message);
  }

  const Origin& origin_or_start(const std::optional<Origin>& origin) const {
    return origin ? *origin : draft_.start;
  }

  void check_servers() {
    ServerSpec& servers = design_.servers;
    if (!draft_.servers_max) {
      servers.max = servers.count;
    } else if (servers.max < servers.count) {
      fail_at(*draft_.servers_max, fmt::format("expected a whole number >= servers.count ({}), got {}",
                                               servers.count, servers.max));
    }
    if (servers.max > context_.limits.max_servers)
      fail_at(origin_or_start(draft_.servers_max ? draft_.servers_max : draft_.servers_count),
              fmt::format("{} servers is above the limit of {}", servers.max, context_.limits.max_servers));
    if (!draft_.servers_workers) servers.workers = servers.cores;
  }

  void check_workload() {
    ClientSpec& clients = design_.clients;
    if (draft_.users && draft_.arrival_rate)
      fail_at(*draft_.users, fmt::format("cannot be combined with clients.arrival_rate (line {}): give "
                                         "arrival_rate for an open workload or users for a closed one",
                                         draft_.arrival_rate->position.line));
    clients.workload = draft_.users ? Workload::closed : Workload::open;
    if (clients.workload == Workload::open) {
      for (const auto* closed_only : {&draft_.relogin_after, &draft_.ramp_up})
        if (*closed_only)
          fail_at(**closed_only,
                  "applies only to a closed workload (clients.users), this design has an open "
                  "one (clients.arrival_rate)");
      check_open_sessions(clients.arrival_rate_per_s, origin_or_start(draft_.arrival_rate));
    } else {
      check_users(clients.users, *draft_.users);
    }
    if (clients.start == StartState::steady_state && clients.ramp_up_s > 0 && draft_.ramp_up)
      fail_at(*draft_.ramp_up,
              fmt::format("a run that starts in steady state (clients.start, line {}) has no ramp-up: remove "
                          "one of them",
                          draft_.start_state ? draft_.start_state->position.line : draft_.ramp_up->position.line));
  }

  void check_open_sessions(double rate, const Origin& origin) const {
    const double sessions = rate * context_.duration_s;
    if (sessions > context_.limits.max_open_sessions)
      fail_at(origin,
              fmt::format("{} over {} is {:.0f} sessions, above the limit of {:.0f}", format_rate(rate),
                          format_duration(context_.duration_s), sessions, context_.limits.max_open_sessions));
  }

  void check_users(std::int64_t users, const Origin& origin) const {
    if (users > context_.limits.max_users)
      fail_at(origin, fmt::format("{} users is above the limit of {}", users, context_.limits.max_users));
  }

  void check_autoscale() {
    AutoscaleSpec& autoscale = design_.autoscale;
    if (!autoscale.enabled) return;
    const int pool = design_.servers.max;
    // Unwritten bounds follow the pool, so a bare `autoscale: {}` fits a small one.
    if (!draft_.autoscale_max) {
      autoscale.max = std::min(autoscale.max, pool);
    } else if (autoscale.max > pool) {
      fail_at(
          *draft_.autoscale_max,
          fmt::format("expected at most servers.max ({}), got {}: the autoscaler starts hosts of the pool, "
                      "raise servers.max",
                      pool, autoscale.max));
    }
    if (!draft_.autoscale_min) {
      autoscale.min = std::min(autoscale.min, autoscale.max);
    } else if (autoscale.min > autoscale.max) {
      fail_at(*draft_.autoscale_min,
              fmt::format("expected at most autoscale.max ({}), got {}", autoscale.max, autoscale.min));
    }
  }

  // On the built-in platform a loop that takes no simulated time is known now; a platform
  // file's routes are known once SimGrid has loaded it (cli/preflight.cpp).
  void check_zero_time_loop() const {
    if (!design_.platform_file.empty()) return;
    const std::optional<ZeroTimeLoop> loop = zero_time_loop(design_, builtin_platform_cost(design_));
    if (!loop) return;
    switch (loop->cause) {
      case ZeroTimeLoop::Cause::think_time:
        fail_at(origin_or_start(draft_.think_time), loop->message);
      case ZeroTimeLoop::Cause::traffic_think_time:
        fail_at(draft_.events.at(loop->event).action_origin, loop->message);
      case ZeroTimeLoop::Cause::relogin_after:
        fail_at(origin_or_start(draft_.relogin_after), loop->message);
    }
  }

  // A resolved scenario records its platform file's hash: a file edited since then runs, but
  // the run does not reproduce the one the scenario came from.
  void check_platform_hash() const {
    if (!draft_.recorded_sha256 || draft_.recorded_sha256->sha256 == design_.platform_sha256) return;
    const RecordedHash& recorded = *draft_.recorded_sha256;
    const std::string warning = fmt::format(
        "{}:{}:{}: {}: {} has changed since this scenario was written (sha256 {}, now {}): the run will not "
        "reproduce the one it records",
        context_.display_name, recorded.origin.position.line, recorded.origin.position.column, recorded.origin.path,
        design_.platform_file, recorded.sha256.substr(0, 12), design_.platform_sha256.substr(0, 12));
    add_warning(warning);
  }

  // "app-3" -> 2, "store" -> StoreTarget, or an error naming the valid range.
  EventTarget resolve_target(const EventDraft& event) const {
    if (event.target == "store") return StoreTarget{};
    const int pool = design_.servers.max;
    const std::string& name = event.target;
    constexpr std::string_view kPrefix = "app-";
    if (name.rfind(kPrefix, 0) == 0 && name.size() > kPrefix.size() && name[kPrefix.size()] != '0' &&
        name.size() - kPrefix.size() <= 6 &&
        std::all_of(name.begin() + kPrefix.size(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      const int number = std::stoi(name.substr(kPrefix.size()));
      if (number <= pool) return number - 1;
    }
    fail_at(event.action_origin,
            fmt::format("expected a server app-1 .. app-{} (servers.max is {}) or store, got {}", pool, pool,
                        quote_value(name)));
  }

  // A crash of a server that was never started does nothing, and a restart of a server that
  // left the pool powers a host the balancer never sends anything to again: both are refused
  // when certain, and a restart is flagged when a drain or the autoscaler makes it uncertain.
  void check_in_pool(const EventDraft& event, const PoolTimeline& pool, int index) const {
    const std::string when = format_duration(event.event.at_s);
    if (pool.never_started(index))
      fail_at(event.action_origin,
              fmt::format("{} is not running at {}: no event starts it before then (servers.count is {}); a crash "
                          "of a stopped server does nothing",
                          event.target, when, design_.servers.count));
    if (event.action != EventActionKind::restart) return;
    const PoolTimeline::Membership membership = pool.membership(index);
    if (membership == PoolTimeline::Membership::out)
      fail_at(event.action_origin,
              fmt::format("{} has left the pool by {} (a scale event drained it): a restart would power the host "
                          "but the balancer would never use it again; scale out to bring servers back",
                          event.target, when));
    if (membership == PoolTimeline::Membership::unknown) {
      const std::string warning = fmt::format(
          "{}:{}:{}: {}: {} may have left the pool by {} ({}); if it has, the crash before this restart did "
          "nothing and the restart powers the host without returning it to the rotation",
          context_.display_name, event.action_origin.position.line, event.action_origin.position.column,
          event.action_origin.path, event.target, when,
          design_.autoscale.enabled ? "the autoscaler decides" : "a drain may have ended early");
      add_warning(warning);
    }
  }

  void add_warning(const std::string& warning) const {
    auto& warnings = *context_.warnings;
    if (std::find(warnings.begin(), warnings.end(), warning) == warnings.end()) warnings.push_back(warning);
  }

  void check_events() {
    std::stable_sort(draft_.events.begin(), draft_.events.end(),
                     [](const EventDraft& a, const EventDraft& b) { return a.event.at_s < b.event.at_s; });
    // When each server (and, last, the store) went down; nullopt while it is up.
    std::vector<std::optional<double>> down_since(design_.servers.max + 1);
    const std::size_t store_index = down_since.size() - 1;
    design_.events.clear();
    PoolTimeline pool(design_.servers.count, design_.servers.max, design_.autoscale.enabled, design_.autoscale.min);
    for (EventDraft& event : draft_.events) {
      const double at = event.event.at_s;
      const EventActionKind kind = event.action;
      if (kind == EventActionKind::crash || kind == EventActionKind::restart) {
        const EventTarget target = resolve_target(event);
        const std::size_t index = std::holds_alternative<int>(target) ? std::get<int>(target) : store_index;
        if (index != store_index) check_in_pool(event, pool, static_cast<int>(index));
        if (kind == EventActionKind::crash) {
          if (down_since[index])
            fail_at(
                event.action_origin,
                fmt::format("{} is already down at {} (crashed at {}): restart it before crashing it again",
                            event.target, format_duration(at), format_duration(*down_since[index])));
          down_since[index] = at;
          event.event.action = CrashEvent{target};
        } else {
          if (!down_since[index])
            fail_at(event.action_origin, fmt::format("{} is not down at {}: a restart needs an earlier crash",
                                                     event.target, format_duration(at)));
          down_since[index].reset();
          event.event.action = RestartEvent{target};
        }
      } else if (kind == EventActionKind::scale) {
        const int to = std::get<ScaleEvent>(event.event.action).to;
        if (to > design_.servers.max)
          fail_at(*event.scale_to,
                  fmt::format("expected at most servers.max ({}), got {}", design_.servers.max, to));
        if (design_.autoscale.enabled && to < design_.autoscale.min)
          fail_at(*event.scale_to,
                  fmt::format("expected at least autoscale.min ({}), got {}", design_.autoscale.min, to));
        pool.scale(at, to, std::get<ScaleEvent>(event.event.action).drain_s);
      } else if (kind == EventActionKind::traffic) {
        const auto& traffic = std::get<TrafficEvent>(event.event.action);
        const bool open = design_.clients.workload == Workload::open;
        if (event.traffic_arrival_rate && !open)
          fail_at(*event.traffic_arrival_rate,
                  "applies only to an open workload (clients.arrival_rate), this design has a closed one "
                  "(clients.users)");
        if (event.traffic_users && open)
          fail_at(*event.traffic_users,
                  "applies only to a closed workload (clients.users), this design has an open one "
                  "(clients.arrival_rate)");
        if (traffic.arrival_rate_per_s)
          check_open_sessions(*traffic.arrival_rate_per_s, *event.traffic_arrival_rate);
        if (traffic.users) check_users(*traffic.users, *event.traffic_users);
      }
      design_.events.push_back(event.event);
    }
  }
};

// ---------------------------------------------------------------------------------------------
// The whole file

const std::vector<std::string> kTopLevelKeys = {
    "version",         "name",         "description", "seed",      "duration", "warmup",
    "report_interval", "replications", "expect",      "platform",  "network",  "clients",
    "load_balancer",   "servers",      "sessions",    "autoscale", "events",   "designs"};

std::string top_level_only_hint(const std::string& key) {
  const bool top_level = std::find(kTopLevelKeys.begin(), kTopLevelKeys.end(), key) != kTopLevelKeys.end();
  return top_level ? "this key is set for the whole scenario, not per design" : "";
}

std::vector<std::string> design_keys() {
  std::vector<std::string> keys = {"name", "description"};
  for (const auto& section : kDesignSections) keys.push_back(section.first);
  return keys;
}

std::string read_description(const Node& node, const std::string& path) {
  if (node.kind == Node::Kind::null) return "";  // `description:` left empty
  std::string text = read_text(node, path);
  // A folded block (`description: >`) ends with a newline the report does not want.
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

void read_scenario_settings(const Section& top, Scenario& scenario, LoadContext& context) {
  const Node& version = top.require("version");
  if (read_int(version, "version", 0) != 1)
    fail_expected(version, "version", "1 (the only version of this format)");
  scenario.version = 1;
  scenario.name = read_name(top.require("name"), "name");
  if (const Node* value = top.get("description"))
    scenario.description = read_description(*value, "description");
  if (const Node* value = top.get("seed")) scenario.seed = read_seed(*value, "seed");

  const Node& duration = top.require("duration");
  scenario.duration_s = read_duration(duration, "duration", Lowest::above_zero);
  if (scenario.duration_s > context.limits.max_duration_s)
    fail(duration.position, "duration",
         fmt::format("{} ({}s) is above the limit of {}s", duration.text, scenario.duration_s,
                     context.limits.max_duration_s));
  context.duration_s = scenario.duration_s;

  if (const Node* value = top.get("warmup")) {
    scenario.warmup_s = read_duration(*value, "warmup", Lowest::zero);
    if (scenario.warmup_s >= scenario.duration_s)
      fail_expected(*value, "warmup",
                    fmt::format("a duration shorter than the duration ({})", duration.text));
  }
  if (const Node* value = top.get("report_interval")) {
    scenario.report_interval_s = read_duration(*value, "report_interval", Lowest::above_zero);
    const double buckets = scenario.duration_s / scenario.report_interval_s;
    if (buckets > context.limits.max_buckets)
      fail(value->position, "report_interval",
           fmt::format("{} over {} is {:.0f} time-series buckets, above the limit of {:.0f}", value->text,
                       duration.text, buckets, context.limits.max_buckets));
  }
  if (const Node* value = top.get("replications"))
    scenario.replications = read_int(*value, "replications", 1, context.limits.max_replications);
  if (const Node* value = top.get("expect")) {
    if (value->kind != Node::Kind::sequence)
      fail_expected(*value, "expect", fmt::format("a list of {}", kExpectationForm));
    for (std::size_t i = 0; i < value->items.size(); ++i) {
      const Node& item = value->items[i];
      scenario.expect.push_back(
          ExpectLine{read_text(item, item_path("expect", i)), item.position.line, item.position.column});
    }
  }
}

void read_designs(const Section& top, Scenario& scenario, const LoadContext& context) {
  DesignDraft base;
  base.start = origin_of(top.node(), "");
  base.design.clients.requests = {
      RequestKind{"page", 1, Distribution{Distribution::Kind::exponential, 0.005, 0}, false}};
  apply_design_sections(top, base, context);

  const Node* designs = top.get("designs");
  if (designs == nullptr) {
    DesignDraft draft = base;
    draft.design.name = scenario.name;
    draft.design.description = scenario.description;
    scenario.designs.push_back(DesignChecker(draft, false, context).finish());
    return;
  }
  constexpr std::string_view kExpected =
      "a list of designs, each a map such as {name: shared-redis, sessions: {store: redis}}";
  if (designs->kind != Node::Kind::sequence) fail_expected(*designs, "designs", kExpected);
  if (designs->items.empty()) fail_expected(*designs, "designs", kExpected, "at least one design is needed");
  const std::vector<std::string> keys = design_keys();
  // Each design holds its own copy of the base file's events: bound the total before copying.
  const std::size_t copied_events = designs->items.size() * base.events.size();
  if (copied_events > context.limits.max_design_events)
    fail(designs->position, "designs",
         fmt::format("{} designs x {} events of the base file is {} events to hold, above the limit of {}",
                     designs->items.size(), base.events.size(), copied_events, context.limits.max_design_events));
  std::size_t events_held = 0;
  for (std::size_t i = 0; i < designs->items.size(); ++i) {
    const Section section(designs->items[i], item_path("designs", i), keys, top_level_only_hint);
    DesignDraft draft = base;
    draft.start = origin_of(section.node(), section.path());
    const Node& name = section.require("name");
    draft.design.name = read_name(name, section.path("name"));
    for (std::size_t earlier = 0; earlier < scenario.designs.size(); ++earlier)
      if (scenario.designs[earlier].name == draft.design.name)
        fail(name.position, section.path("name"),
             fmt::format("duplicate design name {} (already used by designs[{}])",
                         quote_value(draft.design.name), earlier));
    if (const Node* value = section.get("description"))
      draft.design.description = read_description(*value, section.path("description"));
    apply_design_sections(section, draft, context);
    events_held += draft.events.size();
    if (events_held > context.limits.max_design_events)
      fail(section.node().position, section.path(),
           fmt::format("the designs so far hold {} events, above the limit of {}", events_held,
                       context.limits.max_design_events));
    scenario.designs.push_back(DesignChecker(draft, true, context).finish());
  }
}

void check_expectations(const Section& top, const Scenario& scenario) {
  const Node* expect = top.get("expect");
  if (expect == nullptr) return;
  std::vector<std::string> design_names;
  for (const auto& design : scenario.designs) design_names.push_back(design.name);
  for (std::size_t i = 0; i < expect->items.size(); ++i) {
    std::string problem;
    if (!read_expectation(scenario.expect[i].text, design_names, problem))
      fail_expected(expect->items[i], item_path("expect", i), kExpectationForm, problem);
  }
}

Scenario build_scenario(const Node& root, const std::string& display_name,
                        const LoadContext& initial_context) {
  const Section top(root, "", kTopLevelKeys);
  Scenario scenario;
  scenario.source_path = display_name;
  LoadContext context = initial_context;
  context.display_name = display_name;
  context.warnings = &scenario.warnings;
  read_scenario_settings(top, scenario, context);
  read_designs(top, scenario, context);
  check_expectations(top, scenario);
  return scenario;
}

ScenarioError positioned_error(const TreeError& error, const std::string& display_name) {
  return ScenarioError(fmt::format("{}:{}:{}: {}{}", display_name, error.position.line, error.position.column,
                                   error.path.empty() ? "" : error.path + ": ", error.what()));
}

}  // namespace

Scenario load_scenario_text(const std::string& text, const std::string& display_name,
                            const std::string& base_dir, const ScenarioLimits& limits) {
  Node root;
  try {
    root = yaml_tree::read_document(text);
  } catch (const TreeError& error) {
    throw positioned_error(error, display_name);
  }
  return load_scenario_tree(root, display_name, base_dir, limits);
}

Scenario load_scenario_tree(const yaml_tree::Node& root, const std::string& display_name,
                            const std::string& base_dir, const ScenarioLimits& limits) {
  LoadContext context;
  context.base_dir = base_dir.empty() ? "." : base_dir;
  context.limits = limits;
  try {
    return build_scenario(root, display_name, context);
  } catch (const TreeError& error) {
    throw positioned_error(error, display_name);
  }
}

Scenario load_scenario_file(const std::string& path, const ScenarioLimits& limits) {
  constexpr std::size_t kMaxFileBytes = 64 << 20;
  std::string text;
  try {
    text = read_input_file(path, kMaxFileBytes);
  } catch (const InputFileError& error) {
    const std::string reason = error.what();
    throw ScenarioError(fmt::format("{}: cannot read: {}{}", path, reason,
                                    reason.rfind("larger than", 0) == 0 ? ", not a scenario file" : ""));
  }
  const std::string base_dir = fs::path(path).parent_path().string();
  return load_scenario_text(text, path, base_dir, limits);
}

}  // namespace statesim
