// The estimate of a run's memory and work, the plan it leads to, and the machine's limit.
#include <doctest/doctest.h>

#include <string>

#include "loader_helpers.hpp"
#include "model/machine_memory.hpp"
#include "model/run_estimate.hpp"
#include "report/text_format.hpp"

using namespace statesim;
using namespace statesim::test;

namespace {

RunEstimate estimate_of(const Scenario& scenario) {
  std::vector<PlatformCost> platforms;
  for (const Design& design : scenario.designs) platforms.push_back(builtin_platform_cost(design));
  return estimate_run(scenario, platforms);
}

}  // namespace

TEST_CASE("the built-in platform's cost") {
  // A star of two hosts per server and client, lb, store: 2 kB each (20,000 servers measured ~52 MB).
  CHECK(builtin_platform_bytes(10000) == doctest::Approx(2e3 * 20003));
  CHECK(builtin_platform_bytes(20000) >= 52e6);
  const Scenario scenario = load(kHeader + "network: {client_latency: 20ms, internal_latency: 1ms, bandwidth: 1MBps}\n"
                                           "clients: {request_bytes: 1000B, response_bytes: 9000B}\n"
                                           "servers: {speed: 2}\n");
  const PlatformCost cost = builtin_platform_cost(scenario.designs[0]);
  CHECK(cost.min_request_time_s == doctest::Approx(2 * 0.021 + 10000 / 1e6));
  CHECK(cost.fastest_server_flops == 2e9);
  // think exp(5s) + network + cpu exp(5ms) on a speed-2 server.
  CHECK(request_cycle_s(scenario.designs[0], cost, 5) == doctest::Approx(5 + 0.052 + 0.0025));
}

TEST_CASE("a loop that takes no simulated time") {
  const std::string zero = kHeader + "network: {client_latency: 0s, internal_latency: 0s}\n";
  auto loop_of = [](const Design& design) { return zero_time_loop(design, builtin_platform_cost(design)); };
  Scenario scenario = load(kHeader + "clients: {think_time: 0s}\n");
  CHECK_FALSE(loop_of(scenario.designs[0]));  // the network still takes time
  // Built by hand: the loader refuses these with the key's line.
  Design design = scenario.designs[0];
  design.network.client_latency_s = design.network.internal_latency_s = 0;
  design.clients.request_bytes = design.clients.response_bytes = 0;
  design.clients.requests[0].cpu_s = Distribution{Distribution::Kind::constant, 0, 0};
  REQUIRE(loop_of(design));
  CHECK(loop_of(design)->cause == ZeroTimeLoop::Cause::think_time);
  design.clients.think_time_s = Distribution{Distribution::Kind::exponential, 1e-9, 0};
  CHECK_FALSE(loop_of(design));  // tiny but positive: the work estimate takes it from here
  design.events.push_back(ScheduledEvent{60, TrafficEvent{std::nullopt, std::nullopt, Distribution{}}});
  REQUIRE(loop_of(design));
  CHECK(loop_of(design)->cause == ZeroTimeLoop::Cause::traffic_think_time);
  CHECK(loop_of(design)->event == 0);
  design.events.clear();
  design.clients.workload = Workload::closed;
  design.clients.users = 5;
  design.clients.session_duration_s = Distribution{};
  design.clients.relogin_after_s = Distribution{};
  design.sessions.login_cpu_s = 0;
  REQUIRE(loop_of(design));
  CHECK(loop_of(design)->cause == ZeroTimeLoop::Cause::relogin_after);
}

TEST_CASE("memory grows with users, requests, buckets and the ring") {
  const RunEstimate small = estimate_of(load(kHeader));
  CHECK(small.process_bytes > 40e6);
  CHECK(small.process_bytes < 60e6);
  CHECK(small.runs == 1);
  const RunEstimate users = estimate_of(load(kHeader + "clients: {users: 10000000, think_time: exp(1000h)}\n"));
  CHECK(users.process_bytes > small.process_bytes + 10e6 * 150);
  CHECK(users.process_detail.find("10.0 million users") != std::string::npos);
  const RunEstimate ring = estimate_of(load(
      kHeader + "load_balancer: {policy: consistent_hash, virtual_nodes: 10000}\nservers: {count: 3, max: 10000}\n"));
  CHECK(ring.process_detail.find("a hash ring of 100.0 million points: 2.4 GB") != std::string::npos);
  std::string designs = kHeader + "replications: 10000\ndesigns:\n";
  for (int i = 0; i < 3000; ++i) designs += "  - {name: d" + std::to_string(i) + "}\n";
  const RunEstimate many = estimate_of(load(designs));
  CHECK(many.runs == 30'000'000);
  CHECK(many.parent_bytes > 30e6 * 2e3);
}

