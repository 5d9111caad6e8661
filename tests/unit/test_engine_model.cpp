// The SimGrid-free parts of the engine: the timed queue under the clock, the session table,
// the recorder, the autoscaler's rule and the name tables.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "model/autoscale_rule.hpp"
#include "model/metrics.hpp"
#include "model/recorder.hpp"
#include "model_helpers.hpp"
#include "model/session_table.hpp"
#include "model/timed_queue.hpp"
#include "scenario/config.hpp"

using namespace statesim;

TEST_CASE("the timed queue runs actions by time, then lane, then insertion order") {
  TimedQueue queue;
  std::vector<std::string> ran;
  auto note = [&ran](std::string what) { return [&ran, what] { ran.push_back(what); }; };
  queue.push(2.0, note("b"));
  queue.push(1.0, note("a"));
  queue.push(2.0, note("c"));
  queue.push(2.0, note("timeout"), TimedQueue::Lane::first);
  queue.push(0.5, note("first"));
  queue.push(2.0, note("bucket end"), TimedQueue::Lane::observe);
  while (!queue.empty()) queue.pop()();
  CHECK(ran == std::vector<std::string>{"first", "a", "bucket end", "timeout", "b", "c"});
}

TEST_CASE("a cancelled action leaves the queue at once and its ticket names nothing after") {
  TimedQueue queue;
  int fired = 0;
  auto ticket = queue.push(1.0, [&fired] { fired += 1; });
  auto later = queue.push(5.0, [&fired] { fired += 10; });
  CHECK(queue.pending(ticket));
  queue.cancel(ticket);
  CHECK(ticket.empty());
  CHECK_FALSE(queue.pending(ticket));
  CHECK(queue.size() == 1);
  CHECK(queue.top_time() == 5.0);
  queue.cancel(ticket);  // harmless twice
  // A slot reused by a new action is not cancelled through an old ticket of the same slot.
  auto old_copy = later;
  queue.pop()();
  CHECK(fired == 10);
  auto reused = queue.push(7.0, [&fired] { fired += 100; });
  queue.cancel(old_copy);
  CHECK(queue.pending(reused));
  queue.pop()();
  CHECK(fired == 110);
}

TEST_CASE("the timed queue stays ordered through many random pushes and cancels") {
  TimedQueue queue;
  RandomStream rng(7);
  std::vector<TimedQueue::Ticket> tickets;
  std::vector<double> popped;
  int cancelled = 0;
  for (int i = 0; i < 20000; ++i) {
    const double t = rng.uniform01() * 1000;
    tickets.push_back(queue.push(t, [&popped, t] { popped.push_back(t); }));
    if (rng.uniform01() < 0.3) {
      auto& victim = tickets[rng.below(tickets.size())];
      if (queue.pending(victim)) cancelled++;
      queue.cancel(victim);
    }
  }
  CHECK(queue.size() == static_cast<std::size_t>(20000 - cancelled));
  while (!queue.empty()) queue.pop()();
  CHECK(popped.size() == static_cast<std::size_t>(20000 - cancelled));
  CHECK(std::is_sorted(popped.begin(), popped.end()));
}

TEST_CASE("FIFO lanes of constant delays merge with the heap in (time, lane, order), cancels skipped") {
  TimedQueue queue;
  std::vector<std::string> ran;
  auto note = [&ran](std::string what) { return [&ran, what] { ran.push_back(what); }; };
  const auto fifo = queue.add_fifo();
  queue.push(fifo, 1.0, note("f1"));
  auto cancelled = queue.push(fifo, 2.0, note("f2"));
  queue.push(fifo, 2.0, note("f3"), TimedQueue::Lane::first);
  queue.push(2.0, note("h2"));
  queue.push(0.5, note("h0"));
  queue.push(fifo, 3.0, note("f4"));
  CHECK(queue.size() == 6);
  queue.cancel(cancelled);
  CHECK(queue.size() == 5);
  CHECK_FALSE(queue.pending(cancelled));
  while (!queue.empty()) queue.pop()();
  // f3 is in the first lane: before h2 at the same time; the cancelled f2 never runs.
  CHECK(ran == std::vector<std::string>{"h0", "f1", "f3", "h2", "f4"});
  CHECK(queue.size() == 0);
  // Slots of cancelled FIFO entries are reused once they have left the FIFO.
  auto again = queue.push(fifo, 4.0, note("f5"));
  CHECK(queue.pending(again));
  queue.pop()();
  CHECK(ran.back() == "f5");
}

