#include "model/stats.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace statesim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

std::size_t LatencySamples::bucket_of(double value) const {
  if (!(value > kHistogramFloor_s)) return 0;
  return 1 + static_cast<std::size_t>(std::log(value / kHistogramFloor_s) / std::log(kHistogramStep));
}

// The geometric middle of a bucket: within half a bucket (0.05%) of every value in it.
double LatencySamples::bucket_value(std::size_t bucket) const {
  if (bucket == 0) return 0;
  return kHistogramFloor_s * std::pow(kHistogramStep, static_cast<double>(bucket) - 0.5);
}

void LatencySamples::move_to_histogram() {
  for (const double value : samples_) {
    const std::size_t bucket = bucket_of(value);
    if (bucket >= histogram_.size()) histogram_.resize(bucket + 1, 0);
    histogram_[bucket]++;
  }
  std::vector<double>().swap(samples_);
  sorted_ = true;
}

void LatencySamples::add(double value) {
  if (count_ == 0 || value > max_) max_ = value;
  count_++;
  if (histogram_.empty() && samples_.size() < exact_limit_) {
    if (!samples_.empty() && value < samples_.back()) sorted_ = false;
    samples_.push_back(value);
  } else {
    if (histogram_.empty()) {
      histogram_.resize(1, 0);
      move_to_histogram();
    }
    const std::size_t bucket = bucket_of(value);
    if (bucket >= histogram_.size()) histogram_.resize(bucket + 1, 0);
    histogram_[bucket]++;
  }
  // Neumaier's summation keeps the mean exact to a few ulps over tens of millions of values.
  const double total = sum_ + value;
  if (std::fabs(sum_) >= std::fabs(value))
    compensation_ += (sum_ - total) + value;
  else
    compensation_ += (value - total) + sum_;
  sum_ = total;
}

double LatencySamples::mean() const {
  if (count_ == 0) return kNaN;
  return (sum_ + compensation_) / static_cast<double>(count_);
}

double LatencySamples::max() const { return count_ == 0 ? kNaN : max_; }

double LatencySamples::percentile(double p) const {
  if (!(p > 0 && p <= 1)) throw std::invalid_argument("percentile: p must lie in (0, 1]");
  if (count_ == 0) return kNaN;
  const double n = static_cast<double>(count_);
  double rank = p * n;
  const double whole = std::round(rank);
  if (std::fabs(rank - whole) <= 1e-9 * std::max(1.0, whole)) rank = whole;
  const auto position = static_cast<std::uint64_t>(std::clamp(std::ceil(rank), 1.0, n));
  if (histogram_.empty()) {
    if (!sorted_) {
      std::sort(samples_.begin(), samples_.end());
      sorted_ = true;
    }
    return samples_[position - 1];
  }
  if (position == count_) return max_;  // the largest sample is known exactly
  std::uint64_t seen = 0;
  for (std::size_t bucket = 0; bucket < histogram_.size(); ++bucket) {
    seen += histogram_[bucket];
    if (seen >= position) return std::min(bucket_value(bucket), max_);
  }
  return max_;
}

void LatencySamples::clear() {
  samples_.clear();
  std::vector<std::uint64_t>().swap(histogram_);
  count_ = 0;
  sorted_ = true;
  sum_ = 0;
  compensation_ = 0;
  max_ = 0;
}

ConfidenceInterval mean_ci95(const std::vector<double>& values) {
  std::vector<double> kept;
  kept.reserve(values.size());
  for (double v : values)
    if (!std::isnan(v)) kept.push_back(v);

  ConfidenceInterval ci;
  ci.n = static_cast<int>(kept.size());
  if (kept.empty()) {
    ci.mean = ci.half_width = ci.low = ci.high = kNaN;
    return ci;
  }
  double sum = 0;
  for (double v : kept) sum += v;
  ci.mean = sum / static_cast<double>(kept.size());
  ci.half_width = 0;
  if (kept.size() >= 2) {
    // Two passes: the squared deviations from the computed mean do not cancel.
    double squares = 0;
    for (double v : kept) squares += (v - ci.mean) * (v - ci.mean);
    const double n = static_cast<double>(kept.size());
    const double sd = std::sqrt(squares / (n - 1));
    const boost::math::students_t law(n - 1);
    const double t = boost::math::quantile(law, 0.975);
    ci.half_width = t * sd / std::sqrt(n);
  }
  ci.low = ci.mean - ci.half_width;
  ci.high = ci.mean + ci.half_width;
  return ci;
}

PairedComparison paired_comparison(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) throw std::invalid_argument("paired_comparison: the two series differ in length");
  std::vector<double> differences;
  differences.reserve(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) differences.push_back(a[i] - b[i]);  // NaN if either is

  const ConfidenceInterval ci = mean_ci95(differences);
  PairedComparison result;
  result.mean_difference = ci.mean;
  result.half_width = ci.half_width;
  result.n = ci.n;
  result.significant = ci.n >= 2 && (ci.low > 0 || ci.high < 0);
  return result;
}

}  // namespace statesim
