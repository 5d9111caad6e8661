#include "cli/sweep_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/sweep_vary.hpp"
#include "report/text_format.hpp"
#include "scenario/loader.hpp"
#include "scenario/message_text.hpp"
#include "scenario/yaml_tree.hpp"

namespace statesim::cli {
namespace {

constexpr std::size_t kMaxPlanFileBytes = 64 << 20;  // as for a scenario file

bool has_control_character(const std::string& text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return true;
  }
  return false;
}

std::string manifest_csv(const SweepPlan& plan) {
  std::vector<std::string> header = {"point"};
  header.insert(header.end(), plan.keys.begin(), plan.keys.end());
  header.emplace_back("scenario");
  std::string csv = csv_line(header);
  for (const SweepPoint& point : plan.points) {
    std::vector<std::string> row = {std::to_string(point.number)};
    row.insert(row.end(), point.values.begin(), point.values.end());
    row.push_back(PlanFolder::point_scenario_name(point.number));
    csv += csv_line(row);
  }
  return csv;
}

void write_if_changed(const std::string& path, const std::string& text) {
  const auto existing = read_plan_file(path);
  if (!existing || *existing != text) write_file_atomically(path, text);
}

// The text of a plan file, which must be the resolved scenario that it loads to.
Scenario load_resolved(const std::string& path, std::string& text) {
  const auto content = read_plan_file(path);
  if (!content) throw UsageError(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  text = *content;
  Scenario scenario = load_scenario_file(path);
  if (resolved_yaml(scenario) != text)
    throw UsageError(fmt::format(
        "{}: not the resolved scenario the plan wrote (the file was edited, or a platform file it names "
        "changed): write the plan again",
        path));
  return scenario;
}

// A whole number in [1, max] written by sweep.yaml's writer, or 0.
int small_whole_number(const yaml_tree::Node* node, int max) {
  if (node == nullptr || node->kind != yaml_tree::Node::Kind::scalar || node->text.empty() ||
      node->text.size() > 9)
    return 0;
  for (const char c : node->text)
    if (c < '0' || c > '9') return 0;
  const int value = std::stoi(node->text);
  return value <= max ? value : 0;
}

// The `tasks:` section of sweep.yaml.
TaskLayout read_layout(const std::string& path, const std::string& text) {
  yaml_tree::Node root;
  try {
    root = yaml_tree::read_document(text);
  } catch (const yaml_tree::TreeError& error) {
    throw UsageError(
        fmt::format("{}:{}:{}: {}", path, error.position.line, error.position.column, error.what()));
  }
  const yaml_tree::Node* tasks = root.find("tasks");
  TaskLayout layout;
  layout.points_per_task =
      small_whole_number(tasks ? tasks->find("points_per_task") : nullptr, kMaxSweepPoints);
  layout.array_limit = small_whole_number(tasks ? tasks->find("array_limit") : nullptr, kMaxArrayLimit);
  if (layout.points_per_task == 0 || layout.array_limit == 0)
    throw UsageError(fmt::format("{}: tasks: expected points_per_task (1..{}) and array_limit (1..{})", path,
                                 kMaxSweepPoints, kMaxArrayLimit));
  return layout;
}

}  // namespace

TaskLayout task_layout(int point_count, int points_per_task, int array_limit) {
  TaskLayout layout;
  layout.points_per_task = points_per_task > 0
                               ? points_per_task
                               : std::max(1, (point_count + kMaxArrayTasks - 1) / kMaxArrayTasks);
  layout.array_limit = array_limit;
  return layout;
}

std::optional<std::string> read_plan_file(const std::string& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (error) {
    errno = error.value();
    return std::nullopt;
  }
  if (!std::filesystem::is_regular_file(status)) {
    errno = std::filesystem::is_directory(status) ? EISDIR : EINVAL;
    return std::nullopt;
  }
  std::ifstream input(path, std::ios::binary);
  if (!input) return std::nullopt;
  std::string text;
  char buffer[1 << 16];
  while (input.read(buffer, sizeof buffer) || input.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(input.gcount()));
    if (text.size() > kMaxPlanFileBytes) {
      errno = EFBIG;
      return std::nullopt;
    }
  }
  if (input.bad()) return std::nullopt;
  return text;
}

std::string PlanFolder::point_scenario_name(int number) { return fmt::format("point-{:03d}.yaml", number); }

std::string PlanFolder::point_stem(int number) const {
  return fmt::format("{}/points/point-{:03d}", dir_, number);
}