TEST_CASE("the timed queue matches a sorted reference through FIFO ring growth, wrap-around and cancels") {
  // Two FIFOs of constant delays and the heap, pushed and cancelled at random while time moves
  // on: every action comes out exactly in (time, lane, insertion order), cancelled ones never.
  TimedQueue queue;
  RandomStream rng(11);
  const TimedQueue::FifoId short_delay = queue.add_fifo();
  const TimedQueue::FifoId long_delay = queue.add_fifo();
  struct Expected {
    double time;
    int lane;
    int id;
  };
  std::vector<Expected> expected;
  std::vector<std::pair<TimedQueue::Ticket, int>> tickets;
  std::vector<bool> cancelled;
  std::vector<int> ran;
  double now = 0;
  int next_id = 0;
  for (int round = 0; round < 3000; ++round) {
    for (int k = 0; k < 12; ++k) {
      const int id = next_id++;
      const double choice = rng.uniform01();
      TimedQueue::Ticket ticket;
      auto action = [&ran, id] { ran.push_back(id); };
      double time = 0;
      if (choice < 0.4) {
        time = now + 0.02;
        ticket = queue.push(short_delay, time, action);
      } else if (choice < 0.7) {
        time = now + 10.0;
        ticket = queue.push(long_delay, time, action);
      } else {
        time = now + rng.uniform01() * 30;
        ticket = queue.push(time, action);
      }
      expected.push_back(Expected{time, 2, id});
      tickets.emplace_back(ticket, id);
      cancelled.push_back(false);
    }
    for (int k = 0; k < 9; ++k) {  // cancel most, as answered requests cancel their timeouts
      auto& [ticket, id] = tickets[rng.below(tickets.size())];
      if (queue.pending(ticket)) cancelled[static_cast<std::size_t>(id)] = true;
      queue.cancel(ticket);
      CHECK_FALSE(queue.pending(ticket));
    }
    now += 0.01;
    while (!queue.empty() && queue.top_time() <= now) queue.pop()();
  }
  while (!queue.empty()) queue.pop()();
  std::vector<int> want;
  std::stable_sort(expected.begin(), expected.end(),
                   [](const Expected& x, const Expected& y) { return x.time < y.time; });
  for (const Expected& e : expected)
    if (!cancelled[static_cast<std::size_t>(e.id)]) want.push_back(e.id);
  CHECK(ran == want);
}

TEST_CASE("cancelled heap actions are compacted away once they outnumber the live ones") {
  TimedQueue queue;
  RandomStream rng(5);
  std::vector<TimedQueue::Ticket> tickets;
  std::vector<double> popped;
  for (int i = 0; i < 20000; ++i) {
    const double t = rng.uniform01() * 100;
    tickets.push_back(queue.push(t, [&popped, t] { popped.push_back(t); }));
  }
  for (int i = 0; i < 15000; ++i) queue.cancel(tickets[static_cast<std::size_t>(i)]);
  CHECK(queue.size() == 5000);
  // Compaction ran when the stale entries outnumbered the live ones (beyond 4096 of them).
  CHECK(queue.stale_entries() <= 5000);
  while (!queue.empty()) queue.pop()();
  CHECK(popped.size() == 5000);
  CHECK(std::is_sorted(popped.begin(), popped.end()));
}

