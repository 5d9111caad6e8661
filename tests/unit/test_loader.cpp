// The scenario loader: defaults, every kind of refusal with its position and key path, the
// design merge, event checks, expectations and the resolved-YAML round trip.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <variant>

#include "loader_helpers.hpp"
#include "model/summary_fields.hpp"
#include "scenario/loader.hpp"
#include "scenario/units.hpp"

using namespace statesim;
using namespace statesim::test;

namespace {

const std::string kRichScenario = R"(version: 1
name: rich-scenario
description: >
  Several designs, "quotes", a backslash \ and
  a folded line.
seed: 18446744073709551615
duration: 1h
warmup: 90s
report_interval: 250ms
replications: 3
expect:
  - "memory.sessions_lost > 0"
  - closed-jwt.revoked_accepted >= 0.5
network:
  client_latency: 20ms
  internal_latency: 250us
  bandwidth: 100Mbps
clients:
  arrival_rate: 12.5/s
  session_duration: lognormal(10m, 3m)
  think_time: uniform(1s, 9s)
  ip_pool: 16
  request_bytes: 1.5KiB
  response_bytes: 2MB
  timeout: 2s
  retries: 2
  retry_backoff: 150ms
  on_forced_logout: leave
  requests:
    - name: page
      weight: 9
      cpu: exp(5ms)
    - name: check_out
      weight: 0.5
      cpu: normal(20ms, 5ms)
      writes_session: true
load_balancer:
  policy: consistent_hash
  health_check: {interval: 2s, unhealthy_after: 3, healthy_after: 1}
  virtual_nodes: 150
servers:
  count: 4
  max: 8
  cores: 4
  speed: 1.5
  queue_limit: 0
  startup_time: 45s
sessions:
  store: redis
  ttl: 20m
  login_cpu: 3ms
  redis: {op_time: 200us, persistence: snapshot, snapshot_interval: 1m, replica: true, failover_time: 5s}
  database: {query_time: 40ms, connections: 5}
  jwt: {verify_cpu: 80us, token_bytes: 1KB, expiry: 30m, denylist: true}
autoscale:
  target: 70%
  min: 3
  max: 8
  interval: 20s
  cooldown: 1m
  scale_in_drain: 10s
events:
  - at: 50m
    traffic: {arrival_rate: 30/s, think_time: exp(2s)}
  - at: 10m
    crash: app-2
  - at: 10m
    restart: app-2
  - at: 20m
    crash: store
  - at: 21m
    restart: store
  - at: 30m
    deploy: {batch: 2, drain: 30s}
  - at: 40m
    scale: {to: 5}
  - at: 45m
    revoke: 12.5%
designs:
  - name: memory
    description: In-memory sessions behind sticky cookies.
    load_balancer: {policy: sticky_cookie}
    sessions: {store: memory}
  - name: redis
    sessions: {redis: {persistence: aof}}
  - name: closed-jwt
    clients: {arrival_rate: null}
    sessions: {store: jwt}
)";

}  // namespace

TEST_CASE("a minimal file gets the defaults of the format") {
  const Scenario scenario = load(kHeader);
  CHECK(scenario.source_path == "test.yaml");
  CHECK(scenario.version == 1);
  CHECK(scenario.name == "test");
  CHECK(scenario.seed == 1);
  CHECK(scenario.duration_s == 900);
  CHECK(scenario.warmup_s == 0);
  CHECK(scenario.report_interval_s == 10);
  CHECK(scenario.replications == 1);
  CHECK(scenario.expect.empty());
  REQUIRE(scenario.designs.size() == 1);
  const Design& design = scenario.designs[0];
  CHECK(design.name == "test");
  CHECK(design.platform_file.empty());
  CHECK(design.network.client_latency_s == 0.020);
  CHECK(design.network.bandwidth_Bps == 125e6);
  CHECK(design.clients.workload == Workload::open);
  CHECK(design.clients.arrival_rate_per_s == 10);
  CHECK(design.clients.session_duration_s.kind == Distribution::Kind::exponential);
  CHECK(design.clients.session_duration_s.a == 600);
  REQUIRE(design.clients.requests.size() == 1);
  CHECK(design.clients.requests[0].name == "page");
  CHECK(design.clients.requests[0].weight == 1);
  CHECK(design.clients.requests[0].cpu_s.kind == Distribution::Kind::exponential);
  CHECK(design.clients.requests[0].cpu_s.a == 0.005);
  CHECK(design.load_balancer.policy == LbPolicy::round_robin);
  CHECK(design.servers.count == 3);
  CHECK(design.servers.max == 3);
  CHECK(design.servers.workers == 2);
  CHECK(design.sessions.store == StoreKind::memory);
  CHECK(design.sessions.database.query_time_s.kind == Distribution::Kind::normal);
  CHECK_FALSE(design.autoscale.enabled);
  CHECK(design.events.empty());
}

TEST_CASE("workers default to cores and max to count") {
  const Design design = load(kHeader + "servers: {count: 5, cores: 8}\n").designs[0];
  CHECK(design.servers.workers == 8);
  CHECK(design.servers.max == 5);
  const Design explicit_design =
      load(kHeader + "servers: {count: 2, max: 6, cores: 8, workers: 3}\n").designs[0];
  CHECK(explicit_design.servers.workers == 3);
  CHECK(explicit_design.servers.max == 6);
}

TEST_CASE("the message format: file, line, column, key path, expected, got") {
  CHECK(error_of(kHeader + "servers:\n  workers: two\n") ==
        "test.yaml:5:12: servers.workers: expected a whole number >= 1, got \"two\"");
  CHECK(error_of(kHeader + "servers:\n  wokers: 2\n") ==
        "test.yaml:5:3: servers.wokers: unknown key \"wokers\" (did you mean \"workers\"?)");
  CHECK(
      error_of(kHeader + "servers:\n  colour: 2\n") ==
      "test.yaml:5:3: servers.colour: unknown key \"colour\" (valid keys: count, max, cores, speed, workers, "
      "queue_limit, startup_time, drop_expired)");
  CHECK(error_of(kHeader + "nmae: x\n") ==
        "test.yaml:4:1: nmae: unknown key \"nmae\" (did you mean \"name\"?)");
  CHECK(error_of("version: 1\nduration: 1m\n") == "test.yaml:1:1: name: required key missing");
  CHECK(error_of("") ==
        "test.yaml:1:1: the file is empty: a scenario is a map of settings (version: 1, name: ..., "
        "duration: ...)");
  CHECK(error_of("servers: [1, 2\n") == "test.yaml:2:1: invalid YAML: end of sequence flow not found");
}

