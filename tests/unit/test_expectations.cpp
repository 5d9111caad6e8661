#include <doctest/doctest.h>

#include <cmath>

#include "model/expectations.hpp"
#include "scenario/loader.hpp"

using namespace statesim;

namespace {
Scenario with_expectations(const std::string& lines) {
  const std::string text = "version: 1\nname: e\nduration: 1m\ndesigns:\n  - name: a\n  - name: b\nexpect:\n" + lines;
  Scenario scenario = load_scenario_text(text, "e.yaml", ".");
  parse_expectations(scenario);  // fields are checked against the report's table
  return scenario;
}
}  // namespace

TEST_CASE("an expectation compares a field with a number or with another design's field") {
  const auto parsed = parse_expectations(with_expectations(
      "  - \"a.sessions_lost > 100\"\n  - \"a.latency_p99_ms > b.latency_p99_ms\"\n  - \"b.ok >= -1.5\"\n"));
  REQUIRE(parsed.size() == 3);
  CHECK(parsed[0].other_design.empty());
  CHECK(parsed[0].value == 100);
  CHECK(parsed[0].holds(101));
  CHECK_FALSE(parsed[0].holds(100));
  CHECK(parsed[1].other_design == "b");
  CHECK(parsed[1].other_field == "latency_p99_ms");
  CHECK(parsed[1].holds(20, 10));
  CHECK_FALSE(parsed[1].holds(10, 20));
  CHECK_FALSE(parsed[1].holds(20, NAN));
  CHECK(parsed[2].value == -1.5);
}

TEST_CASE("an expectation naming an unknown design or field on either side is refused") {
  CHECK_THROWS_WITH_AS(with_expectations("  - \"a.ok > c.ok\"\n"), doctest::Contains("unknown design \"c\""),
                       ScenarioError);
  CHECK_THROWS_WITH_AS(with_expectations("  - \"a.ok > b.okk\"\n"), doctest::Contains("did you mean \"ok\""),
                       ScenarioError);
  CHECK_THROWS_WITH_AS(with_expectations("  - \"a.ok > b.\"\n"), doctest::Contains("neither a number"),
                       ScenarioError);
}

TEST_CASE("an expectation may compare a fraction field with a percentage") {
  const std::vector<Expectation> parsed =
      parse_expectations(with_expectations("  - \"a.cpu_utilization < 60%\"\n"));
  REQUIRE(parsed.size() == 1);
  CHECK(parsed[0].percent);
  CHECK(parsed[0].value == doctest::Approx(0.6));
  CHECK(parsed[0].holds(0.59));
  CHECK_FALSE(parsed[0].holds(0.61));
  CHECK_THROWS_WITH_AS(parse_expectations(with_expectations("  - \"a.sessions_lost < 5%\"\n")),
                       doctest::Contains("\"sessions_lost\" is not a fraction"), ScenarioError);
  CHECK_THROWS_WITH_AS(parse_expectations(with_expectations("  - \"a.cpu_utilization < %\"\n")),
                       doctest::Contains("is not a finite decimal number"), ScenarioError);
}