TEST_CASE("a ticket of a popped FIFO action names nothing, even once its ring position is reused") {
  TimedQueue queue;
  const auto fifo = queue.add_fifo();
  int fired = 0;
  auto first = queue.push(fifo, 1.0, [&fired] { fired += 1; });
  queue.pop()();
  CHECK_FALSE(queue.pending(first));
  std::vector<TimedQueue::Ticket> later;
  for (int i = 0; i < 40; ++i) later.push_back(queue.push(fifo, 2.0 + i, [&fired] { fired += 10; }));
  queue.cancel(first);  // names nothing: the 40 stay
  CHECK(queue.size() == 40);
  CHECK(queue.pending(later.front()));
  CHECK(queue.pending(later.back()));
}

using test::scenario_of;

TEST_CASE("the session table counts sessions, where they live, and what a crash takes") {
  const Scenario scenario = scenario_of(100, 10);
  Design design;
  design.name = "d";
  Recorder recorder(scenario, design, 0);
  SessionSpec spec;  // memory
  auto store = make_session_store(spec);
  SessionTable sessions(*store, recorder, 3);
  for (std::uint32_t u = 0; u < 5; ++u) {
    sessions.ensure(u);
    sessions.create(u, static_cast<int>(u % 2), 1.0);
  }
  CHECK(sessions.active() == 5);
  CHECK(sessions.held_by(0) == 3);
  CHECK(sessions.held_by(1) == 2);
  CHECK(sessions.check(1, 1, 2.0));
  CHECK_FALSE(sessions.check(1, 0, 2.0));  // elsewhere: the session is ended
  CHECK(sessions.active() == 4);
  CHECK(sessions.lose_held_by(0, 3.0) == 3);
  CHECK(sessions.held_by(0) == 0);
  sessions.end(3);
  const RunResult result = recorder.finish(100, BucketSnapshot{sessions.active(), 0, 0, 0, 0}, 0);
  CHECK(result.summary.sessions_started == 5);
  CHECK(result.summary.sessions_lost == 3);
  CHECK(result.summary.sessions_ended == 2);
  CHECK(result.summary.sessions_abandoned == 1);  // the one found elsewhere; a lost one is not
  CHECK(result.summary.sessions_active == 0);
  CHECK(result.buckets[0].logins == 5);
}

TEST_CASE("the recorder turns busy and service seconds into utilisations, waits into means") {
  const Scenario scenario = scenario_of(100, 50);
  Design design;
  Recorder recorder(scenario, design, 0);
  recorder.worker_taken(10, 0.0);
  recorder.worker_taken(20, 0.3);
  recorder.store_slot_taken(0.02);
  recorder.store_slot_taken(0.0);
  recorder.page_ok(5);
  recorder.page_ok(60);
  BucketSnapshot first;
  first.busy_worker_s = 40;
  first.service_worker_s = 100;
  first.has_store = true;
  first.store_busy_slot_s = 5;
  first.store_slot_s = 50;
  recorder.close_bucket(0, first);
  recorder.worker_taken(60, 0.5);
  BucketSnapshot end = first;
  end.busy_worker_s = 100;
  end.service_worker_s = 200;
  end.store_busy_slot_s = 5;  // the store idle over the second bucket
  end.store_slot_s = 100;
  const RunResult result = recorder.finish(100, end, 0);
  CHECK(result.buckets[0].worker_utilization == doctest::Approx(0.4));
  CHECK(result.buckets[1].worker_utilization == doctest::Approx(0.6));
  CHECK(result.buckets[0].store_utilization == doctest::Approx(0.1));
  CHECK(result.buckets[1].store_utilization == doctest::Approx(0.0));
  CHECK(result.buckets[0].queue_wait_ms == doctest::Approx(150));
  CHECK(result.buckets[1].queue_wait_ms == doctest::Approx(500));
  CHECK(result.summary.worker_utilization == doctest::Approx(0.5));
  CHECK(result.summary.store_utilization == doctest::Approx(0.05));
  CHECK(result.summary.queue_wait_ms == doctest::Approx(800.0 / 3));
  CHECK(result.summary.store_wait_ms == doctest::Approx(10));
  CHECK(result.summary.page_throughput_rps == doctest::Approx(2.0 / 100));

  Recorder without_store(scenario, design, 0);
  const RunResult plain = without_store.finish(100, BucketSnapshot{}, 0);
  CHECK(std::isnan(plain.summary.store_utilization));
  CHECK(std::isnan(plain.summary.store_wait_ms));
  CHECK(std::isnan(plain.summary.queue_wait_ms));
}

