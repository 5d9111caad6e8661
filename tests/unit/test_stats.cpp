#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "model/random.hpp"
#include "model/stats.hpp"

using statesim::LatencySamples;
using statesim::mean_ci95;
using statesim::paired_comparison;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

TEST_CASE("percentile uses the nearest-rank definition") {
  LatencySamples samples;
  for (double x : {7.0, 3.0, 10.0, 1.0, 5.0, 9.0, 2.0, 8.0, 4.0, 6.0}) samples.add(x);
  REQUIRE(samples.count() == 10);
  CHECK(samples.percentile(0.05) == 1);  // rank ceil(0.5) = 1
  CHECK(samples.percentile(0.1) == 1);
  CHECK(samples.percentile(0.11) == 2);
  CHECK(samples.percentile(0.5) == 5);  // not the interpolated 5.5
  CHECK(samples.percentile(0.9) == 9);
  CHECK(samples.percentile(0.91) == 10);
  CHECK(samples.percentile(1.0) == 10);
  CHECK(samples.mean() == 5.5);
  CHECK(samples.max() == 10);
}

TEST_CASE("percentile ranks that are whole numbers are not pushed up by rounding") {
  LatencySamples samples;
  for (int i = 100; i >= 1; --i) samples.add(i);
  CHECK(samples.percentile(0.07) == 7);  // 0.07 * 100 = 7.000000000000001 in doubles
  CHECK(samples.percentile(0.29) == 29);
  CHECK(samples.percentile(0.95) == 95);
  CHECK(samples.percentile(0.99) == 99);
  CHECK(samples.percentile(0.999) == 100);
}

TEST_CASE("percentile stays right when samples are added after a query") {
  LatencySamples samples;
  samples.add(5);
  samples.add(1);
  CHECK(samples.percentile(1.0) == 5);
  samples.add(0.5);  // smaller than everything: must not be appended after the sorted run
  samples.add(9);
  CHECK(samples.percentile(0.25) == 0.5);
  CHECK(samples.percentile(0.5) == 1);
  CHECK(samples.percentile(0.75) == 5);
  CHECK(samples.max() == 9);
  CHECK(samples.mean() == doctest::Approx(15.5 / 4));

  LatencySamples single;
  single.add(42);
  CHECK(single.percentile(0.01) == 42);
  CHECK(single.percentile(1) == 42);
}

TEST_CASE("an empty sample set gives NaN, never 0") {
  LatencySamples samples;
  CHECK(samples.count() == 0);
  CHECK(std::isnan(samples.percentile(0.5)));
  CHECK(std::isnan(samples.mean()));
  CHECK(std::isnan(samples.max()));
  samples.add(3);
  samples.clear();
  CHECK(samples.count() == 0);
  CHECK(std::isnan(samples.percentile(0.99)));
  CHECK(std::isnan(samples.mean()));
  samples.add(-2);  // max must not remember the cleared data (nor start at 0)
  CHECK(samples.max() == -2);
}

TEST_CASE("percentile rejects p outside (0, 1]") {
  LatencySamples samples;
  samples.add(1);
  CHECK_THROWS_AS(samples.percentile(0), std::invalid_argument);
  CHECK_THROWS_AS(samples.percentile(1.5), std::invalid_argument);
  CHECK_THROWS_AS(samples.percentile(kNaN), std::invalid_argument);
}

TEST_CASE("the mean of many samples keeps its precision") {
  LatencySamples samples;
  samples.add(1e8);
  for (int i = 0; i < 1'000'000; ++i) samples.add(0.1);
  // A naive running sum loses the 0.1s against 1e8 (ulp ~1.5e-8 each time).
  CHECK(samples.mean() == doctest::Approx((1e8 + 1e5) / 1'000'001.0).epsilon(1e-14));
}

TEST_CASE("mean_ci95 uses Student's t with n-1 degrees of freedom") {
  // mean 11, s^2 = 10/4, t(0.975, 4) = 2.776445: half width 2.776445 * sqrt(2.5/5) = 1.963243.
  const auto ci = mean_ci95({10, 12, 9, 11, 13});
  CHECK(ci.n == 5);
  CHECK(ci.mean == doctest::Approx(11));
  CHECK(ci.half_width == doctest::Approx(1.963243).epsilon(1e-6));
  CHECK(ci.low == doctest::Approx(11 - 1.963243).epsilon(1e-6));
  CHECK(ci.high == doctest::Approx(11 + 1.963243).epsilon(1e-6));

  // Two values: t(0.975, 1) = 12.7062, s = sqrt(2): half width 12.7062.
  const auto two = mean_ci95({1, 3});
  CHECK(two.half_width == doctest::Approx(12.7062).epsilon(1e-5));
}

