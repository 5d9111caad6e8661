// The table of a run's numeric summary fields, generated from STATESIM_SUMMARY_FIELDS
// (model/metrics.hpp) in the order of the output contract: summary.csv, summary_ci.csv,
// comparisons.csv, the JSON report, the table and `expect:` all read it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/metrics.hpp"
#include "scenario/config.hpp"

namespace statesim {

enum class FieldKind { count, real };

struct SummaryField {
  const char* name;   // column name in summary.csv, key in the JSON report and in `expect:`
  const char* label;  // row label in the table, with its unit
  FieldKind kind;
  const char* unit;   // "" for counts, "ms", "req/s", "fraction"
  int decimals;       // real fields: digits after the point in CSV and JSON
  FieldGroup group;   // NaN (an empty field) for a run without this part of the format
  double (*value)(const Summary&);
};

// The columns before the numeric fields in summary.csv (and the first keys of a JSON run).
inline constexpr const char* kSummaryIdentityColumns[] = {"design", "replication", "seed"};

// Numeric fields in contract order: sessions_started ... in_flight.
const std::vector<SummaryField>& summary_fields();

// The field named `name`, or nullptr.
const SummaryField* find_summary_field(std::string_view name);

// The columns of timeseries.csv after design and replication, in order.
struct BucketField {
  const char* name;
  FieldKind kind;
  int decimals;
  FieldGroup group;
  double (*value)(const Bucket&);
};
const std::vector<BucketField>& bucket_fields();

// The FieldGroups a design's runs report on: core, each part-2 section the design has, and
// `retries` when some design of the scenario retries or has effects (so that every design of it
// shows requests_failed_final); of a scenario, those of any of its designs.
std::uint32_t field_groups_of(const Scenario& scenario, const Design& design);
std::uint32_t field_groups_of(const Scenario& scenario);
// The fields of `groups`, in contract order.
std::vector<const SummaryField*> summary_fields_of(std::uint32_t groups);
std::vector<const BucketField*> bucket_fields_of(std::uint32_t groups);

// Names of the numeric fields, in contract order (no design/replication/seed).
std::vector<std::string> summary_field_names();

// The value of a numeric field, or nullopt for an unknown name.
std::optional<double> summary_field(const Summary& summary, const std::string& name);

}  // namespace statesim
