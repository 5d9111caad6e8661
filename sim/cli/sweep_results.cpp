#include "cli/sweep_results.hpp"

#include <fmt/format.h>

#include <cctype>
#include <filesystem>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/interrupt.hpp"
#include "report/design_runs.hpp"
#include "report/summary_fields.hpp"
#include "report/text_format.hpp"

namespace statesim::cli {
namespace {

// The columns before `design` of every row of a point.
std::vector<std::string> point_columns(const SweepPoint& point) {
  std::vector<std::string> columns = {std::to_string(point.number)};
  columns.insert(columns.end(), point.values.begin(), point.values.end());
  return columns;
}

// What the writers put in a numeric column: empty, or a decimal number.
bool is_number_field(const std::string& text) {
  std::size_t i = text.empty() || text[0] != '-' ? 0 : 1;
  const std::size_t digits = i;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == digits) return text.empty();
  if (i < text.size() && text[i] == '.') {
    const std::size_t fraction = ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == fraction) return false;
  }
  return i == text.size();
}

// The design and replication of each row, in the order point_rows writes them.
std::vector<std::pair<std::string, std::string>> expected_row_identities(const Scenario& scenario) {
  std::vector<std::pair<std::string, std::string>> identities;
  for (const Design& design : scenario.designs)
    for (int r = 0; r < scenario.replications; ++r) identities.emplace_back(design.name, std::to_string(r));
  for (const Design& design : scenario.designs) identities.emplace_back(design.name, "mean");
  return identities;
}

// Whether `fields` is the row of `point` for (design, replication), with numbers where the
// writers put numbers and empty interval columns in a replication's row.
bool is_point_row(const std::vector<std::string>& fields, std::size_t columns, std::size_t field_count,
                  const std::vector<std::string>& prefix,
                  const std::pair<std::string, std::string>& identity) {
  if (fields.size() != columns) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (fields[i] != prefix[i]) return false;
  const std::size_t design = prefix.size();
  if (fields[design] != identity.first || fields[design + 1] != identity.second) return false;
  const bool mean_row = identity.second == "mean";
  for (std::size_t i = design + 2; i < fields.size(); ++i) {
    const bool interval = i >= design + 2 + field_count;
    if (!is_number_field(fields[i]) || (interval && !mean_row && !fields[i].empty())) return false;
  }
  return true;
}

// The columns of a sweep: the parts its scenario has (a --vary sets the same keys in every
// point, so every point has the same sections), and requests_failed_final whenever there are web
// visitors: `clients.retries` may be what varies (empty at a point without retries).
std::vector<const SummaryField*> sweep_fields(const Scenario& scenario) {
  std::uint32_t groups = field_groups_of(scenario);
  for (const Design& design : scenario.designs)
    if (design.clients.present) groups |= group_bit(FieldGroup::retries);
  return summary_fields_of(groups);
}

// Adds a point file's row to the result: a replication's to sweep.csv (without the interval
// columns), a mean row to sweep_means.csv (with the number of replications in place of
// "mean") and to the closing table.
void add_row(PointResult& result, std::vector<std::string> fields, std::size_t field_count,
             std::size_t prefix, int replications) {
  result.file_rows += csv_line(fields);
  const std::size_t replication = prefix + 1;
  if (fields[replication] != "mean") {
    fields.resize(replication + 1 + field_count);
    result.rows += csv_line(fields);
    return;
  }
  result.mean_rows.push_back(fields);
  fields[replication] = std::to_string(replications);
  result.means += csv_line(fields);
}

}  // namespace

std::vector<std::string> replications_header(const std::vector<std::string>& keys, const SweepPoint& point) {
  std::vector<std::string> header = sweep_header(keys, point);
  header.resize(keys.size() + 3 + sweep_fields(point.scenario).size());
  return header;
}

std::vector<std::string> means_header(const std::vector<std::string>& keys, const SweepPoint& point) {
  std::vector<std::string> header = sweep_header(keys, point);
  header[keys.size() + 2] = "replications";
  return header;
}