TEST_CASE("key paths inside lists and designs") {
  CHECK(contains(error_of(kHeader + "clients:\n  requests:\n    - name: a\n    - name: b\n      cpu: 5\n"),
                 "test.yaml:8:12: clients.requests[1].cpu: expected a duration or a distribution"));
  CHECK(contains(
      error_of(kHeader + "events:\n  - at: 1m\n    crash: app-1\n  - at: 2m\n    crash: db\n"),
      "test.yaml:8:12: events[1].crash: expected a server app-1 .. app-3 (servers.max is 3) or store, "
      "got \"db\""));
  CHECK(
      contains(error_of(kHeader + "designs:\n  - name: a\n  - name: b\n    sessions: {store: mongo}\n"),
               "test.yaml:7:23: designs[1].sessions.store: expected one of memory, redis, database, jwt, got "
               "\"mongo\""));
}

TEST_CASE("hostile YAML is refused with a position") {
  CHECK(contains(error_of(kHeader + "network: &n {client_latency: 1ms}\n"), "test.yaml:4:10: anchors"));
  CHECK(contains(error_of(kHeader + "clients: &a [*a, *a]\n"), "anchors (&name) and aliases (*name)"));
  CHECK(contains(error_of(kHeader + "description: *x\n"), "test.yaml:4:14: invalid YAML"));
  CHECK(contains(error_of(kHeader + "servers: {count: 2, count: 3}\n"),
                 "test.yaml:4:21: servers.count: duplicate key (already given at line 4)"));
  CHECK(contains(error_of(kHeader + "name: again\n"), "test.yaml:4:1: name: duplicate key"));
  CHECK(contains(
      error_of(kHeader + "designs:\n  - name: a\n    servers: {cores: 1}\n    servers: {cores: 2}\n"),
      "designs[0].servers: duplicate key"));
  CHECK(contains(error_of(kHeader + "x: " + std::string(9, '[') + std::string(9, ']') + "\n"),
                 "nested deeper than 8 levels"));
  CHECK(contains(error_of(kHeader + "x: " + std::string(600, '[') + std::string(600, ']') + "\n"),
                 "nested deeper than 8 levels"));
  CHECK(contains(error_of(kHeader + "---\nname: other\n"), "test.yaml:4:1: a second YAML document"));
  CHECK(contains(error_of(","), "test.yaml:1:1: expected a map of settings at the top level"));
  CHECK(contains(error_of("- a\n- b\n"), "got a list"));
  CHECK(contains(error_of("just text\n"), "got \"just text\""));
  CHECK(contains(error_of("# only a comment\n"), "test.yaml:1:1: the file is empty"));
  CHECK(contains(error_of(std::string("\x7f"
                                      "ELF\x02\x00\x00",
                                      7)),
                 "test.yaml:1:1: not a text file"));
  CHECK(contains(error_of(kHeader + "description: caf\xe9\n"), "test.yaml:4:17: not a text file: byte 0xe9"));
  CHECK(contains(error_of(kHeader + "servers:\n  count: 3\n\tcores: 2\n"),
                 "test.yaml:6:1: a tab is used for indentation"));
  CHECK(contains(error_of(kHeader + "seed: !!int 5\n"), "YAML tags"));
  CHECK(contains(error_of(kHeader + "? [a]\n: 1\n"), "test.yaml:4:3: expected a key name, got a list"));
  CHECK(load("\xEF\xBB\xBF" + kHeader).name == "test");  // a byte order mark is fine
}

TEST_CASE("scalars: quoting matters for numbers and booleans, not for texts and units") {
  CHECK(load(kHeader + "description: \"quoted\"\n").description == "quoted");
  CHECK(load("version: 1\nname: \"test\"\nduration: '15m'\n").duration_s == 900);
  CHECK(load("version: 1\nname: 123\nduration: 1m\n").name == "123");
  CHECK(contains(error_of(kHeader + "servers: {count: \"3\"}\n"), "got \"3\" (without quotes)"));
  CHECK(contains(error_of(kHeader + "sessions: {redis: {replica: yes}}\n"),
                 "expected true or false, got \"yes\""));
  CHECK(contains(error_of(kHeader + "sessions: {redis: {replica: on}}\n"),
                 "expected true or false, got \"on\""));
  CHECK(contains(error_of(kHeader + "sessions: {redis: {replica: True}}\n"), "expected true or false"));
  CHECK(contains(error_of(kHeader + "sessions: {redis: {replica: 'false'}}\n"), "(without quotes)"));
  CHECK(load(kHeader + "sessions: {redis: {replica: true}}\n").designs[0].sessions.redis.replica);
  CHECK(contains(error_of(kHeader + "servers: {count: 010}\n"), "leading zeros"));
  CHECK(contains(error_of(kHeader + "servers: {count: 0x3}\n"), "expected a whole number >= 1, got \"0x3\""));
  CHECK(contains(error_of(kHeader + "servers: {count: +3}\n"), "expected a whole number >= 1"));
  CHECK(contains(error_of(kHeader + "servers: {count: 3.0}\n"), "expected a whole number >= 1"));
  CHECK(contains(error_of(kHeader + "servers: {count: 1e1}\n"), "expected a whole number >= 1"));
  CHECK(contains(error_of(kHeader + "servers: {count: -1}\n"), "expected a whole number >= 1, got \"-1\""));
  CHECK(contains(error_of(kHeader + "servers: {count: 99999999999}\n"), "(too large)"));
  CHECK(contains(error_of(kHeader + "servers: {speed: .nan}\n"), "finite"));
  CHECK(contains(error_of(kHeader + "servers: {speed: .inf}\n"), "finite"));
  CHECK(contains(error_of(kHeader + "servers: {speed: 0}\n"), "servers.speed: expected a number > 0"));
  CHECK(contains(error_of(kHeader + "servers: {speed: 1e-400}\n"), "too small"));
  CHECK(contains(error_of(kHeader + "servers: 3\n"), "servers: expected a map (keys: count,"));
  CHECK(contains(error_of(kHeader + "servers:\n  count: {a: 1}\n"),
                 "servers.count: expected a whole number >= 1, got a map"));
  CHECK(
      contains(error_of(kHeader + "seed:\n"), "test.yaml:4:1: seed: expected a whole number between 0 and"));
  CHECK(contains(error_of(kHeader + "seed: -1\n"), "seed: expected a whole number between 0 and"));
  CHECK(load(kHeader + "seed: 18446744073709551615\n").seed == 18446744073709551615ULL);
  CHECK(contains(error_of(kHeader + "seed: 18446744073709551616\n"), "(too large)"));
}

