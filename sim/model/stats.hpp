// Statistics of the report: exact latency percentiles from stored samples, and 95%
// confidence intervals (Student t) across replications, alone or paired between designs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace statesim {

// Latency samples with exact percentiles while they are cheap, and bounded memory after:
// up to `exact_limit` samples (8 bytes each) every one is kept and percentiles are exact; the
// sample that passes the limit moves them all into a log-scale histogram whose buckets are
// kHistogramStep (0.1%) wide, where a percentile is the geometric middle of its bucket: at most
// 0.05% off. Mean and max are exact either way. Percentile queries sort the stored samples in
// place once, on the first query after an add(); further queries on the same data cost O(1).
// This is why the samples are mutable: a const object is logically unchanged by a query, but
// not safe to query from two threads.
class LatencySamples {
 public:
  static constexpr std::size_t kDefaultExactLimit = std::size_t{1} << 22;  // 4,194,304 samples, 32 MiB
  static constexpr double kHistogramStep = 1.001;  // ratio of a bucket's upper to its lower bound
  static constexpr double kHistogramFloor_s = 1e-9;  // samples below (0 included) share bucket 0

  explicit LatencySamples(std::size_t exact_limit = kDefaultExactLimit) : exact_limit_(exact_limit) {}
  void add(double value);  // value must not be NaN (it has no rank); negative counts as 0
  std::size_t count() const { return count_; }
  bool exact() const { return histogram_.empty(); }
  double mean() const;  // NaN when empty
  double max() const;   // NaN when empty
  // Nearest rank: the smallest sample x such that at least p*n samples are <= x, i.e. the
  // ceil(p*n)-th smallest. p*n within a relative 1e-9 of a whole number counts as that
  // number (0.07 * 100 is rank 7, not 8). NaN when empty; p outside (0, 1] throws
  // std::invalid_argument.
  double percentile(double p) const;
  void clear();

 private:
  std::size_t bucket_of(double value) const;
  double bucket_value(std::size_t bucket) const;
  void move_to_histogram();

  std::size_t exact_limit_;
  std::size_t count_ = 0;
  mutable std::vector<double> samples_;   // while exact
  std::vector<std::uint64_t> histogram_;  // after: counts per bucket (empty while exact)
  mutable bool sorted_ = true;
  double sum_ = 0;  // Neumaier-compensated sum of the samples
  double compensation_ = 0;
  double max_ = 0;
};

struct ConfidenceInterval {
  double mean = 0;
  double half_width = 0;  // t(0.975, n-1) * s / sqrt(n); 0 when n == 1; NaN when n == 0
  double low = 0;         // mean - half_width
  double high = 0;        // mean + half_width
  int n = 0;              // values used (NaN values are left out)
};

// 95% interval for the mean of `values`, NaN values ignored. With n == 0 every field but
// n is NaN; with n == 1 the interval is the single value (half width 0).
ConfidenceInterval mean_ci95(const std::vector<double>& values);

struct PairedComparison {
  double mean_difference = 0;  // mean of a[i] - b[i]
  double half_width = 0;       // of its 95% interval
  bool significant = false;    // the interval excludes 0 (needs n >= 2)
  int n = 0;                   // pairs used: pairs with a NaN side are left out
};

// Compares two designs run with common random numbers: a[i] and b[i] come from the same
// replication, so the interval is that of the differences. Sizes must match
// (std::invalid_argument otherwise). Identical results (every difference 0) are never
// significant.
PairedComparison paired_comparison(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace statesim
