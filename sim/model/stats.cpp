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

void LatencySamples::add(double value) {
  if (samples_.empty() || value > max_) max_ = value;
  if (!samples_.empty() && value < samples_.back()) sorted_ = false;
  samples_.push_back(value);
  // Neumaier's summation keeps the mean exact to a few ulps over tens of millions of values.
  const double total = sum_ + value;
  if (std::fabs(sum_) >= std::fabs(value))
    compensation_ += (sum_ - total) + value;
  else
    compensation_ += (value - total) + sum_;
  sum_ = total;
}

double LatencySamples::mean() const {
  if (samples_.empty()) return kNaN;
  return (sum_ + compensation_) / static_cast<double>(samples_.size());
}

double LatencySamples::max() const { return samples_.empty() ? kNaN : max_; }

double LatencySamples::percentile(double p) const {
  if (!(p > 0 && p <= 1)) throw std::invalid_argument("percentile: p must lie in (0, 1]");
  if (samples_.empty()) return kNaN;
  if (!sorted_) {
    std::sort(samples_.begin(), samples_.end());
    sorted_ = true;
  }
  const double n = static_cast<double>(samples_.size());
  double rank = p * n;
  const double whole = std::round(rank);
  if (std::fabs(rank - whole) <= 1e-9 * std::max(1.0, whole)) rank = whole;
  const double position = std::clamp(std::ceil(rank), 1.0, n);
  return samples_[static_cast<std::size_t>(position) - 1];
}

void LatencySamples::clear() {
  samples_.clear();
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
