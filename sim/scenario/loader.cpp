// The scenario file as a whole: its top-level settings, the base design and each design merged
// over it (maps merge key by key; lists and scalars replace), the expectations' syntax, and the
// entry points. Each section of a design has a reader of its own (scenario/sections/); checks
// across sections run once per design after merging (scenario/design_checker.cpp).
#include "scenario/loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <filesystem>
#include <limits>
#include <optional>
#include <utility>

#include "model/run_estimate.hpp"
#include "scenario/design_draft.hpp"
#include "scenario/expectation.hpp"
#include "scenario/input_file.hpp"
#include "scenario/report_section.hpp"

namespace statesim {
namespace {

namespace fs = std::filesystem;
using namespace loading;

// ---------------------------------------------------------------------------------------------
// The whole file

const std::vector<std::string> kTopLevelKeys = {
    "version",         "name",         "description", "seed",      "duration", "warmup",
    "report_interval", "replications", "expect",      "platform",  "network",  "clients",
    "load_balancer",   "servers",      "sessions",    "autoscale", "events",   "designs",
    "realtime",        "games",        "uploads",     "effects",  "report"};

std::string top_level_only_hint(const std::string& key) {
  const bool top_level = std::find(kTopLevelKeys.begin(), kTopLevelKeys.end(), key) != kTopLevelKeys.end();
  return top_level ? "this key is set for the whole scenario, not per design" : "";
}

std::vector<std::string> design_keys() {
  std::vector<std::string> keys = {"name", "description"};
  for (const auto& section : design_sections()) keys.push_back(section.first);
  return keys;
}

std::string read_description(const Node& node, const std::string& path) {
  if (node.kind == Node::Kind::null) return "";  // `description:` left empty
  std::string text = read_text(node, path);
  // A folded block (`description: >`) ends with a newline the report does not want.
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

void read_scenario_settings(const Section& top, Scenario& scenario, LoadContext& context) {
  const Node& version = top.require("version");
  if (read_int(version, "version", 0) != 1)
    fail_expected(version, "version", "1 (the only version of this format)");
  scenario.version = 1;
  scenario.name = read_name(top.require("name"), "name");
  if (const Node* value = top.get("description"))
    scenario.description = read_description(*value, "description");
  if (const Node* value = top.get("seed")) scenario.seed = read_seed(*value, "seed");

  const Node& duration = top.require("duration");
  scenario.duration_s = read_duration(duration, "duration", Lowest::above_zero);
  if (scenario.duration_s > context.limits.max_duration_s)
    fail(duration.position, "duration",
         fmt::format("{} ({}s) is above the limit of {}s", duration.text, scenario.duration_s,
                     context.limits.max_duration_s));
  context.duration_s = scenario.duration_s;

  if (const Node* value = top.get("warmup")) {
    scenario.warmup_s = read_duration(*value, "warmup", Lowest::zero);
    if (scenario.warmup_s >= scenario.duration_s)
      fail_expected(*value, "warmup",
                    fmt::format("a duration shorter than the duration ({})", duration.text));
  }
  if (const Node* value = top.get("report_interval")) {
    scenario.report_interval_s = read_duration(*value, "report_interval", Lowest::above_zero);
    const double buckets = scenario.duration_s / scenario.report_interval_s;
    if (buckets > context.limits.max_buckets)
      fail(value->position, "report_interval",
           fmt::format("{} over {} is {:.0f} time-series buckets, above the limit of {:.0f}", value->text,
                       duration.text, buckets, context.limits.max_buckets));
  }
  if (const Node* value = top.get("replications"))
    scenario.replications = read_int(*value, "replications", 1, context.limits.max_replications);
  if (const Node* value = top.get("report")) scenario.report_fields = read_report_fields(*value, "report");
  if (const Node* value = top.get("expect")) {
    if (value->kind != Node::Kind::sequence)
      fail_expected(*value, "expect", fmt::format("a list of {}", kExpectationForm));
    for (std::size_t i = 0; i < value->items.size(); ++i) {
      const Node& item = value->items[i];
      scenario.expect.push_back(
          ExpectLine{read_text(item, item_path("expect", i)), item.position.line, item.position.column});
    }
  }
}

void read_designs(const Section& top, Scenario& scenario, const LoadContext& context) {
  DesignDraft base;
  base.start = origin_of(top.node(), "");
  RequestKind page;  // the default mix: one kind, cpu exp(5ms)
  page.name = "page";
  base.design.clients.requests = {page};
  apply_design_sections(top, base, context);

  const Node* designs = top.get("designs");
  if (designs == nullptr) {
    DesignDraft draft = base;
    draft.design.name = scenario.name;
    draft.design.description = scenario.description;
    scenario.designs.push_back(finish_design(draft, false, context));
    return;
  }
  constexpr std::string_view kExpected =
      "a list of designs, each a map such as {name: shared-redis, sessions: {store: redis}}";
  if (designs->kind != Node::Kind::sequence) fail_expected(*designs, "designs", kExpected);
  if (designs->items.empty()) fail_expected(*designs, "designs", kExpected, "at least one design is needed");
  const std::vector<std::string> keys = design_keys();
  // Each design holds its own copy of the base file's events: bound the total before copying.
  const std::size_t copied_events = designs->items.size() * base.events.size();
  if (copied_events > context.limits.max_design_events)
    fail(designs->position, "designs",
         fmt::format("{} designs x {} events of the base file is {} events to hold, above the limit of {}",
                     designs->items.size(), base.events.size(), copied_events, context.limits.max_design_events));
  std::size_t events_held = 0;
  for (std::size_t i = 0; i < designs->items.size(); ++i) {
    const Section section(designs->items[i], item_path("designs", i), keys, top_level_only_hint);
    DesignDraft draft = base;
    draft.start = origin_of(section.node(), section.path());
    const Node& name = section.require("name");
    draft.design.name = read_name(name, section.path("name"));
    for (std::size_t earlier = 0; earlier < scenario.designs.size(); ++earlier)
      if (scenario.designs[earlier].name == draft.design.name)
        fail(name.position, section.path("name"),
             fmt::format("duplicate design name {} (already used by designs[{}])",
                         quote_value(draft.design.name), earlier));
    if (const Node* value = section.get("description"))
      draft.design.description = read_description(*value, section.path("description"));
    apply_design_sections(section, draft, context);
    events_held += draft.events.size();
    if (events_held > context.limits.max_design_events)
      fail(section.node().position, section.path(),
           fmt::format("the designs so far hold {} events, above the limit of {}", events_held,
                       context.limits.max_design_events));
    scenario.designs.push_back(finish_design(draft, true, context));
  }
}

void check_expectations(const Section& top, const Scenario& scenario) {
  const Node* expect = top.get("expect");
  if (expect == nullptr) return;
  std::vector<std::string> design_names;
  for (const auto& design : scenario.designs) design_names.push_back(design.name);
  for (std::size_t i = 0; i < expect->items.size(); ++i) {
    std::string problem;
    if (!read_expectation(scenario.expect[i].text, design_names, problem))
      fail_expected(expect->items[i], item_path("expect", i), kExpectationForm, problem);
  }
}

Scenario build_scenario(const Node& root, const std::string& display_name,
                        const LoadContext& initial_context) {
  const Section top(root, "", kTopLevelKeys);
  Scenario scenario;
  scenario.source_path = display_name;
  LoadContext context = initial_context;
  context.display_name = display_name;
  context.warnings = &scenario.warnings;
  read_scenario_settings(top, scenario, context);
  read_designs(top, scenario, context);
  check_expectations(top, scenario);
  return scenario;
}

ScenarioError positioned_error(const TreeError& error, const std::string& display_name) {
  return ScenarioError(fmt::format("{}:{}:{}: {}{}", display_name, error.position.line, error.position.column,
                                   error.path.empty() ? "" : error.path + ": ", error.what()));
}

}  // namespace

Scenario load_scenario_text(const std::string& text, const std::string& display_name,
                            const std::string& base_dir, const ScenarioLimits& limits) {
  Node root;
  try {
    root = yaml_tree::read_document(text);
  } catch (const TreeError& error) {
    throw positioned_error(error, display_name);
  }
  return load_scenario_tree(root, display_name, base_dir, limits);
}

Scenario load_scenario_tree(const yaml_tree::Node& root, const std::string& display_name,
                            const std::string& base_dir, const ScenarioLimits& limits) {
  LoadContext context;
  context.base_dir = base_dir.empty() ? "." : base_dir;
  context.limits = limits;
  try {
    return build_scenario(root, display_name, context);
  } catch (const TreeError& error) {
    throw positioned_error(error, display_name);
  }
}

Scenario load_scenario_file(const std::string& path, const ScenarioLimits& limits) {
  constexpr std::size_t kMaxFileBytes = 64 << 20;
  std::string text;
  try {
    text = read_input_file(path, kMaxFileBytes);
  } catch (const InputFileError& error) {
    const std::string reason = error.what();
    throw ScenarioError(fmt::format("{}: cannot read: {}{}", path, reason,
                                    reason.rfind("larger than", 0) == 0 ? ", not a scenario file" : ""));
  }
  const std::string base_dir = fs::path(path).parent_path().string();
  return load_scenario_text(text, path, base_dir, limits);
}

}  // namespace statesim
