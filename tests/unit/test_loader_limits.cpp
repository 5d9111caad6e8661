// Magnitudes the engine cannot take, refused at load with the key and the bound.
#include <doctest/doctest.h>

#include <string>

#include "loader_helpers.hpp"
#include "scenario/units.hpp"

using namespace statesim;
using namespace statesim::test;

TEST_CASE("server speeds SimGrid cannot simulate") {
  CHECK(contains(error_of(kHeader + "servers: {speed: 1e308}\n"),
                 "servers.speed: expected a number between 1e-06 and 1e+06, got \"1e308\" (a speed multiplies the "
                 "built-in 1e9 flops per second; SimGrid cannot simulate hosts far beyond)"));
  CHECK(contains(error_of(kHeader + "servers: {speed: 0.0000001}\n"), "servers.speed: expected a number between"));
  CHECK(load(kHeader + "servers: {speed: 1e6}\n").designs[0].servers.speed == 1e6);
  CHECK(load(kHeader + "servers: {speed: 1e-6}\n").designs[0].servers.speed == 1e-6);
  CHECK(contains(error_of(kHeader + "clients: {requests: [{name: a, weight: 1e300}]}\n"),
                 "clients.requests[0].weight: expected a number between 0 and 1e+12"));
}

TEST_CASE("sizes are whole bytes a 64-bit count holds exactly") {
  CHECK(parse_size("9007199254740992B") == kLargestSize_B);
  CHECK_THROWS_WITH_AS(parse_size("18446744073709551616B"), doctest::Contains("larger than"), UnitError);
  CHECK_THROWS_WITH_AS(parse_size("20000000GB"), doctest::Contains("2^53 bytes"), UnitError);
  CHECK_THROWS_WITH_AS(parse_size("1.5B"), doctest::Contains("1.5 bytes: a size is a whole number of bytes"), UnitError);
  CHECK(parse_size("1.5KB") == 1500);
  CHECK(contains(error_of(kHeader + "clients: {response_bytes: 2e19B}\n"), "clients.response_bytes: expected a size"));
}

TEST_CASE("a lognormal law too spread to be simulated") {
  CHECK_THROWS_WITH_AS(parse_distribution("lognormal(1ms, 1e200s)"),
                       doctest::Contains("lognormal(mean, sd) needs sd <= 1000 x mean"), UnitError);
  CHECK(parse_distribution("lognormal(1ms, 1s)").b == 1);
  CHECK_THROWS_AS(parse_distribution("lognormal(1ms, 1001ms)"), UnitError);
}

TEST_CASE("seeds as the command line gives them") {
  CHECK(parse_seed("0") == 0);
  CHECK(parse_seed("18446744073709551615") == 18446744073709551615ULL);
  CHECK_THROWS_WITH_AS(parse_seed("-1"),
                       "expected a whole number between 0 and 18446744073709551615, got \"-1\"", UnitError);
  CHECK_THROWS_WITH_AS(parse_seed("123456789012345678901234567890"), doctest::Contains("(too large)"), UnitError);
  CHECK_THROWS_AS(parse_seed(""), UnitError);
  CHECK_THROWS_AS(parse_seed("+5"), UnitError);
  CHECK_THROWS_AS(parse_seed("007"), UnitError);
  CHECK_THROWS_AS(parse_seed("1e3"), UnitError);
}

TEST_CASE("designs that would each copy a large event list") {
  std::string text = kHeader + "events:\n";
  for (int i = 0; i < 600; ++i) text += "  - {at: " + std::to_string(i) + "s, revoke: 1%}\n";
  text += "designs:\n";
  for (int i = 0; i < 2000; ++i) text += "  - {name: d" + std::to_string(i) + "}\n";
  CHECK(contains(error_of(text), "designs: 2000 designs x 600 events of the base file is 1200000 events to hold, above "
                                 "the limit of 1000000"));
  ScenarioLimits few;
  few.max_design_events = 1000;
  std::string own = kHeader + "designs:\n";
  for (int i = 0; i < 3; ++i) {
    own += "  - name: d" + std::to_string(i) + "\n    events:\n";
    for (int k = 0; k < 400; ++k) own += "      - {at: " + std::to_string(k) + "s, revoke: 1%}\n";
  }
  CHECK(contains(error_of(own, few), "designs[2]: the designs so far hold 1200 events, above the limit of 1000"));
}
