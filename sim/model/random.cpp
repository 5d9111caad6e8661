#include "model/random.hpp"

#include <algorithm>
#include <boost/math/distributions/poisson.hpp>
#include <cmath>

namespace statesim {

namespace {

constexpr std::uint64_t kGoldenGamma = 0x9E3779B97F4A7C15ULL;
constexpr double kTwoPi = 6.283185307179586476925286766559;
constexpr double kTwoToMinus53 = 1.0 / 9007199254740992.0;  // 2^-53
constexpr int kMaxTruncationTries = 1000;

// splitmix64's output function (Stafford's "Mix13"): a bijection whose output bits each
// depend on every input bit, so counters 1, 2, 3... give unrelated values.
std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A field value salted by its position, so that swapping the values of two fields (seed 1
// replication 2 vs seed 2 replication 1) cannot give the same key.
std::uint64_t salted(std::uint64_t field, std::uint64_t field_number) {
  return mix64(field + field_number * kGoldenGamma);
}

// Folds one more field into a key.
std::uint64_t absorb(std::uint64_t key, std::uint64_t field, std::uint64_t field_number) {
  return mix64(key ^ salted(field, field_number));
}

}  // namespace

std::uint64_t derive_stream_key(std::uint64_t seed, std::uint64_t replication, StreamPurpose purpose,
                                std::uint64_t index) {
  std::uint64_t key = salted(seed, 1);
  key = absorb(key, replication, 2);
  key = absorb(key, static_cast<std::uint64_t>(purpose), 3);
  key = absorb(key, index, 4);
  return key;
}

std::uint64_t RandomStream::next_u64() {
  state_ += kGoldenGamma;
  return mix64(state_);
}

double RandomStream::uniform01() {
  // The top 53 bits give every multiple of 2^-53 in [0, 1) exactly. Zero is redrawn (a
  // 2^-53 event) so that log(u) is always finite; 1 can never occur.
  for (;;) {
    const std::uint64_t top_bits = next_u64() >> 11;
    if (top_bits != 0) return static_cast<double>(top_bits) * kTwoToMinus53;
  }
}

std::uint64_t RandomStream::below(std::uint64_t n) {
  if (n <= 1) return 0;
  // Reject the lowest (2^64 mod n) values so that every residue is equally likely.
  const std::uint64_t threshold = (0 - n) % n;
  for (;;) {
    const std::uint64_t x = next_u64();
    if (x >= threshold) return x % n;
  }
}

double RandomStream::exponential(double mean) { return -mean * std::log(uniform01()); }

double RandomStream::normal(double mean, double sd) {
  // Box-Muller, cosine branch only: always exactly two uniforms per value, so the number
  // of draws never depends on earlier calls.
  const double u1 = uniform01();
  const double u2 = uniform01();
  const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
  return mean + sd * z;
}

double RandomStream::sample(const Distribution& d) {
  switch (d.kind) {
    case Distribution::Kind::constant:
      return d.a;
    case Distribution::Kind::exponential:
      return exponential(d.a);
    case Distribution::Kind::uniform:
      return d.a + (d.b - d.a) * uniform01();
    case Distribution::Kind::normal:
      // Truncated at 0 by rejection: the law of X given X >= 0.
      for (int attempt = 0; attempt < kMaxTruncationTries; ++attempt) {
        const double x = normal(d.a, d.b);
        if (x >= 0) return x;
      }
      return 0;
    case Distribution::Kind::lognormal: {
      const double mean = d.a;
      const double sd = d.b;
      if (mean <= 0) return 0;
      // Parameters of the underlying normal for a value with this mean and sd.
      const double sigma2 = std::log1p((sd / mean) * (sd / mean));
      const double mu = std::log(mean) - sigma2 / 2;
      const double z = normal(0, 1);
      if (sd <= 0) return mean;  // drawn anyway: the stream advances the same way
      return std::exp(mu + std::sqrt(sigma2) * z);
    }
  }
  return 0;
}

StationaryDraw RandomStream::stationary(const Distribution& d) {
  double length = 0;
  switch (d.kind) {
    case Distribution::Kind::constant:
      length = d.a;
      break;
    case Distribution::Kind::exponential:  // length-biased exp(m) is Gamma(2, m)
      length = exponential(d.a) + exponential(d.a);
      break;
    case Distribution::Kind::uniform:  // inverse of the CDF (x^2 - a^2) / (b^2 - a^2)
      length = std::sqrt(d.a * d.a + uniform01() * (d.b * d.b - d.a * d.a));
      break;
    case Distribution::Kind::lognormal: {  // length-biased lognormal(mu, s) is lognormal(mu + s^2, s)
      const double mean = d.a;
      const double sd = d.b;
      const double sigma2 = mean > 0 ? std::log1p((sd / mean) * (sd / mean)) : 0;
      const double mu = mean > 0 ? std::log(mean) - sigma2 / 2 : 0;
      const double z = normal(0, 1);
      length = mean > 0 ? std::exp(mu + sigma2 + std::sqrt(sigma2) * z) : 0;
      break;
    }
    case Distribution::Kind::normal: {
      // Rejection: accept a draw x with probability x / bound, bound = mean + 8 sd (the mass
      // beyond it, below 1e-15, is left out).
      const double bound = std::max(d.a + 8 * d.b, 1e-300);
      for (int attempt = 0; attempt < kMaxTruncationTries; ++attempt) {
        const double x = sample(d);
        if (uniform01() * bound <= x) {
          length = x;
          break;
        }
      }
      break;
    }
  }
  StationaryDraw draw;
  draw.elapsed_s = uniform01() * length;
  draw.remaining_s = length - draw.elapsed_s;
  return draw;
}

std::uint64_t RandomStream::poisson(double mean) {
  if (!(mean > 0)) return 0;
  using Policy = boost::math::policies::policy<boost::math::policies::discrete_quantile<
      boost::math::policies::integer_round_up>>;
  const boost::math::poisson_distribution<double, Policy> law(mean);
  return static_cast<std::uint64_t>(boost::math::quantile(law, uniform01()));
}

std::size_t RandomStream::pick_weighted(const std::vector<double>& cumulative_weights) {
  if (cumulative_weights.empty()) return 0;
  const double total = cumulative_weights.back();
  const double target = uniform01() * total;
  // First entry whose cumulative weight exceeds the target: zero-weight entries (equal to
  // their predecessor) are never chosen.
  auto it = std::upper_bound(cumulative_weights.begin(), cumulative_weights.end(), target);
  std::size_t index = static_cast<std::size_t>(it - cumulative_weights.begin());
  if (index < cumulative_weights.size()) return index;
  // u * total rounded up to total: take the last entry with a positive weight.
  index = cumulative_weights.size() - 1;
  while (index > 0 && cumulative_weights[index] <= cumulative_weights[index - 1]) --index;
  return index;
}

}  // namespace statesim
