#include "report/summary_fields.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>

#include "report/text_format.hpp"

namespace statesim {
namespace {

constexpr int kStatisticDecimalsOfCounts = 3;

double cause_count(const Summary& s, FailureCause cause) {
  return static_cast<double>(s.failed_by_cause[static_cast<int>(cause)]);
}

}  // namespace

const std::vector<SummaryField>& summary_fields() {
  using K = FieldKind;
  static const std::vector<SummaryField> fields = {
      {"sessions_started", "sessions started", K::count, "", 0,
       [](const Summary& s) { return double(s.sessions_started); }},
      {"sessions_ended", "sessions ended", K::count, "", 0,
       [](const Summary& s) { return double(s.sessions_ended); }},
      {"sessions_lost", "sessions lost", K::count, "", 0,
       [](const Summary& s) { return double(s.sessions_lost); }},
      {"sessions_active", "sessions active at end", K::count, "", 0,
       [](const Summary& s) { return double(s.sessions_active); }},
      {"forced_logouts", "forced logouts", K::count, "", 0,
       [](const Summary& s) { return double(s.forced_logouts); }},
      {"users_affected", "users affected", K::count, "", 0,
       [](const Summary& s) { return double(s.users_affected); }},
      {"requests", "requests", K::count, "", 0, [](const Summary& s) { return double(s.requests); }},
      {"ok", "ok", K::count, "", 0, [](const Summary& s) { return double(s.ok); }},
      {"failed", "failed requests", K::count, "", 0, [](const Summary& s) { return double(s.failed); }},
      {"forced", "answered 401", K::count, "", 0, [](const Summary& s) { return double(s.forced); }},
      {"failed_reset", "  reset", K::count, "", 0,
       [](const Summary& s) { return cause_count(s, FailureCause::reset); }},
      {"failed_server_down", "  server down", K::count, "", 0,
       [](const Summary& s) { return cause_count(s, FailureCause::server_down); }},
      {"failed_overload", "  overload", K::count, "", 0,
       [](const Summary& s) { return cause_count(s, FailureCause::overload); }},
      {"failed_store_down", "  store down", K::count, "", 0,
       [](const Summary& s) { return cause_count(s, FailureCause::store_down); }},
      {"failed_timeout", "  timeout", K::count, "", 0,
       [](const Summary& s) { return cause_count(s, FailureCause::timeout); }},
      {"failed_no_server", "  no server", K::count, "", 0,
       [](const Summary& s) { return cause_count(s, FailureCause::no_server); }},
      {"latency_mean_ms", "latency mean (ms)", K::real, "ms", 3,
       [](const Summary& s) { return s.latency_mean_ms; }},
      {"latency_p50_ms", "latency p50 (ms)", K::real, "ms", 3,
       [](const Summary& s) { return s.latency_p50_ms; }},
      {"latency_p95_ms", "latency p95 (ms)", K::real, "ms", 3,
       [](const Summary& s) { return s.latency_p95_ms; }},
      {"latency_p99_ms", "latency p99 (ms)", K::real, "ms", 3,
       [](const Summary& s) { return s.latency_p99_ms; }},
      {"latency_max_ms", "latency max (ms)", K::real, "ms", 3,
       [](const Summary& s) { return s.latency_max_ms; }},
      {"throughput_rps", "throughput (req/s)", K::real, "req/s", 3,
       [](const Summary& s) { return s.throughput_rps; }},
      {"cpu_utilization", "cpu utilisation (%)", K::real, "fraction", 4,
       [](const Summary& s) { return s.cpu_utilization; }},
      {"store_ops", "store operations", K::count, "", 0,
       [](const Summary& s) { return double(s.store_ops); }},
      {"revoked_accepted", "revoked but accepted", K::count, "", 0,
       [](const Summary& s) { return double(s.revoked_accepted); }},
      {"in_flight", "in flight at end", K::count, "", 0,
       [](const Summary& s) { return double(s.in_flight); }},
  };
  return fields;
}

const SummaryField* find_summary_field(std::string_view name) {
  for (const SummaryField& field : summary_fields()) {
    if (name == field.name) return &field;
  }
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
