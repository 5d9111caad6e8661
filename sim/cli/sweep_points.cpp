#include "cli/sweep_points.hpp"

#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unordered_map>

#include "cli/commands.hpp"
#include "cli/sweep_vary.hpp"
#include "scenario/loader.hpp"
#include "scenario/message_text.hpp"

namespace statesim::cli {
namespace {

using yaml_tree::Node;

// The loader's message without the file position: positions in a generated point are not
// positions in the user's file.
std::string without_position(const std::string& message, const std::string& display_name) {
  const std::string prefix = display_name + ":";
  if (message.rfind(prefix, 0) != 0) return message;
  std::size_t i = prefix.size();
  for (int number = 0; number < 2; ++number) {
    const std::size_t digits = i;
    while (i < message.size() && std::isdigit(static_cast<unsigned char>(message[i]))) ++i;
    if (i == digits || i >= message.size() || message[i] != ':') return message;
    ++i;
  }
  while (i < message.size() && message[i] == ' ') ++i;
  return message.substr(i);
}

// The scenario file's tree with values set at key paths, loaded like the file.
class PointLoader {
 public:
  PointLoader(const SweepRequest& request, const Node& base)
      : request_(request),
        base_(base),
        base_dir_(std::filesystem::path(request.scenario_path).parent_path().string()) {}

  // The scenario with the given values set; ScenarioError when the loader refuses it.
  Scenario load(const std::vector<const VaryOption*>& options, const std::vector<const Node*>& values) const {
    Node tree = base_;
    for (std::size_t k = 0; k < options.size(); ++k)
      set_key_path(tree, *options[k], *values[k], request_.scenario_path);
    Scenario scenario = load_scenario_tree(tree, request_.scenario_path, base_dir_);
    if (request_.seed) scenario.seed = *request_.seed;
    if (request_.replications) scenario.replications = *request_.replications;
    return scenario;
  }

  std::string message(const ScenarioError& error) const {
    return without_position(error.what(), request_.scenario_path);
  }