TEST_CASE("scenario settings are checked") {
  CHECK(contains(error_of("version: 2\nname: a\nduration: 1m\n"), "test.yaml:1:10: version: expected 1"));
  CHECK(
      contains(error_of("version: 1\nname: Big Name\nduration: 1m\n"), "name: expected a name of lowercase"));
  CHECK(contains(error_of("version: 1\nname: a_b\nduration: 1m\n"), "name: expected a name of lowercase"));
  CHECK(contains(error_of("version: 1\nname: a\nduration: 0s\n"),
                 "duration: expected a duration > 0, got \"0s\""));
  CHECK(contains(error_of("version: 1\nname: a\nduration: 15\n"), "a unit is required"));
  CHECK(contains(error_of(kHeader + "warmup: 15m\n"),
                 "warmup: expected a duration shorter than the duration (15m)"));
  CHECK(load(kHeader + "warmup: 14m59s\n").warmup_s == 899);
  CHECK(contains(error_of(kHeader + "report_interval: 0s\n"), "report_interval: expected a duration > 0"));
  CHECK(contains(error_of(kHeader + "replications: 0\n"),
                 "replications: expected a whole number between 1 and 10000"));
  CHECK(load(kHeader + "description: >\n  folded\n  text\n").description == "folded text");
}

TEST_CASE("unknown choices are refused with the valid ones") {
  CHECK(
      contains(error_of(kHeader + "load_balancer: {policy: least_connection}\n"),
               "load_balancer.policy: expected one of round_robin, random, least_connections, power_of_two, "
               "ip_hash, consistent_hash, sticky_cookie, got \"least_connection\" (did you mean "
               "\"least_connections\"?)"));
  CHECK(contains(error_of(kHeader + "sessions: {store: mongo}\n"), "sessions.store: expected one of memory"));
  CHECK(contains(error_of(kHeader + "sessions: {redis: {persistence: rdb}}\n"),
                 "expected one of none, aof, snapshot"));
  CHECK(
      contains(error_of(kHeader + "clients: {on_forced_logout: stay}\n"), "expected one of relogin, leave"));
  CHECK(
      contains(error_of(kHeader + "autoscale: {metric: memory}\n"), "autoscale.metric: expected one of cpu"));
}

TEST_CASE("section ranges") {
  CHECK(contains(error_of(kHeader + "servers: {cores: 0}\n"),
                 "servers.cores: expected a whole number >= 1, got \"0\""));
  CHECK(contains(error_of(kHeader + "servers: {count: 0}\n"), "servers.count: expected a whole number >= 1"));
  CHECK(contains(error_of(kHeader + "servers: {queue_limit: -1}\n"),
                 "servers.queue_limit: expected a whole number >= 0"));
  CHECK(load(kHeader + "servers: {queue_limit: 0}\n").designs[0].servers.queue_limit == 0);
  CHECK(contains(error_of(kHeader + "servers: {count: 4, max: 3}\n"),
                 "servers.max: expected a whole number >= servers.count (4), got 3"));
  CHECK(contains(error_of(kHeader + "load_balancer: {health_check: {interval: 0s}}\n"),
                 "expected a duration > 0"));
  CHECK(contains(error_of(kHeader + "load_balancer: {health_check: {healthy_after: 0}}\n"),
                 "load_balancer.health_check.healthy_after: expected a whole number >= 1"));
  CHECK(contains(error_of(kHeader + "load_balancer: {virtual_nodes: 0}\n"), "between 1 and 10000"));
  CHECK(contains(error_of(kHeader + "sessions: {database: {connections: 0}}\n"),
                 "sessions.database.connections"));
  CHECK(contains(error_of(kHeader + "sessions: {ttl: 0s}\n"), "sessions.ttl: expected a duration > 0"));
  CHECK(contains(error_of(kHeader + "network: {bandwidth: 0bps}\n"),
                 "network.bandwidth: expected a bandwidth > 0"));
  CHECK(contains(error_of(kHeader + "clients: {timeout: 0s}\n"), "clients.timeout: expected a duration > 0"));
  CHECK(contains(error_of(kHeader + "clients: {arrival_rate: 0/s}\n"),
                 "clients.arrival_rate: expected a rate > 0"));
  CHECK(contains(error_of(kHeader + "clients: {requests: []}\n"),
                 "got an empty list (at least one kind is needed)"));
  CHECK(contains(error_of(kHeader + "clients: {requests: [{name: a, weight: 0}]}\n"),
                 "weight: expected a number > 0"));
  CHECK(contains(error_of(kHeader + "clients: {requests: [{name: A}]}\n"), "[a-z0-9_-]+"));
  CHECK(contains(error_of(kHeader + "clients: {requests: [{weight: 2}]}\n"),
                 "clients.requests[0].name: required key missing"));
  CHECK(contains(
      error_of(kHeader + "clients: {requests: [{name: a}, {name: a}]}\n"),
      "clients.requests[1].name: duplicate request name \"a\" (already used by clients.requests[0])"));
  const Design design =
      load(kHeader + "sessions: {jwt: {token_bytes: 800}}\nclients: {requests: [{name: api_v2}]}\n")
          .designs[0];
  CHECK(design.sessions.jwt.token_bytes == 800);
  CHECK(design.clients.requests[0].name == "api_v2");
}

