#include "report/summary_fields.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>

#include "report/text_format.hpp"

namespace statesim {
namespace {

constexpr int kStatisticDecimalsOfCounts = 3;

std::uint32_t groups_of(const std::vector<RunResult>& runs) {
  std::uint32_t groups = group_bit(FieldGroup::core);
  for (const RunResult& run : runs) groups |= run.summary.groups;
  return groups;
}

}  // namespace

std::vector<const SummaryField*> reported_summary_fields(const std::vector<RunResult>& runs) {
  return summary_fields_of(groups_of(runs));
}

std::vector<const BucketField*> reported_bucket_fields(const std::vector<RunResult>& runs) {
  return bucket_fields_of(groups_of(runs));
}

std::string format_field_value(const SummaryField& field, double value) {
  if (!std::isfinite(value)) return "";
  // Counts are whole numbers far below 2^53, so the double holds them exactly.
  if (field.kind == FieldKind::count)
    return fmt::format("{}", static_cast<std::int64_t>(std::llround(value)));
  return format_fixed(value, field.decimals);
}

std::string format_field_statistic(const SummaryField& field, double value) {
  if (!std::isfinite(value)) return "";
  return format_fixed(value, field.kind == FieldKind::count ? kStatisticDecimalsOfCounts : field.decimals);
}

}  // namespace statesim
