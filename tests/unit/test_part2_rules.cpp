// Part 2's SimGrid-free rules: the reconnect backoff and its jitter laws, the table of open
// connections, a level written into time-series buckets, a match's game time and snapshots,
// two populations sharing the session table, and the accounting of message deliveries.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "model/bucket_level.hpp"
#include "model/games/match_progress.hpp"
#include "model/realtime/connection_table.hpp"
#include "model/realtime/delivery_ledger.hpp"
#include "model/realtime/reconnect_backoff.hpp"
#include "model/recorder.hpp"
#include "model_helpers.hpp"
#include "model/session_table.hpp"
#include "scenario/config.hpp"

using namespace statesim;

using test::scenario_of;

TEST_CASE("reconnect backoff: attempt k waits min(max_backoff, backoff x 2^k)") {
  ReconnectSpec reconnect{1.0, 30.0, Jitter::none};
  CHECK(reconnect_backoff_cap_s(reconnect, 0) == 1.0);
  CHECK(reconnect_backoff_cap_s(reconnect, 1) == 2.0);
  CHECK(reconnect_backoff_cap_s(reconnect, 4) == 16.0);
  CHECK(reconnect_backoff_cap_s(reconnect, 5) == 30.0);
  CHECK(reconnect_backoff_cap_s(reconnect, 2000) == 30.0);  // no overflow, however many failures
  RandomStream rng(1);
  CHECK(reconnect_wait_s(reconnect, 3, rng) == 8.0);  // none: exactly b, the same for every client
}

// Full jitter is uniform(0, b): mean b/2, sd b/sqrt(12); equal jitter b/2 + uniform(0, b/2): mean
// 3b/4, sd b/sqrt(48). Over n draws the mean is within 4 sd/sqrt(n), and the fraction below a
// point within 4 sqrt(p(1-p)/n) of the law's.
TEST_CASE("reconnect jitter: full and equal follow their uniform laws") {
  constexpr int n = 200000;
  const double b = 4.0;
  for (const Jitter jitter : {Jitter::full, Jitter::equal}) {
    ReconnectSpec reconnect{b, 30.0, jitter};
    RandomStream rng(jitter == Jitter::full ? 11 : 12);
    double sum = 0, low = 1e300, high = 0;
    int below_quarter = 0, below_five_eighths = 0;
    for (int i = 0; i < n; ++i) {
      const double wait = reconnect_wait_s(reconnect, 2, rng);  // b = 4 x 2^2 = 16
      sum += wait;
      low = std::min(low, wait);
      high = std::max(high, wait);
      below_quarter += wait < 4 ? 1 : 0;
      below_five_eighths += wait < 10 ? 1 : 0;
    }
    const double cap = 16, mean = sum / n;
    CHECK(high < cap);
    if (jitter == Jitter::full) {
      CHECK(low >= 0);
      CHECK(std::abs(mean - cap / 2) < 4 * cap / std::sqrt(12.0) / std::sqrt(n));
      CHECK(std::abs(below_quarter / double(n) - 0.25) < 4 * std::sqrt(0.25 * 0.75 / n));
    } else {
      CHECK(low >= cap / 2);
      CHECK(std::abs(mean - 0.75 * cap) < 4 * cap / std::sqrt(48.0) / std::sqrt(n));
      CHECK(below_quarter == 0);
      // P(8 + U(0, 8) < 10) = 1/4
      CHECK(std::abs(below_five_eighths / double(n) - 0.25) < 4 * std::sqrt(0.25 * 0.75 / n));
    }
  }
}

TEST_CASE("the connection table: per-server sets, the whole set, the servers in use") {
  ConnectionTable table(4);
  for (std::uint32_t u = 0; u < 10; ++u) table.open(u, static_cast<int>(u % 3));
  CHECK(table.connected() == 10);
  CHECK(table.held_by(0) == 4);
  CHECK(table.held_by(1) == 3);
  CHECK(table.held_by(3) == 0);
  CHECK(std::set<int>(table.servers_in_use().begin(), table.servers_in_use().end()) ==
        std::set<int>{0, 1, 2});
  CHECK(table.server_of(4) == 1);
  CHECK(table.server_of(99) == -1);
  for (const std::uint32_t u : {1u, 4u, 7u}) table.close(u);  // all of server 1
  table.close(1);                                             // nothing to close: harmless
  CHECK(table.connected() == 7);
  CHECK(table.held_by(1) == 0);
  CHECK(std::set<int>(table.servers_in_use().begin(), table.servers_in_use().end()) == std::set<int>{0, 2});
  CHECK(std::set<std::uint32_t>(table.on(0).begin(), table.on(0).end()) ==
        std::set<std::uint32_t>{0, 3, 6, 9});
  table.open(4, 3);
  CHECK(table.server_of(4) == 3);
  CHECK(std::set<int>(table.servers_in_use().begin(), table.servers_in_use().end()) ==
        std::set<int>{0, 2, 3});
  // Every user's places stay right after swaps: close everything, one by one.
  for (std::uint32_t u = 0; u < 10; ++u) table.close(u);
  CHECK(table.connected() == 0);
  CHECK(table.servers_in_use().empty());
}

