// Runs grouped by design, and the per-design statistics that the CSV, JSON and table writers share.
#pragma once

#include <string>
#include <vector>

#include "model/metrics.hpp"
#include "model/stats.hpp"
#include "report/summary_fields.hpp"

namespace statesim {

struct DesignRuns {
  std::string name;
  std::vector<const RunResult*> runs;  // in input order (replication-minor)
};

// Designs in order of first appearance; runs of a design keep their input order.
std::vector<DesignRuns> group_by_design(const std::vector<RunResult>& runs);

// The field's value in every run of the design (NaN included), in run order.
std::vector<double> field_values(const DesignRuns& design, const SummaryField& field);

// Mean and 95% confidence interval of a field over a design's replications.
struct FieldInterval {
  int count = 0;          // values the interval is built from (NaN left out)
  double mean = 0;        // NaN when count is 0
  double half_width = 0;  // NaN when count < 2
  double low = 0;         // mean - half_width
  double high = 0;        // mean + half_width
};

// Student t interval over the field's values, NaN ignored.
FieldInterval field_interval(const DesignRuns& design, const SummaryField& field);

// a − b paired by replication index: only replications that both designs ran and where both
// values are finite take part. With fewer than two pairs half_width is NaN and nothing is
// significant.
PairedComparison compare_field(const DesignRuns& a, const DesignRuns& b, const SummaryField& field);

// The most replications any design has.
int replication_count(const std::vector<DesignRuns>& designs);

}  // namespace statesim
