// Part 2 of the format (uploads, effects, retries) without SimGrid: the effects' ledger and its
// idempotency keys, size distributions, the loader's sections and their checks, the resolved
// scenario, and the run's invariants.
#include <doctest/doctest.h>

#include <string>

#include "loader_helpers.hpp"
#include "model/capacity.hpp"
#include "model/effect_ledger.hpp"
#include "model/recorder.hpp"
#include "model/run_estimate.hpp"
#include "model/run_checks.hpp"
#include "model/summary_fields.hpp"
#include "scenario/units.hpp"

using namespace statesim;
using namespace statesim::test;

namespace {

Scenario one_design(const std::string& body) { return load(kHeader + body); }

struct Ledger {
  explicit Ledger(const std::string& effects, const std::string& sessions = "memory")
      : scenario(one_design("clients:\n  requests: [{name: pay, effect: true}]\nservers: {count: 3}\nsessions: {store: " +
                            sessions + "}\neffects: " + effects + "\n")),
        recorder(scenario, scenario.designs[0], 0),
        ledger(scenario.designs[0], recorder) {}
  const Summary& summary() { return recorder.summary(); }
  Scenario scenario;
  Recorder recorder;
  EffectLedger ledger;
};

}  // namespace

TEST_CASE("effects without a key: every application of a retried action counts") {
  Ledger t("{state: database, idempotency: none}");
  const auto a = t.ledger.open_action(0);
  t.ledger.attempt_sent(a);
  t.ledger.attempt_sent(a);  // the retry, while the first attempt still runs
  CHECK(t.ledger.apply(a, 0, 1, true) == EffectLedger::Application::applied);
  CHECK(t.ledger.apply(a, 1, 2, true) == EffectLedger::Application::duplicate);
  t.ledger.attempt_ended(a);
  t.ledger.attempt_ended(a);
  t.ledger.close_action(a);
  CHECK(t.summary().effects_requested == 1);
  CHECK(t.summary().effects_applied == 1);
  CHECK(t.summary().duplicate_effects == 1);
  CHECK(t.ledger.in_flight() == 0);
  // The database is down when the CPU ends: not applied; the user's last attempt fails.
  const auto b = t.ledger.open_action(3);
  t.ledger.attempt_sent(b);
  CHECK(t.ledger.apply(b, 0, 4, false) == EffectLedger::Application::not_applied);
  t.ledger.close_action(b);
  CHECK(t.summary().effects_failed == 0);  // an attempt is still in the system
  CHECK(t.ledger.in_flight() == 1);
  t.ledger.attempt_ended(b);
  CHECK(t.summary().effects_failed == 1);
  CHECK(t.ledger.in_flight() == 0);
}

TEST_CASE("keys in memory stop a retry on the same server only; a stop of the server forgets them") {
  Ledger t("{state: memory, idempotency: memory, key_ttl: 10s}");
  const auto a = t.ledger.open_action(0);
  for (int i = 0; i < 4; ++i) t.ledger.attempt_sent(a);
  CHECK(t.ledger.apply(a, 0, 1, true) == EffectLedger::Application::applied);
  CHECK(t.ledger.apply(a, 0, 2, true) == EffectLedger::Application::deduplicated);
  CHECK(t.ledger.apply(a, 1, 3, true) == EffectLedger::Application::duplicate);  // another server
  CHECK(t.ledger.server_stopped(0, 4) == 1);  // state: memory: app-1's one application is lost
  CHECK(t.summary().effects_lost == 1);
  CHECK(t.ledger.apply(a, 0, 5, true) == EffectLedger::Application::duplicate);  // app-1 forgot the key
  CHECK(t.ledger.apply(a, 1, 20, true) == EffectLedger::Application::duplicate);  // the key expired (10 s)
  CHECK(t.summary().duplicate_effects == 3);
}