TEST_CASE("mean_ci95 ignores NaN and handles tiny samples") {
  const auto ci = mean_ci95({10, kNaN, 12, 9, kNaN, 11, 13});
  CHECK(ci.n == 5);
  CHECK(ci.mean == doctest::Approx(11));
  CHECK(ci.half_width == doctest::Approx(1.963243).epsilon(1e-6));

  const auto one = mean_ci95({kNaN, 4.5});
  CHECK(one.n == 1);
  CHECK(one.mean == 4.5);
  CHECK(one.half_width == 0);
  CHECK(one.low == 4.5);
  CHECK(one.high == 4.5);

  for (const auto& values : {std::vector<double>{}, std::vector<double>{kNaN, kNaN}}) {
    const auto none = mean_ci95(values);
    CHECK(none.n == 0);
    CHECK(std::isnan(none.mean));
    CHECK(std::isnan(none.half_width));
    CHECK(std::isnan(none.low));
    CHECK(std::isnan(none.high));
  }

  const auto constant = mean_ci95({2, 2, 2});
  CHECK(constant.half_width == 0);
}

TEST_CASE("paired_comparison judges the differences, not the two spreads") {
  // Replications vary a lot, but design a is always about 1 above design b.
  const std::vector<double> a = {10.0, 30.0, 9.0, 50.0, 13.0};
  const std::vector<double> b = {9.0, 28.8, 8.1, 48.9, 12.2};
  const auto a_minus_b = paired_comparison(a, b);
  CHECK(a_minus_b.n == 5);
  CHECK(a_minus_b.mean_difference == doctest::Approx(1.0));
  CHECK(a_minus_b.significant);
  // The unpaired intervals overlap completely: only the pairing reveals the difference.
  CHECK(mean_ci95(a).low < mean_ci95(b).high);

  const auto b_minus_a = paired_comparison(b, a);
  CHECK(b_minus_a.mean_difference == doctest::Approx(-1.0));
  CHECK(b_minus_a.half_width == doctest::Approx(a_minus_b.half_width));
  CHECK(b_minus_a.significant);
}

TEST_CASE("paired_comparison: noise and identical results are not significant") {
  const auto noisy = paired_comparison({5, 6, 7, 8, 9}, {4, 7, 5, 10, 8.5});  // differences 1,-1,2,-2,0.5
  CHECK(noisy.mean_difference == doctest::Approx(0.1));
  CHECK(noisy.half_width > 0.1);
  CHECK_FALSE(noisy.significant);

  const auto identical = paired_comparison({3, 4, 5}, {3, 4, 5});
  CHECK(identical.mean_difference == 0);
  CHECK(identical.half_width == 0);
  CHECK_FALSE(identical.significant);

  const auto single = paired_comparison({3}, {1});  // one pair says nothing about the spread
  CHECK(single.n == 1);
  CHECK_FALSE(single.significant);

  const auto with_nan = paired_comparison({1, kNaN, 3, 5}, {0, 2, 2, kNaN});
  CHECK(with_nan.n == 2);
  CHECK(with_nan.mean_difference == 1);

  CHECK_THROWS_AS(paired_comparison({1, 2}, {1}), std::invalid_argument);
}

TEST_CASE("past the exact limit, percentiles come from 0.1% buckets: within 0.05% of exact") {
  statesim::RandomStream rng(11);
  std::vector<double> values;
  LatencySamples bounded(1000);
  LatencySamples exact(1'000'000);
  double sum = 0;
  for (int i = 0; i < 200'000; ++i) {
    const double value = 0.001 + rng.exponential(0.050);  // 1 ms + exp(50 ms)
    values.push_back(value);
    bounded.add(value);
    exact.add(value);
    sum += value;
  }
  CHECK_FALSE(bounded.exact());
  CHECK(exact.exact());
  CHECK(bounded.count() == 200'000);
  for (double p : {0.01, 0.5, 0.95, 0.99, 0.999}) {
    const double truth = exact.percentile(p);
    CHECK(std::fabs(bounded.percentile(p) - truth) <= 0.0005 * truth + 1e-12);
  }
  CHECK(bounded.mean() == doctest::Approx(sum / 200'000).epsilon(1e-12));
  CHECK(bounded.max() == exact.max());
  CHECK(bounded.percentile(1.0) == exact.max());
  bounded.clear();
  CHECK(bounded.exact());
  CHECK(std::isnan(bounded.percentile(0.5)));
  bounded.add(0.0);  // a zero latency has a bucket of its own
  CHECK(bounded.percentile(0.5) == 0.0);
}