TEST_CASE("open and closed workloads") {
  const Design closed =
      load(kHeader + "clients: {users: 500, relogin_after: exp(2m), ramp_up: 1m}\n").designs[0];
  CHECK(closed.clients.workload == Workload::closed);
  CHECK(closed.clients.users == 500);
  CHECK(closed.clients.relogin_after_s.a == 120);
  CHECK(closed.clients.ramp_up_s == 60);
  CHECK(load(kHeader + "clients: {arrival_rate: 2/s}\n").designs[0].clients.workload == Workload::open);
  CHECK(contains(error_of(kHeader + "clients:\n  arrival_rate: 1/s\n  users: 10\n"),
                 "test.yaml:6:10: clients.users: cannot be combined with clients.arrival_rate (line 5)"));
  CHECK(contains(error_of(kHeader + "clients: {relogin_after: 1m}\n"),
                 "clients.relogin_after: applies only to a closed workload"));
  CHECK(contains(error_of(kHeader + "clients: {users: 0}\n"), "clients.users: expected a whole number >= 1"));
}

TEST_CASE("autoscale") {
  const Design design =
      load(kHeader + "servers: {count: 2, max: 6}\nautoscale: {target: 75%, min: 2, max: 6}\n").designs[0];
  CHECK(design.autoscale.enabled);
  CHECK(design.autoscale.target == 0.75);
  CHECK(design.autoscale.max == 6);
  // Unwritten bounds follow the pool.
  const Design small = load(kHeader + "servers: {count: 1}\nautoscale: {}\n").designs[0];
  CHECK(small.autoscale.enabled);
  CHECK(small.autoscale.max == 1);
  CHECK(small.autoscale.min == 1);
  const Design large = load(kHeader + "servers: {count: 2, max: 40}\nautoscale: {}\n").designs[0];
  CHECK(large.autoscale.max == 10);
  CHECK(large.autoscale.min == 2);
  CHECK(contains(error_of(kHeader + "autoscale: {max: 10}\n"),
                 "test.yaml:4:18: autoscale.max: expected at most servers.max (3), got 10"));
  CHECK(contains(error_of(kHeader + "servers: {max: 8}\nautoscale: {min: 5, max: 4}\n"),
                 "autoscale.min: expected at most autoscale.max (4), got 5"));
  CHECK(contains(error_of(kHeader + "autoscale: {target: 0}\n"),
                 "autoscale.target: expected a fraction in (0, 1]"));
  CHECK(contains(error_of(kHeader + "autoscale: {target: 60}\n"), "a percentage needs the % sign: 60%"));
  CHECK(contains(error_of(kHeader + "autoscale: {min: 0}\n"), "autoscale.min: expected a whole number >= 1"));
  CHECK(contains(error_of(kHeader + "autoscale:\n"), "autoscale: expected a map"));
}

TEST_CASE("events are parsed, sorted by time and keep file order at equal times") {
  const Design design = load(kHeader + R"(servers: {count: 3, max: 5}
events:
  - at: 9m
    revoke: 25%
  - at: 5m
    crash: app-2
  - at: 5m
    crash: store
  - at: 5m
    restart: app-2
  - at: 9m30s
    restart: store
  - at: 0s
    deploy: {batch: 2, drain: 30s}
  - at: 15m
    scale: {to: 5}
  - at: 1m
    traffic: {arrival_rate: 30/s, think_time: exp(1s)}
  - at: 2m
    deploy: {}
)")
                            .designs[0];
  REQUIRE(design.events.size() == 9);
  const auto& events = design.events;
  CHECK(events[0].at_s == 0);
  const auto& deploy = std::get<DeployEvent>(events[0].action);
  CHECK(deploy.batch == 2);
  CHECK(deploy.drain_s == 30);
  const auto& traffic = std::get<TrafficEvent>(events[1].action);
  CHECK(traffic.arrival_rate_per_s.value() == 30);
  CHECK_FALSE(traffic.users.has_value());
  CHECK(traffic.think_time_s->a == 1);
  CHECK(std::get<DeployEvent>(events[2].action).batch == 1);
  CHECK(std::get<DeployEvent>(events[2].action).drain_s == 0);
  CHECK(std::get<int>(std::get<CrashEvent>(events[3].action).target) == 1);
  CHECK(std::holds_alternative<StoreTarget>(std::get<CrashEvent>(events[4].action).target));
  CHECK(std::get<int>(std::get<RestartEvent>(events[5].action).target) == 1);
  CHECK(std::get<RevokeEvent>(events[6].action).fraction == 0.25);
  CHECK(events[7].at_s == 570);
  CHECK(std::holds_alternative<StoreTarget>(std::get<RestartEvent>(events[7].action).target));
  CHECK(std::get<ScaleEvent>(events[8].action).to == 5);
  CHECK(std::get<ScaleEvent>(events[8].action).drain_s == 0);
}

