#include <fmt/format.h>

#include <cmath>
#include <string>
#include <vector>

#include "report/design_runs.hpp"
#include "report/report.hpp"
#include "report/text_format.hpp"

namespace statesim {
namespace {

// A CSV-formatted number is valid JSON; its empty form (NaN) becomes null.
std::string json_number(const std::string& formatted) { return formatted.empty() ? "null" : formatted; }

// Shortest form that reads back to the same double, or null.
std::string json_number(double value) { return std::isfinite(value) ? fmt::format("{}", value) : "null"; }

std::string run_object(const Summary& s, const std::vector<SummaryField>& fields) {
  std::string json = fmt::format("{{\"design\": {}, \"replication\": {}, \"seed\": {}", json_string(s.design),
                                 s.replication, s.seed);
  for (const SummaryField& field : fields) {
    json += fmt::format(", {}: {}", json_string(field.name),
                        json_number(format_field_value(field, field.value(s))));
  }
  return json + "}";
}

const Design* find_design(const Scenario& scenario, const std::string& name) {
  for (const Design& design : scenario.designs) {
    if (design.name == name) return &design;
  }
  return nullptr;
}

std::string design_object(const Scenario& scenario, const DesignRuns& design,
                          const std::vector<SummaryField>& fields) {
  const Design* spec = find_design(scenario, design.name);
  std::string json = fmt::format("    {{\n      \"name\": {},\n      \"description\": {},\n      \"runs\": [",
                                 json_string(design.name), json_string(spec ? spec->description : ""));
  for (std::size_t i = 0; i < design.runs.size(); ++i) {
    json += fmt::format("{}\n        {}", i > 0 ? "," : "", run_object(design.runs[i]->summary, fields));
  }
  json += "\n      ],\n      \"mean\": {";
  std::string intervals;
  bool first = true;
  for (const SummaryField& field : fields) {
    FieldInterval interval = field_interval(design, field);
    const char* separator = first ? "" : ", ";
    json += fmt::format("{}{}: {}", separator, json_string(field.name),
                        json_number(format_field_statistic(field, interval.mean)));
    intervals += fmt::format("{}{}: [{}, {}]", separator, json_string(field.name),
                             json_number(format_field_statistic(field, interval.low)),
                             json_number(format_field_statistic(field, interval.high)));
    first = false;
  }
  json += "},\n      \"ci95\": {" + intervals + "}\n    }";
  return json;
}

}  // namespace

std::string summary_json(const Scenario& scenario, const std::vector<RunResult>& runs,
                         const std::vector<ExpectationResult>& expectations) {
  std::string json =
      fmt::format("{{\n  \"scenario\": {},\n  \"seed\": {},\n  \"duration_s\": {},\n  \"designs\": [",
                  json_string(scenario.name), scenario.seed, json_number(scenario.duration_s));
  std::vector<DesignRuns> designs = group_by_design(runs);
  const std::vector<SummaryField> fields = shown_summary_fields(groups_of(runs));
  for (std::size_t i = 0; i < designs.size(); ++i) {
    json += (i > 0 ? ",\n" : "\n") + design_object(scenario, designs[i], fields);
  }
  json += designs.empty() ? "],\n  \"expectations\": [" : "\n  ],\n  \"expectations\": [";
  for (std::size_t i = 0; i < expectations.size(); ++i) {
    const ExpectationResult& e = expectations[i];
    json += fmt::format("{}\n    {{\"text\": {}, \"passed\": {}, \"actual\": {}}}", i > 0 ? "," : "",
                        json_string(e.text), e.passed ? "true" : "false", json_number(e.actual));
  }
  json += expectations.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return json;
}

}  // namespace statesim