std::string point_label(const std::vector<std::string>& keys, const SweepPoint& point) {
  std::vector<std::string> parts;
  for (std::size_t k = 0; k < keys.size() && k < point.values.size(); ++k)
    parts.push_back(keys[k] + "=" + point.values[k]);
  return join_names(parts);
}

void write_plan_files(const PlanFolder& folder, const SweepPlan& plan) {
  std::filesystem::create_directories(folder.points());
  for (const SweepPoint& point : plan.points)
    write_if_changed(folder.point_scenario(point.number), point.resolved);
  write_if_changed(folder.path("points/base.yaml"), plan.base_resolved);
  write_if_changed(folder.path("points/sweep.yaml"), plan.description);
  // The manifest last: a folder with a manifest has every file it names.
  write_if_changed(folder.manifest(), manifest_csv(plan));
}

Manifest read_manifest(const PlanFolder& folder) {
  const std::string path = folder.manifest();
  const auto text = read_plan_file(path);
  if (!text)
    throw UsageError(
        fmt::format("{}: cannot read: {} (a sweep plan folder is written by `statesim sweep FILE "
                    "--vary ... --plan DIR` or `--out DIR`)",
                    path, std::strerror(errno)));
  const auto bad = [&path](std::size_t line, const std::string& why) {
    return UsageError(fmt::format("{}:{}: {}", path, line, why));
  };
  if (text->empty() || text->back() != '\n')
    throw bad(1, "not a sweep manifest: empty, or the last line is cut");
  Manifest manifest;
  std::vector<std::string> fields;
  std::size_t line_number = 0;
  std::size_t start = 0;
  std::size_t columns = 0;
  while (start < text->size()) {
    const std::size_t end = text->find('\n', start);
    const std::string_view line(text->data() + start, end - start);
    start = end + 1;
    ++line_number;
    if (!read_csv_line(line, fields)) throw bad(line_number, "not a CSV row");
    for (const std::string& field : fields)
      if (has_control_character(field)) throw bad(line_number, "a control character in a field");
    if (line_number == 1) {
      if (fields.size() < 3 || fields.front() != "point" || fields.back() != "scenario")
        throw bad(1, "expected the header point,<varied keys...>,scenario");
      manifest.keys.assign(fields.begin() + 1, fields.end() - 1);
      columns = fields.size();
      continue;
    }
    const int number = static_cast<int>(line_number - 1);
    if (number > static_cast<int>(kMaxSweepPoints))
      throw bad(line_number, fmt::format("more than {} points", kMaxSweepPoints));
    if (fields.size() != columns)
      throw bad(line_number,
                fmt::format("expected {} fields like the header, got {}", columns, fields.size()));
    if (fields.front() != std::to_string(number))
      throw bad(line_number, fmt::format("expected point {}, got {}", number, quote_value(fields.front())));
    if (fields.back() != PlanFolder::point_scenario_name(number))
      throw bad(line_number,
                fmt::format("expected the scenario {}, got {}", PlanFolder::point_scenario_name(number),
                            quote_value(fields.back())));
    manifest.values.emplace_back(fields.begin() + 1, fields.end() - 1);
  }
  if (manifest.values.empty()) throw bad(line_number, "the manifest names no point");
  return manifest;
}

SweepPoint read_point(const PlanFolder& folder, const Manifest& manifest, int number) {
  const int count = static_cast<int>(manifest.values.size());
  if (number < 1 || number > count)
    throw UsageError(fmt::format("point {}: the plan in {} has points 1..{}", number, folder.dir(), count));
  SweepPoint point;
  point.number = number;
  point.values = manifest.values[static_cast<std::size_t>(number - 1)];
  point.scenario = load_resolved(folder.point_scenario(number), point.resolved);
  return point;
}

SweepPlan read_plan(const PlanFolder& folder) {
  const Manifest manifest = read_manifest(folder);
  SweepPlan plan;
  plan.keys = manifest.keys;
  plan.base = load_resolved(folder.path("points/base.yaml"), plan.base_resolved);
  const std::string description = folder.path("points/sweep.yaml");
  const auto text = read_plan_file(description);
  if (!text) throw UsageError(fmt::format("{}: cannot read: {}", description, std::strerror(errno)));
  plan.description = *text;
  plan.layout = read_layout(description, plan.description);
  for (int number = 1; number <= static_cast<int>(manifest.values.size()); ++number)
    plan.points.push_back(read_point(folder, manifest, number));
  return plan;
}

}  // namespace statesim::cli