TEST_CASE("event checks") {
  const std::string crash_then = kHeader + "events:\n  - at: 1m\n    crash: app-1\n";
  CHECK(error_of(crash_then + "  - at: 3m\n    crash: app-1\n") ==
        "test.yaml:8:12: events[1].crash: app-1 is already down at 3m (crashed at 1m): restart it before "
        "crashing "
        "it again");
  CHECK(error_of(kHeader + "events:\n  - at: 3m\n    restart: app-1\n") ==
        "test.yaml:6:14: events[0].restart: app-1 is not down at 3m: a restart needs an earlier crash");
  // The order that counts is time order, not file order.
  CHECK(
      contains(error_of(kHeader + "events:\n  - at: 5m\n    crash: app-1\n  - at: 2m\n    restart: app-1\n"),
               "events[1].restart: app-1 is not down at 2m"));
  CHECK(error_of(crash_then + "  - at: 1m\n    restart: app-1\n  - at: 1m\n    crash: app-1\n") == "loaded");
  CHECK(error_of(crash_then + "  - at: 2m\n    crash: app-2\n") == "loaded");
  CHECK(contains(error_of(kHeader + "events:\n  - at: 1m\n    restart: store\n"), "store is not down"));
  for (const char* store : {"memory", "redis", "database", "jwt"})
    CHECK(error_of(kHeader + "sessions: {store: " + store + "}\nevents:\n  - at: 1m\n    crash: store\n") ==
          "loaded");
  for (const char* name : {"app-0", "app-4", "app-99", "web-1", "app-01", "app-", "App-1", "app-1x"})
    CHECK(contains(error_of(kHeader + "events:\n  - at: 1m\n    crash: " + name + "\n"),
                   "events[0].crash: expected a server app-1 .. app-3 (servers.max is 3) or store"));
  CHECK(error_of(kHeader + "servers: {max: 4}\nevents:\n  - {at: 30s, scale: {to: 4}}\n  - at: 1m\n    crash: app-4\n") ==
        "loaded");
  CHECK(contains(error_of(kHeader + "events:\n  - at: 16m\n    crash: app-1\n"),
                 "events[0].at: expected a time between 0s and the duration (15m), got \"16m\""));
  CHECK(error_of(kHeader + "events:\n  - at: 15m\n    crash: app-1\n") == "loaded");
  CHECK(contains(error_of(kHeader + "events:\n  - at: -1s\n    crash: app-1\n"), "cannot be negative"));
  CHECK(contains(error_of(kHeader + "events:\n  - crash: app-1\n"), "events[0].at: required key missing"));
  CHECK(contains(error_of(kHeader + "events:\n  - at: 1m\n"), "events[0]: an event needs one action"));
  CHECK(contains(error_of(kHeader + "events:\n  - at: 1m\n    crash: app-1\n    revoke: 1%\n"),
                 "events[0].revoke: an event has exactly one action, this one already has crash"));
  CHECK(contains(error_of(kHeader + "events:\n  - at: 1m\n    crahs: app-1\n"), "did you mean \"crash\"?"));
  CHECK(contains(error_of(kHeader + "events:\n  - at: 1m\n    crash: {server: app-1}\n"),
                 "expected a server name"));
  CHECK(contains(error_of(kHeader + "events:\n  - at: 1m\n    scale: {to: 4}\n"),
                 "events[0].scale.to: expected at most servers.max (3), got 4"));
  CHECK(contains(error_of(kHeader + "events:\n  - at: 1m\n    scale: {drain: 1s}\n"),
                 "events[0].scale.to: required key missing"));
  CHECK(contains(
      error_of(kHeader +
               "servers: {max: 6}\nautoscale: {min: 3, max: 6}\nevents:\n  - at: 1m\n    scale: {to: 2}\n"),
      "events[0].scale.to: expected at least autoscale.min (3), got 2"));
  CHECK(contains(error_of(kHeader + "events:\n  - at: 1m\n    deploy: {batch: 0}\n"),
                 "events[0].deploy.batch"));
  CHECK(contains(error_of(kHeader + "events:\n  - at: 1m\n    revoke: 101%\n"), "more than 100%"));
  CHECK(contains(error_of(kHeader + "events:\n  - at: 1m\n    traffic: {users: 5}\n"),
                 "events[0].traffic.users: applies only to a closed workload"));
  CHECK(contains(
      error_of(kHeader + "clients: {users: 5}\nevents:\n  - at: 1m\n    traffic: {arrival_rate: 1/s}\n"),
      "events[0].traffic.arrival_rate: applies only to an open workload"));
  CHECK(error_of(kHeader + "clients: {users: 5}\nevents:\n  - at: 1m\n    traffic: {users: 0}\n") ==
        "loaded");
  CHECK(contains(error_of(kHeader + "events:\n  - at: 1m\n    traffic: {}\n"), "got an empty map"));
  CHECK(contains(error_of(kHeader + "events: {at: 1m}\n"), "events: expected a list of events"));
}

TEST_CASE("designs merge maps key by key and replace lists and scalars") {
  const Scenario scenario = load(kHeader + R"(description: base text
clients:
  requests:
    - name: page
    - name: checkout
      weight: 2
servers: {count: 2, max: 4, cores: 4}
sessions:
  store: redis
  redis: {persistence: aof, failover_time: 5s}
events:
  - at: 1m
    crash: app-1
designs:
  - name: base-copy
  - name: merged
    description: replica on
    servers: {cores: 8}
    sessions:
      redis: {replica: true}
  - name: replaced
    clients:
      requests:
        - name: api
    events: []
    sessions: {store: jwt}
)");
  REQUIRE(scenario.designs.size() == 3);
  const Design& copy = scenario.designs[0];
  const Design& merged = scenario.designs[1];
  const Design& replaced = scenario.designs[2];
  CHECK(copy.name == "base-copy");
  CHECK(copy.description.empty());
  CHECK(copy.sessions.store == StoreKind::redis);
  CHECK(copy.clients.requests.size() == 2);
  CHECK(copy.events.size() == 1);
  CHECK(copy.servers.workers == 4);

  CHECK(merged.description == "replica on");
  CHECK(merged.sessions.store == StoreKind::redis);
  CHECK(merged.sessions.redis.persistence == Persistence::aof);  // kept from the base map
  CHECK(merged.sessions.redis.failover_time_s == 5);
  CHECK(merged.sessions.redis.replica);  // added by the design
  CHECK(merged.servers.cores == 8);
  CHECK(merged.servers.count == 2);
  CHECK(merged.servers.workers == 8);  // the default follows the merged cores

  REQUIRE(replaced.clients.requests.size() == 1);  // a list replaces the base list
  CHECK(replaced.clients.requests[0].name == "api");
  CHECK(replaced.events.empty());
  CHECK(replaced.sessions.store == StoreKind::jwt);
  CHECK(replaced.sessions.redis.persistence == Persistence::aof);
}

