#include <doctest/doctest.h>

#include <bitset>
#include <cmath>
#include <set>
#include <vector>

#include "model/random.hpp"

using statesim::derive_stream_key;
using statesim::Distribution;
using statesim::RandomStream;
using statesim::StreamPurpose;

namespace {

constexpr int kDraws = 1'000'000;

struct Moments {
  double mean = 0;
  double variance = 0;  // unbiased
};

template <typename Draw>
Moments moments_of(int count, Draw draw) {
  // Welford's update: stable for a million values.
  double mean = 0;
  double m2 = 0;
  for (int i = 1; i <= count; ++i) {
    const double x = draw();
    const double delta = x - mean;
    mean += delta / i;
    m2 += delta * (x - mean);
  }
  return {mean, m2 / (count - 1)};
}

// Mean of N(mu, sd^2) conditioned on being >= 0.
double truncated_normal_mean(double mu, double sd) {
  const double alpha = -mu / sd;
  const double density = std::exp(-alpha * alpha / 2) / std::sqrt(2 * M_PI);
  const double survival = 0.5 * std::erfc(alpha / std::sqrt(2.0));
  return mu + sd * density / survival;
}

}  // namespace

TEST_CASE("a stream is splitmix64: the reference first outputs for state 0") {
  RandomStream stream(0);
  CHECK(stream.next_u64() == 0xE220A8397B1DCDAFULL);
  CHECK(stream.next_u64() == 0x6E789E6AA1B965F4ULL);
  CHECK(stream.next_u64() == 0x06C45D188009454FULL);
}

TEST_CASE("streams are reproducible from their key") {
  const auto key = derive_stream_key(42, 3, StreamPurpose::think_time, 17);
  CHECK(key == derive_stream_key(42, 3, StreamPurpose::think_time, 17));
  RandomStream first(key);
  RandomStream second(key);
  for (int i = 0; i < 1000; ++i) CHECK(first.next_u64() == second.next_u64());
}

TEST_CASE("nearby key inputs give distinct, unrelated keys") {
  std::set<std::uint64_t> keys;
  int keys_made = 0;
  double flipped_bits = 0;
  int comparisons = 0;
  for (std::uint64_t seed = 0; seed < 4; ++seed)
    for (std::uint64_t replication = 0; replication < 5; ++replication)
      for (std::uint64_t purpose = 1; purpose <= static_cast<std::uint64_t>(StreamPurpose::misc); ++purpose)
        for (std::uint64_t index = 0; index < 100; ++index) {
          const auto key = derive_stream_key(seed, replication, static_cast<StreamPurpose>(purpose), index);
          keys.insert(key);
          ++keys_made;
          if (index > 0) {
            const auto previous =
                derive_stream_key(seed, replication, static_cast<StreamPurpose>(purpose), index - 1);
            flipped_bits += static_cast<double>(std::bitset<64>(key ^ previous).count());
            ++comparisons;
          }
        }
  CHECK(keys.size() == static_cast<std::size_t>(keys_made));
  // Unrelated 64-bit values differ in 32 bits on average (sd 4 per pair).
  CHECK(flipped_bits / comparisons == doctest::Approx(32).epsilon(0.02));
  // Swapping the values of two fields must not give the same key.
  CHECK(derive_stream_key(1, 2, StreamPurpose::arrivals, 3) !=
        derive_stream_key(1, 3, StreamPurpose::arrivals, 2));
  CHECK(derive_stream_key(1, 2, StreamPurpose::arrivals, 3) !=
        derive_stream_key(2, 1, StreamPurpose::arrivals, 3));
  CHECK(derive_stream_key(4, 4, StreamPurpose::arrivals, 3) !=
        derive_stream_key(5, 5, StreamPurpose::arrivals, 3));
  CHECK(derive_stream_key(0, 0, StreamPurpose::arrivals, 0) !=
        derive_stream_key(0, 0, StreamPurpose::arrivals, 1));
}

TEST_CASE("streams of neighbouring indices share no values") {
  RandomStream user_0(derive_stream_key(1, 0, StreamPurpose::arrivals, 0));
  RandomStream user_1(derive_stream_key(1, 0, StreamPurpose::arrivals, 1));
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(user_0.next_u64());
  for (int i = 0; i < 1000; ++i) CHECK(seen.count(user_1.next_u64()) == 0);
}

TEST_CASE("uniform01 lies in (0, 1) with mean 1/2 and variance 1/12") {
  RandomStream stream(derive_stream_key(7, 0, StreamPurpose::misc, 0));
  double low = 1;
  double high = 0;
  const Moments m = moments_of(kDraws, [&] {
    const double u = stream.uniform01();
    low = std::min(low, u);
    high = std::max(high, u);
    return u;
  });
  CHECK(low > 0);
  CHECK(high < 1);
  // 4-sigma bounds: sd of the mean sqrt(1/12/n), sd of the variance sqrt(1/180/n).
  CHECK(std::fabs(m.mean - 0.5) < 4 * std::sqrt(1.0 / 12 / kDraws));
  CHECK(std::fabs(m.variance - 1.0 / 12) < 4 * std::sqrt(1.0 / 180 / kDraws));
}

