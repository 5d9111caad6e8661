// What a design offers its CPU, workers and store before a run, and the notes on what saturated
// after it.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "loader_helpers.hpp"
#include "model/abandonment.hpp"
#include "model/capacity.hpp"

using namespace statesim;
using namespace statesim::test;

namespace {

// 6,000 users logged in (10/s x 10 min) thinking 30 s: 200 pages/s, 10 logins and 10 logouts/s.
const std::string kDatabaseDesign = kHeader + R"(clients:
  arrival_rate: 10/s
  session_duration: 10m
  think_time: 30s
  requests: [{name: page, weight: 1, cpu: 2ms}]
network: {internal_latency: 250us}
servers: {count: 4, cores: 2, workers: 2}
sessions:
  store: database
  login_cpu: 2ms
  database: {query_time: 50ms, connections: 20}
)";

bool has(const std::vector<std::string>& lines, const std::string& part) {
  for (const std::string& line : lines)
    if (contains(line, part)) return true;
  return false;
}

}  // namespace

TEST_CASE("offered load: a worker holds a request through its store operations and its CPU") {
  const Scenario scenario = load(kDatabaseDesign);
  const OfferedLoad load = offered_load(scenario.designs[0]);
  CHECK(load.requests_per_s == doctest::Approx(200));
  CHECK(load.visits_per_s == doctest::Approx(10));
  CHECK(load.all_requests_per_s == doctest::Approx(220));
  // Operations: a read per page (200), a write per login (10), a read and a delete per logout (20).
  CHECK(load.store_ops_per_s == doctest::Approx(230));
  const double operation_s = 0.050 + 2 * 250e-6;
  CHECK(load.store_part_s == doctest::Approx(230 * operation_s / 220));
  CHECK(load.worker_hold_s == doctest::Approx(load.store_part_s + 0.002));
  CHECK(load.worker_capacity_per_s == doctest::Approx(8 / load.worker_hold_s));
  CHECK(load.store_capacity_per_s == doctest::Approx(20 / 0.050));
  CHECK(load.store_name == "database");

  const std::vector<std::string> warnings = capacity_warnings(scenario);
  CHECK(has(warnings,
            "about 220 requests/s are offered to 8 workers (4 servers x 2), which serve at most about "
            "146/s: a request holds its worker 54.8 ms on average (52.8 ms of it waiting for the "
            "database)"));
  CHECK_FALSE(has(warnings, "store operations/s"));  // 20 connections serve 400/s
  CHECK_FALSE(has(warnings, "CPU load"));
}

TEST_CASE("offered load: the store's connections, and a CPU-bound design warned once") {
  const Scenario few =
      load(kDatabaseDesign + "designs:\n  - name: few\n    sessions: {database: {connections: 4}}\n");
  const std::vector<std::string> warnings = capacity_warnings(few);
  CHECK(has(warnings,
            "few: about 230 store operations/s are offered to the database connections, which serve at "
            "most about 80/s (50 ms each): that is 288% of its capacity"));
  // Without a store, workers that only run CPU saturate with the cores: one warning, about the CPU.
  const Scenario cpu = load(kHeader + R"(clients: {arrival_rate: 10/s, session_duration: 10m, think_time: 1s}
servers: {count: 2, cores: 2}
)");
  const std::vector<std::string> cpu_warnings = capacity_warnings(cpu);
  CHECK(has(cpu_warnings, "the offered CPU load is about"));
  CHECK_FALSE(has(cpu_warnings, "workers"));
}

TEST_CASE("offered load: jwt refresh tokens add one refresh per access token's life") {
  const Scenario scenario = load(kHeader + R"(clients:
  arrival_rate: 10/s
  session_duration: 10m
  think_time: 30s
  timeout: 10s
sessions:
  store: jwt
  jwt: {expiry: 2m, refresh: {expiry: 7d}}
)");
  const OfferedLoad load = offered_load(scenario.designs[0]);
  CHECK(load.has_store);
  CHECK(load.refreshes_per_s == doctest::Approx(6000.0 / (110 + 30)));
  // A write at login, a delete at logout, a read per refresh; pages check the token alone.
  CHECK(load.store_ops_per_s == doctest::Approx(20 + load.refreshes_per_s));
  CHECK(load.store_slots == 1);
}

TEST_CASE("saturation notes name the busy resource and its wait") {
  const Scenario scenario = load(kDatabaseDesign);
  Utilization used;
  used.cpu = 0.036;
  used.workers = 0.9998;
  used.queue_wait_ms = 1912;
  used.store = 0.38;
  used.store_wait_ms = 0;
  std::vector<std::string> notes = saturation_notes(scenario.designs[0], used);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0] ==
        "app server workers 100% busy: requests wait 1.9 s for one (CPU only 4% busy: a worker waits "
        "for the database during each store operation)");
  used.store = 1.0;
  used.store_wait_ms = 47.7;
  notes = saturation_notes(scenario.designs[0], used);
  REQUIRE(notes.size() == 2);
  CHECK(notes[1] == "database connections 100% busy: requests wait 48 ms for one");
  used = Utilization{};
  used.cpu = 0.95;
  used.workers = 0.95;
  used.queue_wait_ms = 3.25;
  notes = saturation_notes(scenario.designs[0], used);
  REQUIRE(notes.size() == 2);
  CHECK(notes[0] == "app server workers 95% busy: requests wait 3.2 ms for one");  // the CPU is busy too
  CHECK(notes[1] == "CPU 95% busy");
  used = Utilization{};
  used.store = NAN;
  used.workers = 0.5;
  CHECK(saturation_notes(scenario.designs[0], used).empty());
}

TEST_CASE("the note on abandoned sessions names the design's cause") {
  Design design;  // memory sessions behind round robin, three servers: the format's defaults
  CHECK(abandonment_note(design, 0).empty());
  CHECK(abandonment_note(design, NAN).empty());
  CHECK(abandonment_note(design, 1234.4) ==
        "1,234 sessions abandoned: a memory session lives on the server that handled the login, and "
        "round_robin sends the user's next requests to any server (with 3 in rotation, about 2 in 3 reach "
        "one without it); sticky_cookie sends each user back to that server, and a shared store (redis, "
        "database) or jwt lets any server answer");
  CHECK(abandonment_note(design, 1).rfind("1 session abandoned: ", 0) == 0);
  design.servers.count = 1;  // abandoned only after a scale-out: no share to quote
  CHECK(abandonment_note(design, 5).find("sends the user's next requests to any server; sticky_cookie") !=
        std::string::npos);
  design.servers.count = 3;
  design.load_balancer.policy = LbPolicy::ip_hash;
  CHECK(abandonment_note(design, 5).find("ip_hash maps each client IP to one of the servers in rotation, "
                                         "and when that set changed") != std::string::npos);
  CHECK(abandonment_note(design, 5).find("(consistent_hash moves fewer of them)") != std::string::npos);
  design.load_balancer.policy = LbPolicy::consistent_hash;
  CHECK(abandonment_note(design, 5).find("moves fewer") == std::string::npos);
  design.load_balancer.policy = LbPolicy::sticky_cookie;
  CHECK(abandonment_note(design, 5).find("sticky_cookie sent these users to another server while theirs "
                                         "was out of rotation") != std::string::npos);
  design.sessions.store = StoreKind::redis;  // a shared store loses sessions; it never abandons them
  CHECK(abandonment_note(design, 5).empty());
  design.sessions.store = StoreKind::jwt;
  CHECK(abandonment_note(design, 5).find("refresh tokens were lost in a crash of the redis") !=
        std::string::npos);
}
