#include "cli/sweep_merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/interrupt.hpp"
#include "cli/sweep_launchers.hpp"
#include "report/summary_fields.hpp"
#include "report/text_format.hpp"
#include "scenario/message_text.hpp"

namespace statesim::cli {
namespace {

const char* const kResultFiles[] = {"sweep.csv", "sweep_means.csv", "sweep.yaml", "scenario.yaml"};

// Each file is written whole under a name of its own beside its target, then all are renamed.
void write_result_set(const PlanFolder& folder,
                      const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::pair<std::string, std::string>> staged;  // (staged path, target path)
  try {
    for (const auto& [name, content] : files) {
      staged.emplace_back(folder.path("." + name + ".new"), folder.path(name));
      write_file_atomically(staged.back().first, content);
    }
  } catch (...) {
    for (const auto& file : staged) std::remove(file.first.c_str());
    throw;
  }
  const SignalsHeld held;
  for (const auto& [from, to] : staged)
    if (std::rename(from.c_str(), to.c_str()) != 0)
      throw std::runtime_error(fmt::format("cannot write {}: {}", to, std::strerror(errno)));
}

// One line per point and design: the varied values and the means of the main fields.
void print_table(std::ostream& out, const std::vector<std::string>& keys, const std::vector<std::string>& header,
                 const std::vector<const PointResult*>& points) {
  const std::vector<std::pair<std::string, std::string>> shown = {{"sessions_lost", "sessions lost"},
                                                                  {"forced_logouts", "forced logouts"},
                                                                  {"failed", "failed"},
                                                                  {"latency_p99_ms", "p99 (ms)"}};
  const auto column = [&header](const std::string& name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  std::vector<std::vector<std::string>> table;
  std::vector<std::string> titles = {"point"};
  titles.insert(titles.end(), keys.begin(), keys.end());
  titles.emplace_back("design");
  for (const auto& field : shown) titles.push_back(field.second);
  table.push_back(titles);
  const std::size_t text_columns = keys.size() + 2;
  for (const PointResult* point : points) {
    for (const auto& fields : point->mean_rows) {
      std::vector<std::string> row(fields.begin(), fields.begin() + static_cast<long>(text_columns));
      for (const auto& field : shown) {
        const std::string& value = fields[column(field.first)];
        row.push_back(value.empty() ? "-" : format_grouped(std::strtod(value.c_str(), nullptr), 1));
      }
      table.push_back(row);
    }
  }
  std::vector<std::size_t> widths(titles.size(), 0);
  for (const auto& row : table)
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], display_width(row[c]));
  for (const auto& row : table) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string padding(widths[c] - display_width(row[c]), ' ');
      const bool right_aligned = c == 0 || c >= text_columns;
      line += (c > 0 ? "  " : "") + (right_aligned ? padding + row[c] : row[c] + padding);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
}

void print_missing(std::ostream& err, const PlanFolder& folder, const SweepPlan& plan,
                   const std::map<std::string, std::vector<int>>& missing_by_reason,
                   const std::vector<int>& missing) {
  std::vector<std::string> reasons;
  for (const auto& [reason, numbers] : missing_by_reason)
    reasons.push_back(fmt::format("{} ({})", number_ranges(numbers), reason));
  err << fmt::format("statesim sweep: {} of {} point(s) of {} are missing: {}\n", missing.size(),
                     plan.points.size(), folder.dir(), join_names(reasons));
  err << fmt::format(
      "{} was not written. Run the missing points, then merge again:\n"
      "  on Slurm:        {}\n"
      "  with parallel:   parallel < {}   (finished points are skipped)\n"
      "  here, one point: statesim sweep --run-point {} {}\n",
      folder.path("sweep.csv"), submit_command(folder, array_spec(missing, plan.layout)),
      shell_quoted(folder.path("jobs.txt")), shell_quoted(folder.dir()), missing.front());
}

}  // namespace

std::string number_ranges(const std::vector<int>& numbers) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < numbers.size();) {
    std::size_t j = i;
    while (j + 1 < numbers.size() && numbers[j + 1] == numbers[j] + 1) ++j;
    parts.push_back(j == i ? std::to_string(numbers[i]) : fmt::format("{}-{}", numbers[i], numbers[j]));
    i = j + 1;
  }
  return join_names(parts);
}

void check_result_files(const PlanFolder& folder) {
  for (const char* name : kResultFiles) {
    std::error_code error;
    const auto status = std::filesystem::symlink_status(folder.path(name), error);
    if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))
      throw UsageError(fmt::format("{} is in the way of the sweep's results: it is not a regular file",
                                   folder.path(name)));
  }
}

int merge_points(const PlanFolder& folder, const SweepPlan& plan, std::map<int, PointResult> known,
                 std::ostream& out, std::ostream& err) {
  std::map<std::string, std::vector<int>> missing_by_reason;
  std::vector<int> missing;
  for (const SweepPoint& point : plan.points) {
    if (known.count(point.number) != 0) continue;
    std::string why;
    if (auto rows = finished_point(folder, plan.keys, point, &why)) {
      known.emplace(point.number, std::move(*rows));
    } else {
      missing_by_reason[why].push_back(point.number);
      missing.push_back(point.number);
    }
  }
  if (!missing.empty()) {
    print_missing(err, folder, plan, missing_by_reason, missing);
    return 1;
  }

  check_result_files(folder);
  const std::vector<std::string> header = sweep_header(plan.keys, plan.points.front());
  std::string sweep_csv = csv_line(replications_header(plan.keys, plan.points.front()));
  std::string means_csv = csv_line(means_header(plan.keys, plan.points.front()));
  std::vector<const PointResult*> in_order;
  for (const SweepPoint& point : plan.points) {
    const PointResult& result = known.at(point.number);
    sweep_csv += result.rows;
    means_csv += result.means;
    in_order.push_back(&result);
  }
  write_result_set(folder, {{"sweep.csv", sweep_csv},
                            {"sweep_means.csv", means_csv},
                            {"sweep.yaml", plan.description},
                            {"scenario.yaml", plan.base_resolved}});

  out << fmt::format("statesim sweep: {}, {} point(s), {} design(s), {} replication(s) each\n",
                     plan.base.name, plan.points.size(), plan.base.designs.size(), plan.base.replications);
  print_table(out, plan.keys, header, in_order);
  out << fmt::format("results: {} (means and intervals: {})\n", folder.path("sweep.csv"),
                     folder.path("sweep_means.csv"))
      << std::flush;
  return 0;
}

}  // namespace statesim::cli