TEST_CASE("below(n) is uniform over [0, n)") {
  RandomStream stream(derive_stream_key(7, 0, StreamPurpose::misc, 1));
  CHECK(stream.below(1) == 0);
  const int n = 3;
  const int draws = 300'000;
  std::vector<int> counts(n, 0);
  for (int i = 0; i < draws; ++i) {
    const auto value = stream.below(n);
    REQUIRE(value < static_cast<std::uint64_t>(n));
    ++counts[value];
  }
  const double expected = static_cast<double>(draws) / n;
  const double sd = std::sqrt(draws * (1.0 / n) * (1 - 1.0 / n));
  for (int c : counts) CHECK(std::fabs(c - expected) < 4 * sd);

  // n = 3 * 2^62, where a plain x % n would be badly biased: values >= 2^63 must come up
  // with probability 1/3 (x % n would give them only 1/4).
  const std::uint64_t big = (std::uint64_t{3} << 62);
  int above_half = 0;
  for (int i = 0; i < draws; ++i)
    if (stream.below(big) >= (std::uint64_t{1} << 62) * 2) ++above_half;
  const double sd_big = std::sqrt(draws * (1.0 / 3) * (2.0 / 3));
  CHECK(std::fabs(above_half - draws / 3.0) < 4 * sd_big);
}

TEST_CASE("exponential has the requested mean") {
  RandomStream stream(derive_stream_key(7, 0, StreamPurpose::misc, 2));
  const double mean = 2.0;
  const Moments m = moments_of(kDraws, [&] { return stream.exponential(mean); });
  CHECK(std::fabs(m.mean - mean) < 4 * mean / std::sqrt(kDraws));
  CHECK(std::fabs(m.variance - mean * mean) < 0.02 * mean * mean);
}

TEST_CASE("normal() uses exactly two draws and has the requested moments") {
  RandomStream normal_stream(99);
  RandomStream raw_stream(99);
  normal_stream.normal(0, 1);
  raw_stream.next_u64();
  raw_stream.next_u64();
  CHECK(normal_stream.next_u64() == raw_stream.next_u64());

  RandomStream stream(derive_stream_key(7, 0, StreamPurpose::misc, 3));
  const Moments m = moments_of(kDraws, [&] { return stream.normal(10, 3); });
  CHECK(std::fabs(m.mean - 10) < 4 * 3 / std::sqrt(kDraws));
  CHECK(std::fabs(m.variance - 9) < 4 * 9 * std::sqrt(2.0 / kDraws));
}

TEST_CASE("sample() draws each distribution kind") {
  RandomStream stream(derive_stream_key(7, 0, StreamPurpose::misc, 4));

  SUBCASE("constant") {
    const Distribution d{Distribution::Kind::constant, 0.25, 0};
    for (int i = 0; i < 10; ++i) CHECK(stream.sample(d) == 0.25);
  }
  SUBCASE("exponential") {
    const Distribution d{Distribution::Kind::exponential, 0.005, 0};
    const Moments m = moments_of(kDraws, [&] { return stream.sample(d); });
    CHECK(std::fabs(m.mean - 0.005) < 4 * 0.005 / std::sqrt(kDraws));
  }
  SUBCASE("uniform") {
    const Distribution d{Distribution::Kind::uniform, 0.001, 0.009};
    double low = 1;
    double high = 0;
    const Moments m = moments_of(kDraws, [&] {
      const double x = stream.sample(d);
      low = std::min(low, x);
      high = std::max(high, x);
      return x;
    });
    CHECK(low >= 0.001);
    CHECK(high <= 0.009);
    const double width = 0.008;
    CHECK(std::fabs(m.mean - 0.005) < 4 * width * std::sqrt(1.0 / 12 / kDraws));
    CHECK(m.variance == doctest::Approx(width * width / 12).epsilon(0.01));
  }
  SUBCASE("normal is truncated at 0, with the truncated law's mean") {
    // mean 50ms, sd 40ms: about 11% of the untruncated law is negative.
    const Distribution d{Distribution::Kind::normal, 0.050, 0.040};
    double low = 1;
    const Moments m = moments_of(kDraws, [&] {
      const double x = stream.sample(d);
      low = std::min(low, x);
      return x;
    });
    CHECK(low >= 0);
    const double expected = truncated_normal_mean(0.050, 0.040);
    CHECK(expected > 0.0535);  // the truncation matters: far more than the tolerance below
    CHECK(std::fabs(m.mean - expected) < 4 * 0.040 / std::sqrt(kDraws));
  }
  SUBCASE("lognormal takes the mean and sd of the value") {
    const Distribution d{Distribution::Kind::lognormal, 50, 20};
    double low = 1e9;
    const Moments m = moments_of(kDraws, [&] {
      const double x = stream.sample(d);
      low = std::min(low, x);
      return x;
    });
    CHECK(low > 0);
    CHECK(std::fabs(m.mean - 50) < 4 * 20 / std::sqrt(kDraws));
    // The sd of the sample sd is about 0.022 here (kurtosis of this lognormal ~ 6).
    CHECK(std::fabs(std::sqrt(m.variance) - 20) < 0.1);
  }
  SUBCASE("lognormal with sd 0 is the mean") {
    const Distribution d{Distribution::Kind::lognormal, 0.05, 0};
    CHECK(stream.sample(d) == 0.05);
  }
}

