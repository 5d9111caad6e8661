// The realtime and games sections: defaults, every key's checks, designs overriding them, a file
// without web visitors, the resolved scenario, and the estimates that price them.
#include <doctest/doctest.h>

#include <string>

#include "loader_helpers.hpp"
#include "model/capacity.hpp"
#include "model/run_estimate.hpp"
#include "scenario/loader.hpp"

using namespace statesim;
using namespace statesim::test;

namespace {

const std::string kChat =
    "realtime:\n"
    "  users: 3000\n"
    "  ramp_up: 1m\n"
    "  connect_cpu: 2ms\n"
    "  max_connections: 5000\n"
    "  heartbeat: 20s\n"
    "  message_rate: 2/m\n"
    "  message_bytes: 500B\n"
    "  message_cpu: 200us\n"
    "  audience: room\n"
    "  room_size: 20\n"
    "  delivery: stream\n"
    "  replay_window: 2m\n"
    "  reconnect: {backoff: 2s, max_backoff: 1m, jitter: equal}\n";

const std::string kGames =
    "games:\n"
    "  arrival_rate: 0.5/s\n"
    "  players: 8\n"
    "  match_duration: 10m\n"
    "  tick_rate: 20/s\n"
    "  tick_cpu: 1ms\n"
    "  tick_bytes: 200B\n"
    "  state: snapshot\n"
    "  snapshot_interval: 5s\n"
    "  snapshot_bytes: 50KB\n";

}  // namespace

TEST_CASE("part 2 sections: every key read, defaults otherwise") {
  const Scenario scenario = load(kHeader + kChat + kGames);
  const Design& design = scenario.designs[0];
  REQUIRE(design.realtime);
  const RealtimeSpec& realtime = *design.realtime;
  CHECK(realtime.workload == Workload::closed);
  CHECK(realtime.users == 3000);
  CHECK(realtime.ramp_up_s == 60);
  CHECK(realtime.connect_cpu_s == doctest::Approx(0.002));
  CHECK(realtime.max_connections == 5000);
  CHECK(realtime.heartbeat_s == 20);
  CHECK(realtime.message_rate_per_s == doctest::Approx(2.0 / 60));
  CHECK(realtime.message_bytes == 500);
  CHECK(realtime.message_cpu_s == doctest::Approx(200e-6));
  CHECK(realtime.audience == Audience::room);
  CHECK(realtime.room_size == 20);
  CHECK(realtime.delivery == Delivery::stream);
  CHECK(realtime.replay_window_s == 120);
  CHECK(realtime.reconnect.backoff_s == 2);
  CHECK(realtime.reconnect.max_backoff_s == 60);
  CHECK(realtime.reconnect.jitter == Jitter::equal);
  REQUIRE(design.games);
  const GamesSpec& games = *design.games;
  CHECK(games.arrival_rate_per_s == 0.5);
  CHECK(games.players == 8);
  CHECK(games.match_duration_s.mean() == 600);
  CHECK(games.tick_rate_per_s == 20);
  CHECK(games.tick_cpu_s == doctest::Approx(0.001));
  CHECK(games.tick_bytes == 200);
  CHECK(games.state == MatchState::snapshot);
  CHECK(games.snapshot_interval_s == 5);
  CHECK(games.snapshot_bytes == 50000);
  CHECK_FALSE(design.clients.present);  // no clients section: no web visitors
  CHECK(uses_store_host(design));       // the stream and the snapshots live there

  const Scenario defaults = load(kHeader + "realtime: {arrival_rate: 2/s}\ngames: {arrival_rate: 1/m}\n");
  const RealtimeSpec& open = *defaults.designs[0].realtime;
  CHECK(open.workload == Workload::open);
  CHECK(open.connection_duration_s.mean() == 1200);
  CHECK(open.delivery == Delivery::local);
  CHECK(open.audience == Audience::direct);
  CHECK(open.reconnect.jitter == Jitter::full);
  CHECK(defaults.designs[0].games->state == MatchState::memory);
  CHECK(defaults.designs[0].games->match_duration_s.mean() == 600);
  CHECK_FALSE(uses_store_host(defaults.designs[0]));  // local delivery, memory matches, memory sessions
}

TEST_CASE("clients: present with its own section, with no part-2 section, or for one design only") {
  CHECK(load(kHeader).designs[0].clients.present);  // part 1's default clients, as ever
  CHECK_FALSE(load(kHeader + kGames).designs[0].clients.present);
  CHECK(load(kHeader + kGames + "clients: {arrival_rate: 1/s}\n").designs[0].clients.present);
  const Scenario mixed =
      load(kHeader + kChat +
           "designs:\n  - name: chat-only\n  - name: with-web\n    clients: {arrival_rate: 1/s}\n"
           "  - name: web-without-chat-keys\n    clients: {}\n");
  CHECK_FALSE(mixed.designs[0].clients.present);
  CHECK(mixed.designs[1].clients.present);
  CHECK(mixed.designs[2].clients.present);
  CHECK(mixed.designs[1].realtime);
}