TEST_CASE("work grows with requests and ticks") {
  const RunEstimate ticking = estimate_of(load(
      "version: 1\nname: t\nduration: 10000000s\nreport_interval: 100s\nclients: {arrival_rate: 1/s}\n"
      "load_balancer: {health_check: {interval: 1us}}\n"));
  CHECK(ticking.work_s > 1e13 * 5e-7);  // 10^13 probe rounds
  const RunEstimate requests = estimate_of(load(kHeader + "clients: {arrival_rate: 100/s, session_duration: exp(1h), "
                                                          "think_time: exp(1s)}\n"));
  // 100 visits/s x 900 s of a 15 minute run... about 9e4 logged in at the end, ~4.5e4 on average.
  CHECK(requests.work_s > 1e7 * 1e-5);
  CHECK(requests.work_s < 1e8 * 1e-5);
}

TEST_CASE("the plan: refuse what cannot fit, run fewer at once, flag hours") {
  RunEstimate estimate;
  estimate.runs = 8;
  estimate.process_bytes = 3e9;
  estimate.process_detail = "something big: 3.0 GB";
  estimate.parent_bytes = 1e9;
  estimate.work_s = 100;
  RunPlan plan = plan_run(estimate, 4, 16e9, 4);
  CHECK(plan.refusal.empty());
  CHECK(plan.jobs == 4);
  CHECK(plan.warnings.empty());
  plan = plan_run(estimate, 8, 8e9, 8);
  CHECK(plan.jobs == 2);
  REQUIRE(plan.warnings.size() == 1);
  CHECK(plan.warnings[0] == "running 2 simulations at a time instead of 8: each needs about 3.0 GB (something big: "
                            "3.0 GB) of this machine's 8.0 GB");
  plan = plan_run(estimate, 1, 3.5e9, 2);
  CHECK(plan.refusal.find("the run needs about 4.0 GB of memory, more than this machine's 3.5 GB") == 0);
  estimate.work_s = 4 * 3600 * 2;
  plan = plan_run(estimate, 2, 16e9, 2);
  REQUIRE(plan.warnings.size() == 1);
  CHECK(plan.warnings[0].find("this run will take about 4 hours") == 0);
  estimate.work_s = 8 * 86400 * 2;
  CHECK(plan_run(estimate, 2, 16e9, 2).refusal.find("the run would take about 8 days") == 0);
  CHECK(plan_run(estimate, 2, 16e9, 1).refusal.find("about 16 days") != std::string::npos);
}

TEST_CASE("bytes and wall times for messages") {
  CHECK(format_bytes(512) == "512 B");
  CHECK(format_bytes(2.5e6) == "2 MB");
  CHECK(format_bytes(7.2e9) == "7.2 GB");
  CHECK(format_bytes(3e15) == "3e+03 TB");
  CHECK(format_wall_time(30) == "about 30 seconds");
  CHECK(format_wall_time(3 * 3600) == "about 3 hours");
  CHECK(format_wall_time(61 * 86400) == "about 61 days");
}

TEST_CASE("the machine's memory limit") {
  CHECK(meminfo_total_bytes("MemTotal:       24576000 kB\nMemFree: 1 kB\n") == 24576000.0 * 1024);
  CHECK_FALSE(meminfo_total_bytes("MemFree: 1 kB\n"));
  CHECK(cgroup_limit_bytes("4294967296\n") == 4294967296.0);
  CHECK_FALSE(cgroup_limit_bytes("max\n"));
  CHECK_FALSE(cgroup_limit_bytes("9223372036854771712\n"));  // cgroup v1: no limit
  CHECK_FALSE(cgroup_limit_bytes(""));
  CHECK_FALSE(cgroup_limit_bytes("lots"));
  const double limit = machine_memory_bytes();
  CHECK(limit > 64e6);
}

TEST_CASE("JSON strings escape what a terminal would act on") {
  CHECK(json_string("a\u202eb\x7f\xc2\x9b") == "\"a\\u202eb\\u007f\\u009b\"");
  CHECK(json_string("é ± \"\\") == "\"é ± \\\"\\\\\"");
}