TEST_CASE("a direct message's recipient: another connected user, uniformly") {
  ConnectionTable table(2);
  RandomStream rng(5);
  table.open(7, 0);
  CHECK_FALSE(table.random_other(7, rng).has_value());  // alone
  CHECK(table.random_other(3, rng) == 7u);              // a user not connected may write to it
  for (std::uint32_t u = 0; u < 5; ++u)
    if (u != 7) table.open(u, 1);
  std::map<std::uint32_t, int> picks;
  constexpr int n = 60000;
  for (int i = 0; i < n; ++i) picks[*table.random_other(2, rng)]++;
  CHECK(picks.count(2) == 0);
  CHECK(picks.size() == 5);  // 0, 1, 3, 4, 7
  for (const auto& [user, count] : picks)
    CHECK(std::abs(count / double(n) - 0.2) < 4 * std::sqrt(0.2 * 0.8 / n));
}

TEST_CASE("a bucket level: each bucket ends with the level of its last change, or carries it") {
  const Scenario scenario = scenario_of(100, 10);
  Design design;
  Recorder recorder(scenario, design, 0);
  BucketLevel level(recorder, &Bucket::connected);
  level.add(0, +5);
  level.add(3, +2);   // bucket 0 ends at 7
  level.add(35, -4);  // buckets 1, 2 carry 7; bucket 3 ends at 3
  level.add(38, +1);
  level.finish();  // buckets 4 .. 9 carry 4
  const RunResult result = recorder.finish(100, BucketSnapshot{}, 0);
  const std::vector<std::int64_t> expected = {7, 7, 7, 4, 4, 4, 4, 4, 4, 4};
  for (std::size_t b = 0; b < expected.size(); ++b) CHECK(result.buckets[b].connected == expected[b]);
  CHECK(level.value() == 4);
}

TEST_CASE("a match's game time, snapshots, stop and restore") {
  MatchProgress match(600, 100);  // 10 minutes of game from t = 100
  CHECK(match.end_at() == 700);
  CHECK(match.game_time(130) == 30);
  CHECK(*match.next_snapshot_at(100, 5) == 105);
  CHECK(*match.next_snapshot_at(132, 5) == doctest::Approx(135));
  CHECK_FALSE(match.next_snapshot_at(698, 5).has_value());  // the match ends first
  CHECK(match.rollback_s() == 0);
  match.saved(30);
  match.saved(25);  // an older write finishing late changes nothing
  CHECK(match.saved_s() == 30);
  match.stop(133);  // game time 33, frozen
  CHECK(match.game_time(150) == 33);
  CHECK(match.rollback_s() == doctest::Approx(3));
  match.restore(160);  // from game time 30, 27 s of pause plus the 3 s rolled back
  CHECK(match.game_time(160) == 30);
  CHECK(match.end_at() == doctest::Approx(730));
  CHECK(*match.next_snapshot_at(160, 5) == doctest::Approx(165));  // 35: an interval after the snapshot
  // Without any snapshot a restore starts the match again from the beginning.
  MatchProgress fresh(60, 0);
  fresh.stop(4);
  CHECK(fresh.rollback_s() == 4);
}

TEST_CASE("two populations share the session table without sharing rows") {
  const Scenario scenario = scenario_of(100, 10);
  Design design;
  Recorder recorder(scenario, design, 0);
  SessionSpec spec;  // memory
  auto store = make_session_store(spec);
  SessionTable sessions(*store, recorder, 2);
  const std::uint32_t web = SessionTable::owner_of(0, 3), realtime = SessionTable::owner_of(1, 3);
  CHECK(web == 3);  // web visitors' owners are their own indices
  sessions.ensure(web);
  sessions.ensure(realtime);
  sessions.create(web, 0, 1.0);
  sessions.create(realtime, 1, 1.0);
  CHECK(sessions.active() == 2);
  CHECK(sessions[web].server == 0);
  CHECK(sessions[realtime].server == 1);
  CHECK(sessions.held_by(1) == 1);
  CHECK(sessions.lose_held_by(1, 2.0) == 1);
  CHECK(sessions.alive(web));
  CHECK_FALSE(sessions.alive(realtime));
  sessions.ensure(realtime);
  sessions.create(realtime, 0, 3.0);
  CHECK(sessions.held_by(0) == 2);
  sessions.expire_idle(1e6);  // both populations expire
  CHECK(sessions.active() == 0);
}

TEST_CASE("message deliveries add up: delivered + missed + in flight") {
  const Scenario scenario = scenario_of(100, 10);
  Design design;
  Recorder recorder(scenario, design, 0);
  DeliveryLedger ledger(recorder, 5.0);
  ledger.sent(1, 3);
  ledger.sent(7, 19);
  ledger.received(1.04, 1);  // before warmup: not a latency sample
  ledger.received(7.05, 7);
  ledger.missed(8, 2);
  ledger.missed(95, 10);
  ledger.replayed(4);
  ledger.finish();
  const Summary& s = recorder.summary();
  CHECK(s.messages_sent == 2);
  CHECK(s.message_deliveries == 22);
  CHECK(s.messages_delivered == 6);
  CHECK(s.messages_replayed == 4);
  CHECK(s.messages_missed == 12);
  CHECK(s.deliveries_in_flight == 4);
  CHECK(s.message_deliveries == s.messages_delivered + s.messages_missed + s.deliveries_in_flight);
  CHECK(s.delivery_latency_p50_ms == doctest::Approx(50));
  CHECK(recorder.bucket(8).messages_missed == 2);
  CHECK(recorder.bucket(99).messages_missed == 10);
}
