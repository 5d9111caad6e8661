// The per-server view (servers.csv), the stop event and autoscale.scale_in_pick: the recorder's
// rows, the writer, which servers a scale-in picks, and the loader's checks.
#include <doctest/doctest.h>

#include <cmath>

#include "loader_helpers.hpp"
#include "model/recorder.hpp"
#include "model/scale_in_pick.hpp"
#include "model_helpers.hpp"
#include "report/report.hpp"
#include "scenario/pool_timeline.hpp"

using namespace statesim;
using namespace statesim::test;

TEST_CASE("a scale-in picks the newest servers, or those holding the fewest sessions") {
  // app-1 and app-2 from the start, app-3 at 60 s, app-4 at 90 s.
  const std::vector<ScaleInCandidate> pool = {{0, 0, 50}, {1, 0, 5}, {2, 60, 40}, {3, 90, 30}};
  CHECK(pick_scale_in(pool, 1, ScaleInPick::newest) == std::vector<int>{3});
  CHECK(pick_scale_in(pool, 3, ScaleInPick::newest) == std::vector<int>{3, 2, 1});  // ties: the highest number
  CHECK(pick_scale_in(pool, 1, ScaleInPick::fewest_sessions) == std::vector<int>{1});
  CHECK(pick_scale_in(pool, 2, ScaleInPick::fewest_sessions) == std::vector<int>{1, 3});
  // Equal sessions (a store design holds none in memory): as newest.
  const std::vector<ScaleInCandidate> empty = {{0, 0, 0}, {1, 0, 0}, {2, 30, 0}};
  CHECK(pick_scale_in(empty, 2, ScaleInPick::fewest_sessions) == pick_scale_in(empty, 2, ScaleInPick::newest));
  CHECK(pick_scale_in(empty, 5, ScaleInPick::newest).size() == 3);
}

namespace {

ServerSnapshot server_state(bool up, bool in_rotation, std::int64_t sessions, double busy, double service) {
  ServerSnapshot state;
  state.up = up;
  state.in_rotation = in_rotation;
  state.sessions_held = sessions;
  state.busy_core_s = busy;
  state.service_core_s = service;
  return state;
}

}  // namespace

TEST_CASE("the recorder keeps a row per server and bucket: requests routed, state at the end, cpu") {
  const Scenario scenario = scenario_of(30, 10);
  Design design;
  design.name = "d";
  design.servers.max = 2;
  Recorder recorder(scenario, design, 0);
  REQUIRE(recorder.keeps_server_rows());
  recorder.request_routed(0, 0);
  recorder.request_routed(9.99, 0);
  recorder.request_routed(10, 1);  // a bucket's end belongs to the next one
  recorder.close_server_bucket(0, {server_state(true, true, 7, 5, 20), server_state(true, false, 0, 0, 20)});
  recorder.close_server_bucket(1, {server_state(true, true, 9, 15, 40), server_state(false, false, 0, 0, 20)});
  recorder.close_server_bucket(2, {server_state(true, true, 9, 15, 60), server_state(false, false, 0, 0, 20)});
  const RunResult result = recorder.finish(30, BucketSnapshot{}, 0);
  REQUIRE(result.servers.size() == 6);
  CHECK(result.servers_per_bucket == 2);
  CHECK(result.servers[0].requests == 2);
  CHECK(result.servers[1].requests == 0);
  CHECK(result.servers[3].requests == 1);
  CHECK(result.servers[0].sessions_held == 7);
  CHECK(result.servers[0].cpu_utilization == doctest::Approx(0.25));
  CHECK(result.servers[2].cpu_utilization == doctest::Approx(0.5));  // (15-5)/(40-20)
  CHECK(result.servers[4].cpu_utilization == doctest::Approx(0.0));
  CHECK(std::isnan(result.servers[3].cpu_utilization));  // not in service during the bucket
  CHECK_FALSE(result.servers[3].up);
  CHECK_FALSE(result.servers[1].in_rotation);
  CHECK(result.servers[0].connections == -1);

  const std::string csv = servers_csv({result});
  CHECK(csv.rfind(
            "design,replication,time_s,server,up,in_rotation,sessions_held,connections,requests,cpu_utilization\n"
            "d,0,0.000,app-1,1,1,7,,2,0.2500\n"
            "d,0,0.000,app-2,1,0,0,,0,0.0000\n"
            "d,0,10.000,app-1,1,1,9,,0,0.5000\n"
            "d,0,10.000,app-2,0,0,0,,1,\n",
            0) == 0);
}

