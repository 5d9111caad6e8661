#include "model/summary_fields.hpp"

#include <algorithm>
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

std::uint32_t field_groups_of(const Scenario& scenario, const Design& design) {
  std::uint32_t groups = group_bit(FieldGroup::core);
  if (design.realtime) groups |= group_bit(FieldGroup::realtime);
  if (design.games) groups |= group_bit(FieldGroup::games);
  if (design.uploads.enabled) groups |= group_bit(FieldGroup::uploads);
  if (design.effects.enabled) groups |= group_bit(FieldGroup::effects);
  const bool some_design_retries = std::any_of(scenario.designs.begin(), scenario.designs.end(), [](const Design& d) {
    return d.clients.present && (d.clients.retries > 0 || d.effects.enabled);
  });
  if (design.clients.present && some_design_retries) groups |= group_bit(FieldGroup::retries);
  return groups;
}

std::uint32_t field_groups_of(const Scenario& scenario) {
  std::uint32_t groups = group_bit(FieldGroup::core);
  for (const Design& design : scenario.designs) groups |= field_groups_of(scenario, design);
  return groups;
}

namespace {

template <typename Field>
std::vector<const Field*> fields_of_groups(const std::vector<Field>& fields, std::uint32_t groups) {
  std::vector<const Field*> chosen;
  for (const Field& field : fields)
    if ((groups & group_bit(field.group)) != 0) chosen.push_back(&field);
  return chosen;
}

}  // namespace

std::vector<const SummaryField*> summary_fields_of(std::uint32_t groups) {
  return fields_of_groups(summary_fields(), groups);
}

std::vector<const BucketField*> bucket_fields_of(std::uint32_t groups) {
  return fields_of_groups(bucket_fields(), groups);
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
