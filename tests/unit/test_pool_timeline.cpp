// Crashes and restarts of servers the run could not act on: refused when certain, flagged
// when a drain or the autoscaler makes the pool uncertain.
#include <doctest/doctest.h>

#include "loader_helpers.hpp"
#include "scenario/pool_timeline.hpp"

using namespace statesim;
using namespace statesim::test;
using Membership = PoolTimeline::Membership;

TEST_CASE("the pool replayed from scale events") {
  PoolTimeline pool(3, 6, false, 0);
  CHECK(!pool.never_started(2));
  CHECK(pool.never_started(3));
  CHECK(pool.membership(2) == Membership::member);
  pool.scale(60, 5, 0);  // starts app-4, app-5
  CHECK(!pool.never_started(4));
  CHECK(pool.never_started(5));
  CHECK(pool.membership(4) == Membership::member);
  pool.scale(120, 2, 30);  // drains app-3..app-5
  CHECK(pool.membership(1) == Membership::member);
  CHECK(pool.membership(2) == Membership::out);
  pool.scale(140, 4, 0);  // while they may still drain: app-3/app-4 or app-6 may start
  CHECK(!pool.never_started(5));
  CHECK(pool.membership(1) == Membership::member);
  CHECK(pool.membership(3) == Membership::unknown);
}

TEST_CASE("a scale-out after every drain is over keeps the pool exact") {
  PoolTimeline pool(4, 6, false, 0);
  pool.scale(60, 2, 10);
  pool.scale(70, 4, 0);
  CHECK(pool.membership(3) == Membership::member);
  CHECK(pool.never_started(4));
}

TEST_CASE("with the autoscaler only the first servers are certain") {
  PoolTimeline pool(3, 8, true, 2);
  CHECK(!pool.never_started(7));
  CHECK(pool.membership(1) == Membership::member);
  CHECK(pool.membership(2) == Membership::unknown);
}

TEST_CASE("the loader refuses crashes and restarts the run could not act on") {
  CHECK(error_of(kHeader + "servers: {count: 2, max: 4}\nevents:\n  - {at: 1m, crash: app-3}\n") ==
        "test.yaml:6:21: events[0].crash: app-3 is not running at 1m: no event starts it before then "
        "(servers.count is 2); a crash of a stopped server does nothing");
  CHECK(error_of(kHeader + "servers: {count: 4}\nevents:\n  - {at: 1m, scale: {to: 2}}\n  - {at: 2m, crash: app-4}\n"
                           "  - {at: 3m, restart: app-4}\n") ==
        "test.yaml:8:23: events[2].restart: app-4 has left the pool by 3m (a scale event drained it): a restart "
        "would power the host but the balancer would never use it again; scale out to bring servers back");
  CHECK(error_of(kHeader + "servers: {count: 4}\nevents:\n  - {at: 1m, crash: app-4}\n  - {at: 2m, restart: app-4}\n") ==
        "loaded");
  const Scenario flagged = load(kHeader + "servers: {count: 2, max: 4}\nautoscale: {min: 1, max: 4}\nevents:\n"
                                          "  - {at: 1m, crash: app-2}\n  - {at: 2m, restart: app-2}\n");
  REQUIRE(flagged.warnings.size() == 1);
  CAPTURE(flagged.warnings[0]);
  CHECK(contains(flagged.warnings[0], "test.yaml:8:23: events[1].restart: app-2 may have left the pool by 2m (the "
                                      "autoscaler decides)"));
}