TEST_CASE("part 2 sections: every key is checked with its position") {
  const auto error = [](const std::string& text) { return error_of(kHeader + text); };
  CHECK(
      contains(error("realtime: {ramp_up: 1m}\n"),
               "test.yaml:4:11: realtime: needs users (a population that stays connected) or arrival_rate"));
  CHECK(contains(error("realtime: {users: 10, arrival_rate: 1/s}\n"),
                 "realtime.users: cannot be combined with realtime.arrival_rate (line 4)"));
  CHECK(contains(error("realtime: {users: 0}\n"), "realtime.users: expected a whole number >= 1, got \"0\""));
  CHECK(contains(error("realtime: {users: 20000000}\n"), "20000000 users is above the limit of 10000000"));
  CHECK(contains(error("realtime: {arrival_rate: 0/s}\n"), "realtime.arrival_rate: expected a rate > 0"));
  CHECK(contains(error("realtime: {arrival_rate: 1000000/s}\n"),
                 "1000000/s over 15m is 900000000 users, above"));
  CHECK(contains(error("realtime: {users: 10, connection_duration: 1m}\n"),
                 "realtime.connection_duration: applies only to users who come and go"));
  CHECK(contains(error("realtime: {arrival_rate: 1/s, ramp_up: 1m}\n"),
                 "realtime.ramp_up: applies only to a population that stays connected"));
  CHECK(contains(error("realtime: {users: 10, connect_cpu: 2}\n"),
                 "realtime.connect_cpu: expected a duration"));
  CHECK(contains(error("realtime: {users: 10, max_connections: 0}\n"),
                 "realtime.max_connections: expected a whole number >= 1"));
  CHECK(contains(error("realtime: {users: 10, heartbeat: 0s}\n"),
                 "realtime.heartbeat: expected a duration > 0"));
  CHECK(contains(error("realtime: {users: 10, message_rate: -1/s}\n"), "realtime.message_rate:"));
  CHECK(contains(error("realtime: {users: 10, message_bytes: 1.5B}\n"), "realtime.message_bytes:"));
  CHECK(contains(error("realtime: {users: 10, message_cpu: fast}\n"),
                 "realtime.message_cpu: expected a duration"));
  CHECK(contains(error("realtime: {users: 10, audience: everyone}\n"),
                 "realtime.audience: expected one of direct, room"));
  CHECK(contains(error("realtime: {users: 10, room_size: 1}\n"),
                 "realtime.room_size: expected a whole number >= 2"));
  CHECK(contains(error("realtime: {users: 10, delivery: pubsub2}\n"), "(did you mean \"pubsub\"?)"));
  CHECK(contains(error("realtime: {users: 10, replay_window: 0s}\n"),
                 "realtime.replay_window: expected a duration > 0"));
  CHECK(contains(error("realtime: {users: 10, reconnect: {backoff: 0s}}\n"),
                 "realtime.reconnect.backoff: expected a duration > 0"));
  CHECK(contains(error("realtime: {users: 10, reconnect: {backoff: 1m}}\n"),
                 "realtime.reconnect.backoff: reconnect.max_backoff (30s) is below reconnect.backoff (1m)"));
  CHECK(contains(error("realtime: {users: 10, reconnect: {jitter: half}}\n"),
                 "realtime.reconnect.jitter: expected one of none, full, equal"));
  CHECK(contains(error("realtime: {users: 10, reconnect: {retries: 3}}\n"),
                 "realtime.reconnect.retries: unknown key"));
  CHECK(contains(error("realtime: {users: 10, heartbeats: 3s}\n"), "(did you mean \"heartbeat\"?)"));
  CHECK(contains(error("realtime: 3000\n"), "realtime: expected a map"));

  CHECK(contains(error("games: {players: 4}\n"), "test.yaml:4:8: games: needs arrival_rate"));
  CHECK(contains(error("games: {arrival_rate: 1/s, players: 0}\n"),
                 "games.players: expected a whole number >= 1"));
  CHECK(contains(error("games: {arrival_rate: 1/s, match_duration: 0s}\n"),
                 "games.match_duration: a match must last"));
  CHECK(contains(error("games: {arrival_rate: 1/s, tick_rate: 0/s}\n"),
                 "games.tick_rate: expected a rate > 0"));
  CHECK(contains(error("games: {arrival_rate: 1/s, tick_cpu: -1ms}\n"), "games.tick_cpu:"));
  CHECK(contains(error("games: {arrival_rate: 1/s, tick_bytes: lots}\n"), "games.tick_bytes:"));
  CHECK(contains(error("games: {arrival_rate: 1/s, state: disk}\n"),
                 "games.state: expected one of memory, snapshot"));
  CHECK(contains(error("games: {arrival_rate: 1/s, snapshot_interval: 0s}\n"),
                 "games.snapshot_interval: expected a duration > 0"));
  CHECK(contains(error("games: {arrival_rate: 1/s, snapshot_bytes: -5KB}\n"), "games.snapshot_bytes:"));
  CHECK(contains(error("games: {arrival_rate: 1/s, ticks: 5}\n"), "games.ticks: unknown key"));

  // A traffic event changes the clients section's workload: a design without one has none.
  CHECK(contains(error(kGames + "events:\n  - {at: 1m, traffic: {arrival_rate: 2/s}}\n"),
                 "events[0].traffic: a traffic event changes the web visitors' workload (the clients section)"));
}