std::vector<std::string> sweep_header(const std::vector<std::string>& keys, const SweepPoint& point) {
  std::vector<std::string> header = {"point"};
  header.insert(header.end(), keys.begin(), keys.end());
  header.emplace_back("design");
  header.emplace_back("replication");
  const std::vector<const SummaryField*> fields = sweep_fields(point.scenario);
  for (const SummaryField* field : fields) header.emplace_back(field->name);
  for (const SummaryField* field : fields) {
    header.push_back(std::string(field->name) + "_ci95_low");
    header.push_back(std::string(field->name) + "_ci95_high");
  }
  return header;
}

PointResult point_result(const SweepPoint& point, const std::vector<RunResult>& runs) {
  const std::vector<const SummaryField*> fields = sweep_fields(point.scenario);
  const std::size_t prefix = point_columns(point).size();
  PointResult result;
  for (const RunResult& run : runs) {
    std::vector<std::string> row = point_columns(point);
    row.push_back(run.summary.design);
    row.push_back(std::to_string(run.summary.replication));
    for (const SummaryField* field : fields) row.push_back(format_field_value(*field, field->value(run.summary)));
    row.resize(row.size() + 2 * fields.size());
    add_row(result, std::move(row), fields.size(), prefix, point.scenario.replications);
  }
  for (const DesignRuns& design : group_by_design(runs)) {
    std::vector<std::string> row = point_columns(point);
    row.push_back(design.name);
    row.emplace_back("mean");
    std::vector<FieldInterval> intervals;
    for (const SummaryField* field : fields) intervals.push_back(field_interval(design, *field));
    for (std::size_t f = 0; f < fields.size(); ++f)
      row.push_back(format_field_statistic(*fields[f], intervals[f].mean));
    for (std::size_t f = 0; f < fields.size(); ++f) {
      row.push_back(format_field_statistic(*fields[f], intervals[f].low));
      row.push_back(format_field_statistic(*fields[f], intervals[f].high));
    }
    add_row(result, std::move(row), fields.size(), prefix, point.scenario.replications);
  }
  return result;
}

std::optional<PointResult> finished_point(const PlanFolder& folder, const std::vector<std::string>& keys,
                                          const SweepPoint& point, std::string* why) {
  const auto unfinished = [why](const char* reason) -> std::optional<PointResult> {
    if (why != nullptr) *why = reason;
    return std::nullopt;
  };
  const auto csv = read_plan_file(folder.point_csv(point.number));
  if (!csv) return unfinished("not run");
  const auto key = read_plan_file(folder.point_key(point.number));
  if (!key || *key != point.resolved) return unfinished("its files belong to another scenario");
  const auto not_its_rows = unfinished("its CSV does not hold its rows");
  const std::vector<std::string> header = sweep_header(keys, point);
  const std::size_t field_count = sweep_fields(point.scenario).size();
  const std::string header_line = csv_line(header);
  if (csv->compare(0, header_line.size(), header_line) != 0 || csv->back() != '\n') return not_its_rows;
  const auto identities = expected_row_identities(point.scenario);
  const std::vector<std::string> prefix = point_columns(point);
  PointResult result;
  std::size_t count = 0;
  std::vector<std::string> fields;
  for (std::size_t start = header_line.size(); start < csv->size(); ++count) {
    const std::size_t end = csv->find('\n', start);
    if (count == identities.size() ||
        !read_csv_line(std::string_view(*csv).substr(start, end - start), fields) ||
        !is_point_row(fields, header.size(), field_count, prefix, identities[count]))
      return not_its_rows;
    // As the writer writes it, whatever quoting the file used.
    add_row(result, fields, field_count, prefix.size(), point.scenario.replications);
    start = end + 1;
  }
  if (count != identities.size()) return not_its_rows;
  return result;
}

PointResult run_point(const PlanFolder& folder, const std::vector<std::string>& keys, const SweepPoint& point,
                      int jobs, const engine::ProgressCallback& progress) {
  PointResult result = point_result(point, simulate_all(point.scenario, jobs, progress));
  const SignalsHeld held;  // a point's two files are written together
  // The stale .key goes first: a .key on disk always belongs to the CSV beside it.
  const std::string key = folder.point_key(point.number);
  std::error_code error;
  std::filesystem::remove(key, error);
  if (error) throw std::runtime_error(fmt::format("cannot replace {}: {}", key, error.message()));
  write_file_atomically(folder.point_csv(point.number),
                        csv_line(sweep_header(keys, point)) + result.file_rows);
  write_file_atomically(key, point.resolved);
  return result;
}

}  // namespace statesim::cli