TEST_CASE("keys in redis are lost as redis loses sessions; in a database they are not") {
  Ledger redis("{state: memory, idempotency: store}", "redis, redis: {persistence: aof}");
  const auto old_action = redis.ledger.open_action(0);
  const auto new_action = redis.ledger.open_action(0);
  for (auto a : {old_action, new_action}) {
    redis.ledger.attempt_sent(a);
    redis.ledger.attempt_sent(a);
  }
  CHECK(redis.ledger.apply(old_action, 0, 10, true) == EffectLedger::Application::applied);
  CHECK(redis.ledger.apply(new_action, 0, 99.5, true) == EffectLedger::Application::applied);
  CHECK(redis.ledger.apply(old_action, 1, 99.6, false) == EffectLedger::Application::not_applied);  // store down
  redis.ledger.store_crashed(100);  // aof: the last second of writes is lost
  CHECK(redis.ledger.apply(old_action, 2, 101, true) == EffectLedger::Application::deduplicated);
  CHECK(redis.ledger.apply(new_action, 2, 101, true) == EffectLedger::Application::duplicate);

  Ledger database("{state: database, idempotency: store}", "redis");
  const auto a = database.ledger.open_action(0);
  database.ledger.attempt_sent(a);
  database.ledger.attempt_sent(a);
  CHECK(database.ledger.apply(a, 0, 99.9, true) == EffectLedger::Application::applied);
  database.ledger.store_crashed(100);
  CHECK(database.ledger.apply(a, 1, 101, true) == EffectLedger::Application::deduplicated);
  CHECK(database.ledger.server_stopped(0, 102) == 0);  // state: database: nothing in memory
}

TEST_CASE("where effects write and whether they need the store host") {
  auto design = [](const std::string& effects, const std::string& store) {
    return one_design("clients:\n  requests: [{name: pay, effect: true}]\nsessions: {store: " + store +
                      "}\neffects: " + effects + "\n")
        .designs[0];
  };
  CHECK(effect_write(design("{state: database}", "memory")) == EffectWrite::database);
  CHECK(effect_write(design("{state: memory, idempotency: store}", "redis")) == EffectWrite::session_store);
  CHECK(effect_write(design("{state: memory, idempotency: memory}", "memory")) == EffectWrite::none);
  CHECK_FALSE(effects_use_store_host(design("{state: memory}", "jwt")));
  CHECK(effects_use_store_host(design("{state: database}", "jwt")));
  // A request kind with effect: true alone turns effects on, with their defaults.
  const Design implied = one_design("clients:\n  requests: [{name: pay, effect: true}]\n").designs[0];
  CHECK(implied.effects.enabled);
  CHECK(implied.effects.state == EffectState::database);
  CHECK(implied.effects.idempotency == Idempotency::none);
}

TEST_CASE("sizes and their distributions read back exactly") {
  const Distribution size = parse_size_distribution("lognormal(20MB, 10MB)");
  CHECK(size.kind == Distribution::Kind::lognormal);
  CHECK(size.a == 20e6);
  CHECK(size.b == 10e6);
  CHECK(format_size_distribution(size) == "lognormal(20MB, 10MB)");
  CHECK(parse_size_distribution("5MiB").a == 5242880);
  CHECK(format_size_distribution(parse_size_distribution("uniform(1KB, 9KB)")) == "uniform(1KB, 9KB)");
  CHECK(contains(error_of(kHeader + "uploads: {size: \"uniform(9MB, 1MB)\"}\n"), "uniform(low, high) needs low <= high"));
  CHECK(contains(error_of(kHeader + "uploads: {size: \"exp(1.5B)\"}\n"), "not a size"));
}

TEST_CASE("uploads and effects: defaults, overrides per design, the clients section left out") {
  const Scenario scenario = load(kHeader + R"(uploads: {arrival_rate: 2/s, size: 8MB}
designs:
  - name: memory
  - name: presigned
    uploads: {mode: presigned, chunk: 1MB}
  - name: with-visitors
    clients: {arrival_rate: 1/s}
)");
  const Design& memory = scenario.designs[0];
  CHECK(memory.uploads.enabled);
  CHECK(memory.uploads.mode == UploadMode::server_memory);
  CHECK(memory.uploads.chunk_B == 5e6);
  CHECK(memory.uploads.arrival_rate_per_s == 2);
  CHECK_FALSE(memory.clients.present);
  CHECK(scenario.designs[1].uploads.mode == UploadMode::presigned);
  CHECK(scenario.designs[1].uploads.chunk_B == 1e6);
  CHECK(scenario.designs[1].uploads.size_B.a == 8e6);
  CHECK(scenario.designs[2].clients.present);
  // Without a part-2 population the clients section's defaults apply as before.
  CHECK(load(kHeader).designs[0].clients.present);
  // The resolved scenario writes what it must and loads back to the same text.
  const std::string resolved = resolved_yaml(scenario);
  CHECK(resolved_yaml(load_scenario_text(resolved, "resolved.yaml", ".")) == resolved);
  CHECK(contains(resolved, "      mode: presigned\n"));
  const Scenario effects = load(kHeader + R"(clients:
  retry_jitter: equal
  requests: [{name: pay, effect: true, request_bytes: 2KB, response_bytes: 300B}]
servers: {drop_expired: true}
sessions: {store: redis}
effects: {state: memory, idempotency: store, key_ttl: 1h}
)");
  const std::string text = resolved_yaml(effects);
  CHECK(resolved_yaml(load_scenario_text(text, "resolved.yaml", ".")) == text);
  for (const char* line : {"retry_jitter: equal", "effect: true", "request_bytes: 2KB", "response_bytes: 300B",
                           "drop_expired: true", "idempotency: store", "key_ttl: 1h"})
    CHECK(contains(text, line));
  // Part 1's resolved scenarios are unchanged: none of the new keys appears.
  const std::string part1 = resolved_yaml(load(kHeader));
  for (const char* key : {"retry_jitter", "effect:", "drop_expired", "uploads:", "effects:"})
    CHECK_FALSE(contains(part1, key));
}