TEST_CASE("designs: names, keys and per-design checks") {
  CHECK(
      contains(error_of(kHeader + "designs:\n  - name: a\n  - name: a\n"),
               "test.yaml:6:11: designs[1].name: duplicate design name \"a\" (already used by designs[0])"));
  CHECK(contains(error_of(kHeader + "designs:\n  - name: A\n"),
                 "designs[0].name: expected a name of lowercase"));
  CHECK(contains(error_of(kHeader + "designs:\n  - sessions: {store: redis}\n"),
                 "designs[0].name: required key missing"));
  CHECK(contains(
      error_of(kHeader + "designs:\n  - name: a\n    seed: 3\n"),
      "designs[0].seed: unknown key \"seed\" (this key is set for the whole scenario, not per design)"));
  CHECK(contains(error_of(kHeader + "designs: []\n"), "designs: expected a list of designs"));
  CHECK(contains(error_of(kHeader + "designs: {name: a}\n"), "designs: expected a list of designs"));
  // A base key that is wrong for one design only points at the base file and names the design.
  CHECK(error_of(kHeader + "events:\n  - at: 1m\n    crash: app-3\ndesigns:\n  - name: big\n  - name: small\n"
                           "    servers: {count: 2}\n") ==
        "test.yaml:6:12: events[0].crash: expected a server app-1 .. app-2 (servers.max is 2) or store, got "
        "\"app-3\" (in design \"small\")");
  CHECK(contains(
      error_of(kHeader +
               "autoscale: {max: 5}\ndesigns:\n  - name: big\n    servers: {max: 5}\n  - name: small\n"),
      "test.yaml:4:18: autoscale.max: expected at most servers.max (3), got 5"));
  CHECK(contains(
      error_of(kHeader +
               "autoscale: {max: 5}\ndesigns:\n  - name: big\n    servers: {max: 5}\n  - name: small\n"),
      "(in design \"small\")"));
  // Both workload keys after merging: refused at the key of the closed workload.
  CHECK(contains(
      error_of(kHeader + "clients: {arrival_rate: 1/s}\ndesigns:\n  - name: a\n    clients: {users: 3}\n"),
      "designs[0].clients.users: cannot be combined with clients.arrival_rate"));
  const Scenario workloads =
      load(kHeader + "designs:\n  - name: open\n  - name: closed\n    clients: {users: 3}\n");
  CHECK(workloads.designs[0].clients.workload == Workload::open);
  CHECK(workloads.designs[1].clients.workload == Workload::closed);
}

TEST_CASE("expectations") {
  const Scenario scenario = load(kHeader + R"(expect:
  - "a.sessions_lost == 0"
  - b.latency_p95_ms<250.5
  - a.cpu_utilization >= -1e-3
designs:
  - name: a
  - name: b
)");
  REQUIRE(scenario.expect.size() == 3);
  const auto expectations = parse_expectations(scenario);
  REQUIRE(expectations.size() == 3);
  CHECK(expectations[0].design == "a");
  CHECK(expectations[0].field == "sessions_lost");
  CHECK(expectations[0].op == "==");
  CHECK(expectations[0].value == 0);
  CHECK(expectations[0].text == "a.sessions_lost == 0");
  CHECK(expectations[1].design == "b");
  CHECK(expectations[1].op == "<");
  CHECK(expectations[1].value == 250.5);
  CHECK(expectations[2].value == -0.001);
  CHECK(expectations[0].holds(0));
  CHECK_FALSE(expectations[0].holds(1));
  CHECK(expectations[1].holds(250));
  CHECK_FALSE(expectations[1].holds(250.5));
  CHECK_FALSE(expectations[1].holds(std::nan("")));

  CHECK(contains(error_of(kHeader + "expect:\n  - test.sessions_lots == 0\n"),
                 "test.yaml:5:5: expect[0]: expected a check \"<design>.<field> <op> <number>\""));
  CHECK(contains(error_of(kHeader + "expect:\n  - test.sessions_lots == 0\n"),
                 "(did you mean \"sessions_lost\"?)"));
  CHECK(contains(error_of(kHeader + "expect:\n  - other.ok > 1\n"),
                 "unknown design \"other\" (designs: test)"));
  CHECK(contains(error_of(kHeader + "expect:\n  - test.ok ~ 1\n"), "one of < <= > >= == != must follow"));
  CHECK(contains(error_of(kHeader + "expect:\n  - test.ok > lots\n"), "is not a finite decimal number"));
  CHECK(contains(error_of(kHeader + "expect:\n  - test.ok > .nan\n"), "is not a finite decimal number"));
  CHECK(contains(error_of(kHeader + "expect: test.ok > 1\n"), "expect: expected a list"));
  CHECK(expectation_fields().size() == summary_field_names().size() - 1);  // all but in_flight
  CHECK(contains(error_of(kHeader + "expect:\n  - test.matches_lots == 0\n"), "(did you mean \"matches_lost\"?)"));
}

TEST_CASE("safety limits name the value and the limit, and can be raised") {
  CHECK(contains(error_of(kHeader + "clients: {users: 10000001}\n"),
                 "clients.users: 10000001 users is above the limit of 10000000"));
  CHECK(contains(error_of(kHeader + "servers: {max: 100001}\n"),
                 "servers.max: 100001 servers is above the limit of 100000"));
  CHECK(contains(error_of("version: 1\nname: a\nduration: 2778h\n"),
                 "duration: 2778h (10000800s) is above the limit"));
  CHECK(
      contains(error_of(kHeader + "report_interval: 100us\n"),
               "report_interval: 100us over 15m is 9000000 time-series buckets, above the limit of 1000000"));
  CHECK(contains(
      error_of(kHeader + "clients: {arrival_rate: 200000/s}\n"),
      "clients.arrival_rate: 200000/s over 15m is 180000000 sessions, above the limit of 100000000"));
  CHECK(contains(error_of(kHeader + "events:\n  - at: 1m\n    traffic: {arrival_rate: 200000/s}\n"),
                 "events[0].traffic.arrival_rate: 200000/s over 15m is 180000000 sessions"));
  CHECK(contains(error_of(kHeader + "replications: 10001\n"),
                 "replications: expected a whole number between 1 and 10000"));
  ScenarioLimits raised;
  raised.max_users = 20'000'000;
  CHECK(error_of(kHeader + "clients: {users: 10000001}\n", raised) == "loaded");
  ScenarioLimits few_events;
  few_events.max_events = 1;
  CHECK(contains(
      error_of(kHeader + "events:\n  - {at: 1m, revoke: 1%}\n  - {at: 2m, revoke: 1%}\n", few_events),
      "events: 2 events is above the limit of 1"));
  ScenarioLimits few_kinds;
  few_kinds.max_request_kinds = 1;
  CHECK(contains(error_of(kHeader + "clients: {requests: [{name: a}, {name: b}]}\n", few_kinds),
                 "clients.requests: 2 request kinds is above the limit of 1"));
}

