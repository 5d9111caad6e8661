// The memory estimate of a run against what runs measured on Debian 12 (x86-64): it must not
// be below the measured peak (a scheduler would kill the task), nor far above it (it would
// waste a cluster's memory, or refuse a run that fits).
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "model/memory_estimate.hpp"
#include "scenario/loader.hpp"

using namespace statesim;

namespace {

constexpr double kMB = 1e6;

Scenario load(const std::string& text) { return load_scenario_text(text, "test.yaml", "."); }

// ../shared/bench/scale-200k.yaml: measured 5,883,006 answered requests and a peak resident
// memory of 148,736 KiB (152 MB) for the run.
const std::string kScale200k = R"(version: 1
name: scale-200k
seed: 1
duration: 10m
clients:
  users: 200000
  ramp_up: 20s
  relogin_after: exp(1m)
  session_duration: exp(30m)
  think_time: exp(20s)
  requests:
    - {name: page, weight: 1, cpu: exp(4ms)}
load_balancer: {policy: least_connections}
servers: {count: 64, cores: 1, workers: 1}
sessions: {store: redis}
events:
  - {at: 5m, crash: app-7}
)";

// A few users on a pool of `servers` hosts: measured 34 MB in all with 10, 59 MB with 2,000
// and 963 MB with 10,000 (the full routing table).
std::string pool_of(int servers, const std::string& policy = "round_robin") {
  return "version: 1\nname: pool\nduration: 10s\n"
         "clients: {arrival_rate: 1/s, session_duration: exp(1m), think_time: exp(5s)}\n"
         "servers: {count: 2, max: " +
         std::to_string(servers) + "}\nload_balancer: {policy: " + policy + ", virtual_nodes: 1000}\n";
}

}  // namespace

TEST_CASE("memory estimate: scale-200k, against its measured requests and peak memory") {
  const Scenario scenario = load(kScale200k);
  const double answered = estimate_answered_requests(scenario, scenario.designs[0]);
  CHECK(answered >= 5'883'006);
  CHECK(answered <= 1.1 * 5'883'006);
  const double peak = estimate_memory(scenario).peak_bytes(1);
  CHECK(peak >= 152 * kMB);
  CHECK(peak <= 3 * 152 * kMB);
}

TEST_CASE("memory estimate: the routing table of a large host pool") {
  const double small = estimate_memory(load(pool_of(10))).peak_bytes(1);
  CHECK(small >= 34 * kMB);
  CHECK(small <= 3 * 34 * kMB);
  const double large = estimate_run_bytes(load(pool_of(10'000)), load(pool_of(10'000)).designs[0]);
  CHECK(large >= (963 - 34) * kMB);
  CHECK(large <= 2 * 963 * kMB);
  // A consistent-hash ring adds its points: 10,000 servers x 1,000 points, 16 bytes each at least.
  const Scenario hashed = load(pool_of(10'000, "consistent_hash"));
  CHECK(estimate_run_bytes(hashed, hashed.designs[0]) - large >= 10'000.0 * 1000 * 16);
}

TEST_CASE("memory estimate: grows with users, replications and parallel runs") {
  const std::string base = "version: 1\nname: grow\nduration: 1h\nreport_interval: 1s\n";
  const Scenario few = load(base + "clients: {users: 1000, think_time: exp(5s)}\n");
  const Scenario many = load(base + "clients: {users: 100000, think_time: exp(5s)}\n");
  CHECK(estimate_memory(many).largest_run_bytes > estimate_memory(few).largest_run_bytes + 99'000 * 200);

  const Scenario once = load(base + "replications: 1\nclients: {users: 1000}\n");
  const Scenario often = load(base + "replications: 100\nclients: {users: 1000}\n");
  // 3,600 buckets of at least 100 bytes kept per run in the parent.
  CHECK(estimate_memory(often).results_bytes - estimate_memory(once).results_bytes >= 99 * 3600 * 100.0);

  const MemoryEstimate estimate = estimate_memory(few);
  CHECK(estimate.peak_bytes(4) - estimate.peak_bytes(3) ==
        doctest::Approx(estimate.process_bytes + estimate.largest_run_bytes));
}

TEST_CASE("memory estimate: a run that takes no simulated time per request has no bound") {
  const Scenario scenario = load(
      "version: 1\nname: zero\nduration: 1m\nnetwork: {client_latency: 0s, internal_latency: 0s}\n"
      "clients: {users: 10, think_time: 0s, requests: [{name: page, cpu: 0s}]}\nsessions: {login_cpu: 0s}\n");
  CHECK(std::isinf(estimate_answered_requests(scenario, scenario.designs[0])));
  CHECK(std::isinf(estimate_memory(scenario).peak_bytes(1)));
}