TEST_CASE("servers x buckets above the limit: no per-server rows, and a warning says so") {
  const Scenario scenario = scenario_of(1000, 1);  // 1,000 buckets
  Design design;
  design.servers.max = static_cast<int>(kMaxServerRows / 1000) + 1;
  Recorder recorder(scenario, design, 0);
  CHECK_FALSE(recorder.keeps_server_rows());
  recorder.request_routed(5, 3);  // nothing to count into, nothing breaks
  recorder.close_server_bucket(0, std::vector<ServerSnapshot>(static_cast<std::size_t>(design.servers.max)));
  const RunResult result = recorder.finish(1000, BucketSnapshot{}, 0);
  CHECK(result.servers.empty());
  REQUIRE(result.warnings.size() == 1);
  CHECK(contains(result.warnings[0], "servers.csv has no rows for it"));
  CHECK(servers_csv({result}).find('\n') + 1 == servers_csv({result}).size());  // the header alone
  design.servers.max -= 1;  // exactly at the limit: kept
  CHECK(Recorder(scenario, design, 0).keeps_server_rows());
}

TEST_CASE("a stop takes a named server out of the replayed pool") {
  PoolTimeline pool(4, 6, false, 0);
  pool.stop(1);  // app-2
  CHECK(pool.membership(0) == PoolTimeline::Membership::member);
  CHECK(pool.membership(1) == PoolTimeline::Membership::out);
  CHECK(pool.membership(2) == PoolTimeline::Membership::unknown);  // no longer app-1 .. app-n
  CHECK(pool.never_started(4));
  pool.scale(120, 4, 0);  // a scale-out may start app-2 again
  CHECK(pool.membership(1) == PoolTimeline::Membership::unknown);
}

TEST_CASE("stop events and scale_in_pick are read, checked and written back") {
  const Scenario scenario = load(kHeader +
                                 "servers: {count: 3, max: 4}\n"
                                 "autoscale: {min: 2, max: 4, scale_in_pick: fewest_sessions}\n"
                                 "events:\n"
                                 "  - {at: 5m, stop: {server: app-2, drain: 30s}}\n"
                                 "  - {at: 6m, stop: {server: app-3, drain: 0s}}\n");
  const Design& design = scenario.designs[0];
  CHECK(design.autoscale.scale_in_pick == ScaleInPick::fewest_sessions);
  REQUIRE(design.events.size() == 2);
  const auto& stop = std::get<StopEvent>(design.events[0].action);
  CHECK(stop.server == 1);
  CHECK(stop.drain_s == 30);
  CHECK(scenario.warnings.empty());
  CHECK(load(kHeader + "autoscale: {}\n").designs[0].autoscale.scale_in_pick == ScaleInPick::newest);

  const std::string resolved = resolved_yaml(scenario);
  CHECK(contains(resolved, "scale_in_pick: fewest_sessions"));
  CHECK(contains(resolved, "stop:\n          server: app-2\n          drain: 30s"));
  CHECK(resolved_yaml(load_scenario_text(resolved, "resolved.yaml", ".")) == resolved);

  // No drain: at once, said in a warning.
  const Scenario undrained = load(kHeader + "events:\n  - {at: 1m, stop: {server: app-1}}\n");
  CHECK(std::get<StopEvent>(undrained.designs[0].events[0].action).drain_s == 0);
  REQUIRE(undrained.warnings.size() == 1);
  CHECK(contains(undrained.warnings[0], "test.yaml:5:20: events[0].stop: no drain given, so drain: 0s (app-1 stops"));

  CHECK(contains(error_of(kHeader + "events:\n  - {at: 1m, stop: {server: app-9, drain: 1s}}\n"),
                 "test.yaml:5:29: events[0].stop.server: expected a server app-1 .. app-3 (servers.max is 3), got \"app-9\""));
  CHECK(contains(error_of(kHeader + "servers: {count: 2, max: 3}\nevents:\n  - {at: 1m, stop: {server: app-3}}\n"),
                 "events[0].stop.server: app-3 is not running at 1m"));
  CHECK(contains(error_of(kHeader + "events:\n  - {at: 1m, stop: {server: store}}\n"),
                 "events[0].stop.server: expected a server app-1 .. app-3, got store"));
  CHECK(contains(error_of(kHeader + "events:\n  - {at: 1m, stop: {server: app-1, drain: -1s}}\n"),
                 "events[0].stop.drain:"));
  CHECK(contains(error_of(kHeader + "events:\n  - {at: 1m, stop: {drain: 1s}}\n"), "events[0].stop.server"));
  CHECK(contains(error_of(kHeader + "events:\n  - {at: 1m, stop: {server: app-1, drian: 1s}}\n"),
                 "events[0].stop.drian"));
  CHECK(contains(error_of(kHeader + "events:\n  - {at: 1m, stop: {server: app-2, drain: 0s}}\n"
                                    "  - {at: 2m, stop: {server: app-2, drain: 0s}}\n"),
                 "events[1].stop.server: app-2 is not in the pool at 2m"));
  CHECK(contains(error_of(kHeader + "autoscale: {scale_in_pick: oldest}\n"),
                 "autoscale.scale_in_pick: expected one of newest, fewest_sessions"));
}