TEST_CASE("pick_weighted follows the weights and never picks a zero weight") {
  RandomStream stream(derive_stream_key(7, 0, StreamPurpose::request_kind, 0));
  const std::vector<double> weights = {1, 0, 3, 6};
  std::vector<double> cumulative;
  double total = 0;
  for (double w : weights) cumulative.push_back(total += w);

  std::vector<int> counts(weights.size(), 0);
  for (int i = 0; i < kDraws; ++i) {
    const auto index = stream.pick_weighted(cumulative);
    REQUIRE(index < weights.size());
    ++counts[index];
  }
  CHECK(counts[1] == 0);
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double p = weights[i] / total;
    const double sd = std::sqrt(kDraws * p * (1 - p));
    CHECK(std::fabs(counts[i] - kDraws * p) <= 4 * sd);
  }

  const std::vector<double> single = {2.5};
  CHECK(stream.pick_weighted(single) == 0);
  const std::vector<double> zero_tail = {0, 1, 1};
  for (int i = 0; i < 100; ++i) CHECK(stream.pick_weighted(zero_tail) == 1);
}

namespace {
// Mean and standard deviation of `count` draws of the remaining time of `d` at a random moment.
std::pair<double, double> remaining_stats(const statesim::Distribution& d, int count) {
  statesim::RandomStream rng(99);
  double sum = 0, squares = 0;
  for (int i = 0; i < count; ++i) {
    const statesim::StationaryDraw draw = rng.stationary(d);
    CHECK(draw.elapsed_s >= 0);
    CHECK(draw.remaining_s >= 0);
    sum += draw.remaining_s;
    squares += draw.remaining_s * draw.remaining_s;
  }
  const double mean = sum / count;
  return {mean, std::sqrt(squares / count - mean * mean)};
}
}  // namespace

TEST_CASE("a random moment of a renewal process sees the length-biased interval: E[rest] = E[X^2] / (2 E[X])") {
  using K = statesim::Distribution::Kind;
  constexpr int kDraws = 200'000;
  struct Case {
    statesim::Distribution d;
    double expected;  // E[X^2] / (2 E[X])
  };
  const Case cases[] = {
      {{K::exponential, 600, 0}, 600},                                         // memoryless: E[X]
      {{K::constant, 30, 0}, 15},                                              // half the interval
      {{K::uniform, 10, 50}, (10.0 * 10 + 10 * 50 + 50 * 50) / (3 * 60.0)},    // (a^2+ab+b^2) / (3(a+b))
      {{K::lognormal, 50, 20}, (50.0 * 50 + 20 * 20) / (2 * 50.0)},            // (m^2+s^2) / (2m)
      {{K::normal, 50, 5}, (50.0 * 50 + 5 * 5) / (2 * 50.0)},                  // truncation negligible
  };
  for (const Case& c : cases) {
    const auto [mean, sd] = remaining_stats(c.d, kDraws);
    // Four standard errors of the mean of kDraws draws.
    CHECK(std::fabs(mean - c.expected) <= 4 * sd / std::sqrt(kDraws));
  }
}

TEST_CASE("poisson draws by inversion have the right mean and zero probability") {
  statesim::RandomStream rng(5);
  for (double mean : {0.5, 30.0, 6000.0}) {
    double sum = 0;
    int zeros = 0;
    constexpr int kDraws = 20'000;
    for (int i = 0; i < kDraws; ++i) {
      const auto x = rng.poisson(mean);
      sum += static_cast<double>(x);
      zeros += x == 0 ? 1 : 0;
    }
    CHECK(std::fabs(sum / kDraws - mean) <= 4 * std::sqrt(mean / kDraws));
    const double p0 = std::exp(-mean);
    CHECK(std::fabs(zeros / double(kDraws) - p0) <= 4 * std::sqrt(p0 * (1 - p0) / kDraws) + 1e-12);
  }
  CHECK(rng.poisson(0) == 0);
}