TEST_CASE("platform.file is relative to the scenario file and must exist") {
  TemporaryDirectory directory;
  const std::string platform = directory.write("platforms/dc.xml", kMinimalPlatform);
  const std::string scenario_file =
      directory.write("scenarios/s.yaml", kHeader + "platform: {file: ../platforms/dc.xml}\n");
  const Scenario scenario = load_scenario_file(scenario_file);
  CHECK(scenario.designs[0].platform_file == std::filesystem::path(platform).lexically_normal().string());
  CHECK(std::filesystem::path(scenario.designs[0].platform_file).is_absolute());

  const std::string missing =
      directory.write("scenarios/m.yaml", kHeader + "platform: {file: nowhere.xml}\n");
  try {
    load_scenario_file(missing);
    FAIL("a missing platform file was accepted");
  } catch (const ScenarioError& error) {
    CHECK(contains(error.what(), missing + ":4:18: platform.file: expected an existing platform file, got "
                                           "\"nowhere.xml\""));
  }
  const std::string directory_platform =
      directory.write("scenarios/d.yaml", kHeader + "platform: {file: ../platforms}\n");
  CHECK_THROWS_WITH_AS(load_scenario_file(directory_platform), doctest::Contains("platforms: it is a directory"),
                       ScenarioError);
}

TEST_CASE("files that cannot be read") {
  TemporaryDirectory directory;
  const std::string missing = (directory.path / "missing.yaml").string();
  CHECK_THROWS_WITH_AS(load_scenario_file(missing),
                       (missing + ": cannot read: No such file or directory").c_str(), ScenarioError);
  CHECK_THROWS_WITH_AS(load_scenario_file(directory.path.string()),
                       (directory.path.string() + ": cannot read: it is a directory").c_str(), ScenarioError);
  const std::string good = directory.write("good.yaml", kHeader);
  CHECK(load_scenario_file(good).source_path == good);
}

TEST_CASE("resolved YAML loads back to the same scenario") {
  TemporaryDirectory directory;
  directory.write("platform.xml", kMinimalPlatform);
  const std::string rich_file = directory.write(
      "rich.yaml", kRichScenario + "  - name: own-platform\n    platform: {file: platform.xml}\n");
  // `arrival_rate: null` is not a rate: the rich file must first be refused for it...
  CHECK_THROWS_WITH_AS(load_scenario_file(rich_file), doctest::Contains("designs[2].clients.arrival_rate"),
                       ScenarioError);
  // ... and, written as a closed workload in its own file, load.
  std::string text = kRichScenario;
  const std::string open_workload = "    clients: {arrival_rate: null}\n";
  text.replace(text.find(open_workload), open_workload.size(), "");
  text.replace(text.find("clients:\n  arrival_rate: 12.5/s\n"),
               std::string("clients:\n  arrival_rate: 12.5/s\n").size(),
               "clients:\n  users: 2000\n  relogin_after: exp(1m)\n  ramp_up: 30s\n");
  text.replace(text.find("traffic: {arrival_rate: 30/s, think_time: exp(2s)}"),
               std::string("traffic: {arrival_rate: 30/s, think_time: exp(2s)}").size(),
               "traffic: {users: 3000, think_time: exp(2s)}");
  text += "  - name: own-platform\n    platform: {file: platform.xml}\n    clients: {think_time: 3.3s}\n";
  const Scenario original = load_scenario_file(directory.write("closed.yaml", text));

  REQUIRE(original.designs.size() == 4);
  CHECK(original.description == "Several designs, \"quotes\", a backslash \\ and a folded line.");
  CHECK(original.seed == 18446744073709551615ULL);
  CHECK(original.designs[0].description == "In-memory sessions behind sticky cookies.");
  CHECK(original.designs[0].clients.workload == Workload::closed);
  CHECK(original.designs[0].events.front().at_s == 600);  // sorted
  CHECK(original.designs[1].sessions.redis.persistence == Persistence::aof);
  CHECK(original.designs[1].sessions.redis.replica);
  CHECK_FALSE(original.designs[3].platform_file.empty());

  const std::string resolved = resolved_yaml(original);
  const Scenario reloaded = load_scenario_text(resolved, "resolved.yaml", "/nonexistent-base");
  CHECK(resolved_yaml(reloaded) == resolved);
  CHECK(reloaded.description == original.description);
  CHECK(reloaded.seed == original.seed);
  CHECK(reloaded.expect == original.expect);
  REQUIRE(reloaded.designs.size() == original.designs.size());
  for (std::size_t i = 0; i < original.designs.size(); ++i) {
    const Design& a = original.designs[i];
    const Design& b = reloaded.designs[i];
    CAPTURE(a.name);
    CHECK(a.name == b.name);
    CHECK(a.description == b.description);
    CHECK(a.platform_file == b.platform_file);
    CHECK(a.clients.users == b.clients.users);
    CHECK(a.clients.think_time_s.a == b.clients.think_time_s.a);
    CHECK(a.clients.requests.size() == b.clients.requests.size());
    CHECK(a.clients.requests.back().weight == b.clients.requests.back().weight);
    CHECK(a.servers.speed == b.servers.speed);
    CHECK(a.servers.workers == b.servers.workers);
    CHECK(a.sessions.redis.snapshot_interval_s == b.sessions.redis.snapshot_interval_s);
    CHECK(a.autoscale.target == b.autoscale.target);
    CHECK(a.network.bandwidth_Bps == b.network.bandwidth_Bps);
    REQUIRE(a.events.size() == b.events.size());
    for (std::size_t e = 0; e < a.events.size(); ++e) {
      CHECK(a.events[e].at_s == b.events[e].at_s);
      CHECK(a.events[e].action.index() == b.events[e].action.index());
    }
  }
  CHECK(contains(resolved, "seed: 18446744073709551615\n"));
  CHECK(contains(resolved, "report_interval: 250ms\n"));
  CHECK(contains(resolved, "      request_bytes: 1536B\n"));  // shorter than 1.5KiB
  CHECK(contains(resolved, "        revoke: 0.125\n"));
}

