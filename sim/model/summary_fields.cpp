#include "model/summary_fields.hpp"

#include <limits>

namespace statesim {

const std::vector<SummaryField>& summary_fields() {
  static const std::vector<SummaryField> fields = {
#define STATESIM_SUMMARY_ENTRY(name, type, label, unit, decimals, group)                       \
  {#name, label, FieldKind::type, unit, decimals, FieldGroup::group, [](const Summary& s) {      \
     return s.has(FieldGroup::group) ? static_cast<double>(s.name) : std::numeric_limits<double>::quiet_NaN(); \
   }},
      STATESIM_SUMMARY_FIELDS(STATESIM_SUMMARY_ENTRY)
#undef STATESIM_SUMMARY_ENTRY
  };
  return fields;
}

const std::vector<BucketField>& bucket_fields() {
  static const std::vector<BucketField> fields = {
#define STATESIM_BUCKET_ENTRY(name, type, decimals, group) \
  {#name, FieldKind::type, decimals, FieldGroup::group, [](const Bucket& b) { return static_cast<double>(b.name); }},
      STATESIM_BUCKET_FIELDS(STATESIM_BUCKET_ENTRY)
#undef STATESIM_BUCKET_ENTRY
  };
  return fields;
}

const SummaryField* find_summary_field(std::string_view name) {
  for (const SummaryField& field : summary_fields())
    if (name == field.name) return &field;
  return nullptr;
}

std::vector<std::string> summary_field_names() {
  std::vector<std::string> names;
  for (const SummaryField& field : summary_fields()) names.emplace_back(field.name);
  return names;
}

std::optional<double> summary_field(const Summary& summary, const std::string& name) {
  const SummaryField* field = find_summary_field(name);
  if (field == nullptr) return std::nullopt;
  return field->value(summary);
}

}  // namespace statesim