TEST_CASE("the recorder's event windows count what follows an event until the next one, a minute at most") {
  const Scenario scenario = scenario_of(300, 10);
  Design design;
  Recorder recorder(scenario, design, 0);
  recorder.add_event(10, EventKind::crash, "app-1", 0, "");
  recorder.forced_logout(20);
  recorder.add_note(30, EventKind::deploy_done, "all", "");  // a note neither opens nor cuts a window
  recorder.forced_logout(40);
  recorder.request_failed(50, FailureCause::reset);  // counted first, then its event's row is added
  recorder.add_event(50, EventKind::crash, "app-2", 0, "");
  recorder.request_failed(60, FailureCause::reset);
  recorder.request_failed(75, FailureCause::timeout);  // inside the second window only
  recorder.request_failed(111, FailureCause::timeout);  // past both windows
  recorder.add_event(280, EventKind::restart, "app-2", 0, "");
  const RunResult result = recorder.finish(300, BucketSnapshot{}, 0);
  REQUIRE(result.events.size() == 4);
  CHECK(result.events[0].forced_logouts_after == 2);
  CHECK(result.events[0].failed_after == 0);
  CHECK(result.events[0].window_s == 40);  // cut by the crash at 50
  CHECK_FALSE(result.events[1].has_window());
  CHECK(result.events[2].failed_after == 3);
  CHECK(result.events[2].window_s == 60);
  CHECK(result.events[3].window_s == 20);  // cut by the end of the run
  CHECK(result.summary.failed == 4);
  CHECK(result.buckets[7].failed == 1);
}

TEST_CASE("the recorder's Little's law check holds over requests in and out of the system") {
  const Scenario scenario = scenario_of(10, 1);
  Design design;
  Recorder recorder(scenario, design, 0);
  recorder.request_sent(1);
  recorder.request_sent(2);
  recorder.request_left(4, 1);
  recorder.request_ok(4, 1);
  const RunResult result = recorder.finish(10, BucketSnapshot{}, 10 - 2);  // one still in the system
  CHECK(result.summary.littles_law_error < 1e-12);
  CHECK(result.summary.latency_mean_ms == doctest::Approx(3000));
  CHECK(result.summary.in_flight == 1);
}

TEST_CASE("the autoscaler tracks its target within min and max") {
  AutoscaleSpec autoscale;
  autoscale.target = 0.6;
  autoscale.min = 2;
  autoscale.max = 10;
  CHECK(desired_servers(autoscale, 4, 0.6) == 4);   // exactly on target: no change
  CHECK(desired_servers(autoscale, 4, 0.9) == 6);
  CHECK(desired_servers(autoscale, 4, 0.1) == 2);   // not below min
  CHECK(desired_servers(autoscale, 8, 1.0) == 10);  // not above max
}

TEST_CASE("every value of every named enum has one name that parses back to it") {
  auto check_table = [](const auto& table) {
    for (const auto& [name, value] : table.entries) {
      CHECK(table.name(value) == name);
      CHECK(table.parse(name) == value);
    }
    CHECK_FALSE(table.parse("no-such-name").has_value());
  };
  check_table(kLbPolicyNames);
  check_table(kStoreKindNames);
  check_table(kPersistenceNames);
  check_table(kOnForcedLogoutNames);
  check_table(kEventActionNames);
  check_table(kScaleInPickNames);
  check_table(kEventKindNames);
  check_table(kFailureCauseNames);
  check_table(kRetryJitterNames);
  check_table(kUploadModeNames);
  check_table(kEffectStateNames);
  check_table(kIdempotencyNames);
  CHECK(kEventActionNames.size() == std::variant_size_v<EventAction>);
  CHECK(std::string(failure_cause_name(FailureCause::no_server)) == "no_server");
}
