#include "report/summary_fields.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>

#include "report/text_format.hpp"

namespace statesim {
namespace {

constexpr int kStatisticDecimalsOfCounts = 3;

}  // namespace

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
