#include "report/design_runs.hpp"

#include <algorithm>
#include <cmath>

namespace statesim {

std::vector<DesignRuns> group_by_design(const std::vector<RunResult>& runs) {
  std::vector<DesignRuns> designs;
  for (const RunResult& run : runs) {
    auto found = std::find_if(designs.begin(), designs.end(),
                              [&](const DesignRuns& d) { return d.name == run.summary.design; });
    if (found == designs.end()) {
      designs.push_back({run.summary.design, {}});
      found = designs.end() - 1;
    }
    found->runs.push_back(&run);
  }
  return designs;
}

std::vector<double> field_values(const DesignRuns& design, const SummaryField& field) {
  std::vector<double> values;
  values.reserve(design.runs.size());
  for (const RunResult* run : design.runs) values.push_back(field.value(run->summary));
  return values;
}

FieldInterval field_interval(const DesignRuns& design, const SummaryField& field) {
  ConfidenceInterval ci = mean_ci95(field_values(design, field));
  FieldInterval interval;
  interval.count = ci.n;
  interval.mean = ci.mean;
  // One replication says nothing about the spread: no interval rather than a zero-width one.
  interval.half_width = ci.n < 2 ? std::nan("") : ci.half_width;
  interval.low = interval.mean - interval.half_width;
  interval.high = interval.mean + interval.half_width;
  return interval;
}

PairedComparison compare_field(const DesignRuns& a, const DesignRuns& b, const SummaryField& field) {
  std::vector<double> values_a;
  std::vector<double> values_b;
  for (const RunResult* run_a : a.runs) {
    auto match = std::find_if(b.runs.begin(), b.runs.end(), [&](const RunResult* run_b) {
      return run_b->summary.replication == run_a->summary.replication;
    });
    if (match == b.runs.end()) continue;
    double value_a = field.value(run_a->summary);
    double value_b = field.value((*match)->summary);
    if (!std::isfinite(value_a) || !std::isfinite(value_b)) continue;
    values_a.push_back(value_a);
    values_b.push_back(value_b);
  }
  PairedComparison comparison = paired_comparison(values_a, values_b);
  if (comparison.n < 2) comparison.half_width = std::nan("");
  return comparison;
}

int replication_count(const std::vector<DesignRuns>& designs) {
  std::size_t most = 0;
  for (const DesignRuns& design : designs) most = std::max(most, design.runs.size());
  return static_cast<int>(most);
}

}  // namespace statesim