TEST_CASE("jwt refresh tokens: a map turns them on, none off, and they round-trip") {
  const Scenario scenario = load(kHeader + R"(sessions:
  store: jwt
  jwt: {expiry: 2m, refresh: {expiry: 7d, store: database}}
designs:
  - name: refresh
  - name: plain
    sessions: {jwt: {refresh: none}}
  - name: short
    sessions: {jwt: {refresh: {expiry: 1d12h}}}
)");
  const JwtSpec& refresh = scenario.designs[0].sessions.jwt;
  CHECK(refresh.expiry_s == 120);
  CHECK(refresh.refresh.enabled);
  CHECK(refresh.refresh.expiry_s == 7 * 86400);
  CHECK(refresh.refresh.store == RefreshStore::database);
  CHECK_FALSE(scenario.designs[1].sessions.jwt.refresh.enabled);
  CHECK(scenario.designs[2].sessions.jwt.refresh.expiry_s == 36 * 3600);
  CHECK(scenario.designs[2].sessions.jwt.refresh.store == RefreshStore::database);  // merged key by key
  const std::string resolved = resolved_yaml(scenario);
  CHECK(contains(resolved, "        refresh:\n          expiry: 7d\n          store: database\n"));
  CHECK(resolved_yaml(load(resolved)) == resolved);
  // The refresh token must outlive the access token, also when a design changes only one of them.
  CHECK(contains(error_of(kHeader + "sessions: {store: jwt, jwt: {refresh: {expiry: 1h}}}\n"),
                 "test.yaml:4:39: sessions.jwt.refresh: expiry 1h is not longer than the access token's"));
  CHECK(contains(
      error_of(kHeader + "sessions: {store: jwt, jwt: {refresh: {}}}\ndesigns:\n  - name: a\n"
                         "    sessions: {jwt: {expiry: 8d}}\n"),
      "sessions.jwt.refresh: expiry 7d is not longer than the access token's (sessions.jwt.expiry: 8d)"));
  CHECK(error_of(kHeader + "sessions: {store: redis, jwt: {expiry: 8d, refresh: {}}}\n") == "loaded");
  // An access token that lives no longer than the timeout would be refreshed before every page.
  CHECK(contains(error_of(kHeader + "clients: {timeout: 30s}\nsessions: {store: jwt, jwt: {expiry: 30s, refresh: {}}}\n"),
                 "needs an access token that outlives clients.timeout (30s), got sessions.jwt.expiry: 30s"));
}

TEST_CASE("resolved YAML of a default scenario is byte-stable") {
  const std::string resolved = resolved_yaml(load(kHeader));
  CHECK(resolved.rfind("version: 1\nname: \"test\"\ndescription: \"\"\nseed: 1\nduration: 15m\nwarmup: 0s\n"
                       "report_interval: 10s\nreplications: 1\nexpect: []\nreport:\n  fields: []\ndesigns:\n"
                       "  - name: \"test\"\n",
                       0) == 0);
  CHECK(contains(resolved, "    events: []\n"));
  CHECK_FALSE(contains(resolved, "autoscale:"));
  CHECK(resolved_yaml(load(resolved)) == resolved);
  // A name such as `null` or `true`, quoted in the file, stays a name.
  const Scenario odd = load("version: 1\nname: \"null\"\nduration: 1m\ndesigns:\n  - name: \"true\"\n");
  CHECK(load(resolved_yaml(odd)).designs[0].name == "true");
}

TEST_CASE("report.fields: summary fields named once, kept in order and written back") {
  const Scenario scenario =
      load(std::string(kHeader) + "report: {fields: [revoked_accepted, sessions_lost]}\n");
  CHECK(scenario.report_fields == std::vector<std::string>{"revoked_accepted", "sessions_lost"});
  const std::string resolved = resolved_yaml(scenario);
  CHECK(contains(resolved, "report:\n  fields: [revoked_accepted, sessions_lost]\n"));
  CHECK(load(resolved).report_fields == scenario.report_fields);
  CHECK(load(std::string(kHeader) + "report: {}\n").report_fields.empty());
  CHECK_THROWS_WITH_AS(load(std::string(kHeader) + "report: {fields: [sessions_lost, cpu]}\n"),
                       doctest::Contains(":4:34: report.fields[1]: unknown field \"cpu\""), ScenarioError);
  CHECK_THROWS_WITH_AS(load(std::string(kHeader) + "report: {fields: [ok, ok]}\n"),
                       doctest::Contains("report.fields[1]: \"ok\" is named twice"), ScenarioError);
  CHECK_THROWS_WITH_AS(load(std::string(kHeader) + "report: {fields: ok}\n"),
                       doctest::Contains("report.fields: expected a list of summary fields"), ScenarioError);
  CHECK_THROWS_WITH_AS(load(std::string(kHeader) + "report: {field: [ok]}\n"),
                       doctest::Contains("did you mean \"fields\""), ScenarioError);
}

TEST_CASE("a distribution split by a flow map's comma is told to be quoted") {
  CHECK_THROWS_WITH_AS(
      load(std::string(kHeader) +
           "sessions:\n  store: database\n  database: {query_time: normal(50ms, 15ms)}\n"),
      doctest::Contains("quote it, query_time: \"normal(50ms, 15ms)\""), ScenarioError);
}