TEST_CASE("designs override part 2 keys, and may add a section the base file lacks") {
  const Scenario scenario = load(kHeader + kChat +
                                 "designs:\n"
                                 "  - name: local\n    realtime: {delivery: local}\n"
                                 "  - name: stream\n"
                                 "  - name: games\n    games: {arrival_rate: 2/s}\n");
  CHECK(scenario.designs[0].realtime->delivery == Delivery::local);
  CHECK(scenario.designs[0].realtime->users == 3000);  // kept from the base file
  CHECK(scenario.designs[1].realtime->delivery == Delivery::stream);
  CHECK_FALSE(scenario.designs[1].games);
  CHECK(scenario.designs[2].games->arrival_rate_per_s == 2);
  // A design whose merge gives both populations is told which key to drop, and which design it is.
  CHECK(contains(error_of(kHeader + kChat + "designs:\n  - name: open\n    realtime: {arrival_rate: 1/s}\n"),
                 "test.yaml:5:10: realtime.users: cannot be combined with realtime.arrival_rate (line 20)"));
}

TEST_CASE("resolved YAML writes part 2 back and loads to the same text") {
  for (const std::string& text :
       {kHeader + kChat + kGames, kHeader + "realtime: {arrival_rate: 2/s, connection_duration: exp(3m)}\n",
        kHeader + kGames +
            "clients: {users: 10}\ndesigns:\n  - name: a\n  - name: b\n    games: {state: memory}\n"}) {
    const std::string resolved = resolved_yaml(load(text));
    CHECK(resolved_yaml(load(resolved)) == resolved);
  }
  const std::string chat_only = resolved_yaml(load(kHeader + kChat));
  CHECK_FALSE(contains(chat_only, "clients:"));  // it stays a file without web visitors
  CHECK(contains(chat_only, "    realtime:\n      users: 3000\n      ramp_up: 1m\n"));
  CHECK(contains(chat_only,
                 "      reconnect:\n        backoff: 2s\n        max_backoff: 1m\n        jitter: equal\n"));
  const std::string open = resolved_yaml(load(kHeader + "realtime: {arrival_rate: 2/s}\n"));
  CHECK(contains(open, "      arrival_rate: 2/s\n      connection_duration: exp(20m)\n"));
  CHECK_FALSE(contains(resolved_yaml(load(kHeader)), "realtime:"));
}

TEST_CASE("the estimates price part 2: populations, messages, ticks") {
  const auto estimate = [](const std::string& text) {
    const Scenario scenario = load(text);
    std::vector<PlatformCost> platforms;
    for (const Design& design : scenario.designs) platforms.push_back(builtin_platform_cost(design));
    return estimate_run(scenario, platforms);
  };
  const RunEstimate small = estimate(kHeader + kChat);
  const std::string day = "version: 1\nname: test\nduration: 24h\n";
  const RunEstimate crowd =
      estimate(day + "realtime: {users: 10000000, message_rate: 1/s, audience: room}\n");
  CHECK(crowd.process_bytes > small.process_bytes + 3e9);  // 10 million users' records
  CHECK(contains(crowd.process_detail, "10.0 million realtime users"));
  CHECK(crowd.work_s > 100 * small.work_s);
  const RunPlan plan = plan_run(crowd, 1, 64e9, 2);
  CHECK(
      contains(plan.refusal, "more than a week"));  // 19 deliveries for each of 10 million messages a second
  const RunEstimate ticks =
      estimate(day + "games: {arrival_rate: 100/s, match_duration: 1h, tick_rate: 60/s}\n");
  CHECK(contains(plan_run(ticks, 1, 64e9, 2).refusal, "more than a week"));
  const RunEstimate web = estimate(kHeader + kGames);  // no clients section: no web visitors' requests
  CHECK(web.work_s < estimate(kHeader).work_s + estimate(kHeader + kGames + "clients: {}\n").work_s);

  // The capacity warning counts part 2's CPU: 1000 matches at 50 ticks of 10 ms need 500 cores.
  const Scenario heavy = load(kHeader +
                              "games: {arrival_rate: 2/s, match_duration: 500s, tick_rate: 50/s, "
                              "tick_cpu: 10ms}\nservers: {count: 3}\n");
  const auto warnings = capacity_warnings(heavy);
  REQUIRE(warnings.size() == 1);
  CHECK(contains(warnings[0], "the offered CPU load is about 83.3 times the servers' capacity"));
  CHECK(capacity_warnings(load(kHeader + "realtime: {users: 20000}\n")).size() == 1);  // all at t = 0
  CHECK(capacity_warnings(load(kHeader + "realtime: {users: 20000, ramp_up: 1m}\n")).empty());
}