 private:
  const SweepRequest& request_;
  const Node& base_;
  std::string base_dir_;
};

std::string label_of(const std::vector<VaryOption>& options, const std::vector<std::size_t>& choice) {
  std::vector<std::string> parts;
  for (std::size_t k = 0; k < options.size(); ++k)
    parts.push_back(options[k].key_path + "=" + options[k].values[choice[k]].text);
  return join_names(parts);
}

// Every point, validated. A value that the loader refuses on its own is named with its --vary
// option; a combination that it refuses is named with the point's values.
std::vector<SweepPoint> build_points(const std::vector<VaryOption>& options, const PointLoader& loader) {
  std::vector<std::size_t> stride(options.size(), 1);
  for (std::size_t k = options.size(); k-- > 1;) stride[k - 1] = stride[k] * options[k].values.size();

  for (std::size_t k = 0; k < options.size(); ++k) {
    for (std::size_t v = 0; v < options[k].values.size(); ++v) {
      try {
        loader.load({&options[k]}, {&options[k].values[v].node});
      } catch (const ScenarioError& error) {
        throw UsageError(fmt::format("--vary {}={}: sweep point {}: {}", options[k].key_path,
                                     options[k].values[v].text, v * stride[k] + 1, loader.message(error)));
      }
    }
  }

  const std::size_t count = stride[0] * options[0].values.size();
  std::vector<SweepPoint> points;
  for (std::size_t p = 0; p < count; ++p) {
    SweepPoint point;
    point.number = static_cast<int>(p + 1);
    std::vector<std::size_t> choice;
    std::vector<const VaryOption*> chosen_options;
    std::vector<const Node*> chosen_values;
    for (std::size_t k = 0; k < options.size(); ++k) {
      choice.push_back(p / stride[k] % options[k].values.size());
      chosen_options.push_back(&options[k]);
      chosen_values.push_back(&options[k].values[choice[k]].node);
      point.values.push_back(options[k].values[choice[k]].text);
    }
    try {
      point.scenario = loader.load(chosen_options, chosen_values);
    } catch (const ScenarioError& error) {
      throw UsageError(fmt::format("sweep point {} ({}): {}", point.number, label_of(options, choice),
                                   loader.message(error)));
    }
    point.resolved = resolved_yaml(point.scenario);
    points.push_back(std::move(point));
  }
  return points;
}

// A design that sets a varied key itself hides the base value: such points are the same scenario.
void warn_about_identical_points(const SweepPlan& plan) {
  std::unordered_map<std::string, std::size_t> first_with_text;
  for (std::size_t b = 0; b < plan.points.size(); ++b) {
    const auto [found, inserted] = first_with_text.emplace(plan.points[b].resolved, b);
    if (inserted) continue;
    const SweepPoint& first = plan.points[found->second];
    const SweepPoint& second = plan.points[b];
    std::cerr << fmt::format(
        "warning: sweep points {} ({}) and {} ({}) are the same scenario: does every design set the varied "
        "key "
        "itself?\n",
        first.number, point_label(plan.keys, first), second.number, point_label(plan.keys, second));
    return;
  }
}

// The file's YAML tree; the file was loaded a moment ago, so a problem here is a file that changed.
Node read_scenario_tree(const std::string& path) {
  std::ifstream input(path, std::ios::binary);
  if (!input) throw ScenarioError(fmt::format("{}: cannot read", path));
  std::ostringstream text;
  text << input.rdbuf();
  try {
    return yaml_tree::read_document(text.str());
  } catch (const yaml_tree::TreeError& error) {
    throw ScenarioError(
        fmt::format("{}:{}:{}: {}", path, error.position.line, error.position.column, error.what()));
  }
}

// sweep.yaml: each value as it was given, which reads back as the value it was read as, since
// it was read as the value of a one-line `value: TEXT`.
std::string sweep_yaml(const SweepRequest& request, const std::vector<VaryOption>& options,
                       std::size_t point_count, const TaskLayout& layout, const std::string& base_resolved) {
  std::string out =
      "# statesim sweep: every point is `base` with one value of each `vary` key set (the first key\n"
      "# outermost); the results are in sweep.csv, one file per point in points/.\n";
  out += "file: " + yaml_double_quoted(request.scenario_path) + "\n";
  out += "vary:\n";
  for (const VaryOption& option : options) {
    out += "  - key: " + yaml_double_quoted(option.key_path) + "\n";
    out += "    values:\n";
    for (const VaryValue& value : option.values) out += "      - " + value.written + "\n";
  }
  out += fmt::format("points: {}\n", point_count);
  out += fmt::format(
      "tasks:                 # the job array of slurm.sbatch\n  points_per_task: {}\n  array_limit: {}\n",
      layout.points_per_task, layout.array_limit);
  out += "base:\n";
  std::size_t start = 0;
  while (start < base_resolved.size()) {
    std::size_t end = base_resolved.find('\n', start);
    if (end == std::string::npos) end = base_resolved.size();
    const std::string line = base_resolved.substr(start, end - start);
    out += line.empty() ? "\n" : "  " + line + "\n";
    start = end + 1;
  }
  return out;
}

}  // namespace

SweepPlan make_plan(const SweepRequest& request) {
  if (request.replications && (*request.replications < 1 || *request.replications > 10000))
    throw UsageError(
        fmt::format("--replications: expected a whole number in 1..10000, got {}", *request.replications));
  const std::vector<VaryOption> options = parse_vary_options(request.vary);

  // The file itself must load (with the positions of its own lines in any message) before
  // points made from it are.
  SweepPlan plan;
  plan.base = load_scenario_file(request.scenario_path);
  if (request.seed) plan.base.seed = *request.seed;
  if (request.replications) plan.base.replications = *request.replications;
  plan.base_resolved = resolved_yaml(plan.base);
  const Node tree = read_scenario_tree(request.scenario_path);
  const PointLoader loader(request, tree);
  if (resolved_yaml(loader.load({}, {})) != plan.base_resolved)
    throw std::logic_error("internal error: the scenario tree of sweep does not load as the file does");

  for (const VaryOption& option : options) plan.keys.push_back(option.key_path);
  plan.points = build_points(options, loader);
  plan.layout =
      task_layout(static_cast<int>(plan.points.size()), request.points_per_task, request.array_limit);
  plan.description = sweep_yaml(request, options, plan.points.size(), plan.layout, plan.base_resolved);
  warn_about_identical_points(plan);
  return plan;
}

}  // namespace statesim::cli