TEST_CASE("an effects section with no kind to apply it warns") {
  const Scenario scenario = load(kHeader + "effects: {state: memory}\n");
  REQUIRE(scenario.warnings.size() == 1);
  CHECK(contains(scenario.warnings[0], "no request kind of design \"test\" has effect: true"));
}

TEST_CASE("idempotency: store needs a store, named per design when the base file chose it") {
  const std::string text = kHeader + R"(clients:
  requests: [{name: pay, effect: true}]
sessions: {store: redis}
effects: {state: memory, idempotency: store}
designs:
  - name: redis
  - name: jwt
    sessions: {store: jwt}
)";
  CHECK(contains(error_of(text), "test.yaml:7:39: effects.idempotency: store keeps its keys"));
  CHECK(contains(error_of(text), "(in design \"jwt\")"));
}

TEST_CASE("the offered upload load and its warnings") {
  const Scenario scenario = load(kHeader + R"(servers: {count: 2}
network: {bandwidth: 100Mbps}
uploads: {arrival_rate: 10/s, size: 20MB, chunk: 5MB, client_bandwidth: 1Gbps}
)");
  const UploadLoad load = upload_load(scenario.designs[0]);
  CHECK(load.bytes_per_s == 200e6);
  CHECK(load.chunks_per_s == doctest::Approx(50));  // at most size / chunk + 1 per upload
  CHECK(load.link_capacity_Bps == 2 * 12.5e6);
  const auto warnings = capacity_warnings(scenario);
  REQUIRE(warnings.size() == 1);
  CHECK(contains(warnings[0], "the uploads offer about 200 MB/s, more than the servers' links"));
}

TEST_CASE("the invariants of uploads, effects and final failures") {
  RunResult run;
  Summary& s = run.summary;
  s.design = "d";
  s.groups = group_bit(FieldGroup::core) | group_bit(FieldGroup::uploads) | group_bit(FieldGroup::effects) |
             group_bit(FieldGroup::retries);
  s.uploads_started = 10;
  s.uploads_completed = 6;
  s.uploads_failed = 2;
  s.uploads_in_progress = 2;
  s.upload_bytes = 100;
  s.upload_bytes_wasted = 40;
  s.effects_requested = 5;
  s.effects_applied = 3;
  s.effects_failed = 1;
  s.effects_in_flight = 1;
  CHECK(invariant_violations(run).empty());
  s.uploads_in_progress = 1;
  s.upload_bytes_wasted = 101;
  s.effects_failed = 2;
  s.requests_failed_final = 1;  // more than the 0 failed attempts
  const auto problems = invariant_violations(run);
  CHECK(problems.size() == 4);
  s.groups = group_bit(FieldGroup::core);  // a run without those parts is not held to them
  CHECK(invariant_violations(run).empty());
}

TEST_CASE("the run estimate counts upload chunks: an absurd section is refused") {
  // A gigabyte in one-byte chunks, an upload a second for a day: 8.6e13 chunks.
  const Scenario absurd = load("version: 1\nname: t\nduration: 24h\nuploads: {arrival_rate: 1/s, size: 1GB, chunk: 1B}\n");
  const RunEstimate estimate = estimate_run(absurd, {builtin_platform_cost(absurd.designs[0])});
  CHECK(estimate.work_s > kRefuseAbove_s);
  CHECK(contains(plan_run(estimate, 1, 8e9, 2).refusal, "more than a week"));
  // A sane one is cheap, and uploads in progress count in the memory.
  const Scenario sane = load("version: 1\nname: t\nduration: 1h\nuploads: {arrival_rate: 1/s}\n");
  const RunEstimate small = estimate_run(sane, {builtin_platform_cost(sane.designs[0])});
  CHECK(small.work_s < 60);
  CHECK(plan_run(small, 1, 8e9, 2).refusal.empty());
}
