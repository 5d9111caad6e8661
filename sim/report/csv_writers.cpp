#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "report/design_runs.hpp"
#include "report/report.hpp"
#include "report/text_format.hpp"

namespace statesim {
namespace {

constexpr int kTimeDecimals = 3;
constexpr int kUtilizationDecimals = 4;

void append_row(std::string& csv, const std::vector<std::string>& fields) { csv += csv_line(fields); }

std::string integer(std::int64_t value) { return fmt::format("{}", value); }

// Fixed point, or an empty field for NaN/infinity.
std::string real(double value, int decimals) {
  return std::isfinite(value) ? format_fixed(value, decimals) : std::string();
}

}  // namespace

std::string summary_csv(const std::vector<RunResult>& runs) {
  std::string csv;
  const std::vector<const SummaryField*> fields = reported_summary_fields(runs);
  std::vector<std::string> header(std::begin(kSummaryIdentityColumns), std::end(kSummaryIdentityColumns));
  for (const SummaryField* field : fields) header.emplace_back(field->name);
  append_row(csv, header);
  for (const RunResult& run : runs) {
    const Summary& s = run.summary;
    std::vector<std::string> row = {s.design, integer(s.replication), fmt::format("{}", s.seed)};
    for (const SummaryField* field : fields) row.push_back(format_field_value(*field, field->value(s)));
    append_row(csv, row);
  }
  return csv;
}

std::string timeseries_csv(const std::vector<RunResult>& runs) {
  std::string csv;
  const std::vector<const BucketField*> fields = reported_bucket_fields(runs);
  std::vector<std::string> header = {"design", "replication"};
  for (const BucketField* field : fields) header.emplace_back(field->name);
  append_row(csv, header);
  for (const RunResult& run : runs) {
    for (const Bucket& b : run.buckets) {
      std::vector<std::string> row = {run.summary.design, integer(run.summary.replication)};
      for (const BucketField* field : fields) {
        const double value = field->value(b);
        if (!run.summary.has(field->group)) {
          row.emplace_back();  // the run had no such part: an empty column
        } else if (field->kind == FieldKind::count) {
          row.push_back(integer(static_cast<std::int64_t>(std::llround(value))));
        } else {
          row.push_back(real(value, field->decimals));
        }
      }
      append_row(csv, row);
    }
  }
  return csv;
}

std::string servers_csv(const std::vector<RunResult>& runs) {
  std::string csv;
  append_row(csv, {"design", "replication", "time_s", "server", "up", "in_rotation", "sessions_held", "connections",
                   "requests", "cpu_utilization"});
  for (const RunResult& run : runs) {
    const auto per_bucket = static_cast<std::size_t>(std::max(run.servers_per_bucket, 1));
    for (std::size_t i = 0; i < run.servers.size(); ++i) {
      const ServerBucket& row = run.servers[i];
      const std::size_t bucket = i / per_bucket;
      const double time_s = bucket < run.buckets.size() ? run.buckets[bucket].time_s : NAN;
      append_row(csv, {run.summary.design, integer(run.summary.replication), real(time_s, kTimeDecimals),
                       server_name(static_cast<int>(i % per_bucket)), row.up ? "1" : "0", row.in_rotation ? "1" : "0",
                       integer(row.sessions_held), row.connections < 0 ? std::string() : integer(row.connections),
                       integer(row.requests), real(row.cpu_utilization, kUtilizationDecimals)});
    }
  }
  return csv;
}

std::string events_csv(const std::vector<RunResult>& runs) {
  // Part 2's columns, after detail, when some run has that part: what a server's stop found.
  struct Part2Column {
    const char* name;
    FieldGroup group;
    std::int64_t Part2Losses::*count;
  };
  static const Part2Column kPart2Columns[] = {
      {"connections_held", FieldGroup::realtime, &Part2Losses::connections_held},
      {"connections_dropped", FieldGroup::realtime, &Part2Losses::connections_dropped},
      {"matches_held", FieldGroup::games, &Part2Losses::matches_held},
      {"matches_lost", FieldGroup::games, &Part2Losses::matches_lost},
  };
  std::vector<const Part2Column*> columns;
  for (const Part2Column& column : kPart2Columns)
    if (std::any_of(runs.begin(), runs.end(), [&](const RunResult& run) { return run.summary.has(column.group); }))
      columns.push_back(&column);
  std::string csv;
  std::vector<std::string> header = {"design",        "replication",         "time_s",      "event",
                                     "target",        "sessions_held",       "sessions_lost",
                                     "forced_logouts_after", "failed_after", "window_s", "detail"};
  for (const Part2Column* column : columns) header.emplace_back(column->name);
  append_row(csv, header);
  for (const RunResult& run : runs) {
    for (const EventRow& e : run.events) {
      // A row without a window of consequences leaves its three columns empty.
      const auto windowed = [&e](std::int64_t count) { return e.has_window() ? integer(count) : std::string(); };
      std::vector<std::string> row = {run.summary.design, integer(run.summary.replication),
                                      real(e.time_s, kTimeDecimals), std::string(kEventKindNames.name(e.event)),
                                      e.target, e.sessions_held < 0 ? std::string() : integer(e.sessions_held),
                                      integer(e.sessions_lost), windowed(e.forced_logouts_after),
                                      windowed(e.failed_after), real(e.window_s, kTimeDecimals), e.detail};
      for (const Part2Column* column : columns) {
        const std::int64_t count = e.part2.*(column->count);
        row.push_back(count < 0 || !run.summary.has(column->group) ? std::string() : integer(count));
      }
      append_row(csv, row);
    }
  }
  return csv;
}

std::string summary_ci_csv(const std::vector<RunResult>& runs) {
  std::string csv;
  append_row(csv, {"design", "field", "replications", "mean", "ci95_low", "ci95_high", "half_width"});
  const std::vector<const SummaryField*> fields = reported_summary_fields(runs);
  for (const DesignRuns& design : group_by_design(runs)) {
    for (const SummaryField* reported : fields) {
      const SummaryField& field = *reported;
      FieldInterval interval = field_interval(design, field);
      append_row(
          csv,
          {design.name, field.name, integer(interval.count), format_field_statistic(field, interval.mean),
           format_field_statistic(field, interval.low), format_field_statistic(field, interval.high),
           format_field_statistic(field, interval.half_width)});
    }
  }
  return csv;
}

std::string comparisons_csv(const std::vector<RunResult>& runs) {
  std::string csv;
  append_row(csv,
             {"design_a", "design_b", "field", "mean_difference", "ci95_low", "ci95_high", "significant"});
  std::vector<DesignRuns> designs = group_by_design(runs);
  const std::vector<const SummaryField*> fields = reported_summary_fields(runs);
  for (std::size_t a = 0; a < designs.size(); ++a) {
    for (std::size_t b = a + 1; b < designs.size(); ++b) {
      for (const SummaryField* reported : fields) {
        const SummaryField& field = *reported;
        PairedComparison comparison = compare_field(designs[a], designs[b], field);
        append_row(csv, {designs[a].name, designs[b].name, field.name,
                         format_field_statistic(field, comparison.mean_difference),
                         format_field_statistic(field, comparison.mean_difference - comparison.half_width),
                         format_field_statistic(field, comparison.mean_difference + comparison.half_width),
                         comparison.significant ? "1" : "0"});
      }
    }
  }
  return csv;
}

}  // namespace statesim
