#include "model/expectations.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "model/summary_fields.hpp"
#include "scenario/loader.hpp"
#include "scenario/message_text.hpp"

namespace statesim {
namespace {

// Empty when `field` is known, else why not (with the closest name).
std::string check_field(const std::string& field) {
  const auto& fields = expectation_fields();
  if (std::find(fields.begin(), fields.end(), field) != fields.end()) return "";
  const std::string suggestion = closest_name(field, fields);
  return suggestion.empty()
             ? fmt::format("unknown field {} (fields: {})", quote_value(field), join_names(fields))
             : fmt::format("unknown field {} (did you mean {}?)", quote_value(field), quote_value(suggestion));
}

// Empty when a percentage may be compared with `field` (a fraction, shown in percent).
std::string check_percent_field(const std::string& field) {
  const SummaryField* known = find_summary_field(field);
  if (known != nullptr && std::string_view(known->unit) == "fraction") return "";
  std::vector<std::string> fractions;
  for (const SummaryField& candidate : summary_fields())
    if (std::string_view(candidate.unit) == "fraction") fractions.emplace_back(candidate.name);
  return fmt::format("{} is not a fraction: a percentage compares with {} only", quote_value(field),
                     join_names(fractions));
}

}  // namespace

// The report's field table, less in_flight (bookkeeping of the end of the run, not a result
// a lesson asserts on): a field added to the output is one an expectation can name.
const std::vector<std::string>& expectation_fields() {
  static const std::vector<std::string> fields = [] {
    std::vector<std::string> names = summary_field_names();
    names.erase(std::remove(names.begin(), names.end(), "in_flight"), names.end());
    return names;
  }();
  return fields;
}

std::vector<Expectation> parse_expectations(const Scenario& scenario) {
  std::vector<std::string> design_names;
  for (const auto& design : scenario.designs) design_names.push_back(design.name);
  std::vector<Expectation> result;
  for (std::size_t i = 0; i < scenario.expect.size(); ++i) {
    const ExpectLine& line = scenario.expect[i];
    std::string problem;
    std::optional<Expectation> expectation = read_expectation(line.text, design_names, problem);
    if (expectation) {
      problem = check_field(expectation->field);
      if (problem.empty() && !expectation->other_design.empty()) problem = check_field(expectation->other_field);
      if (problem.empty() && expectation->percent) problem = check_percent_field(expectation->field);
    }
    if (!problem.empty())
      throw ScenarioError(fmt::format("{}:{}:{}: expect[{}]: expected {}, got {} ({})", scenario.source_path,
                                      line.line, line.column, i, kExpectationForm, quote_value(line.text), problem));
    result.push_back(std::move(*expectation));
  }
  return result;
}

std::vector<ExpectationResult> check_expectations(const Scenario& scenario, const std::vector<RunResult>& runs) {
  std::vector<ExpectationResult> results;
  // The mean of a field over a design's replications (NaN when it has no value).
  auto mean_of = [&runs](const std::string& design, const std::string& field) {
    double sum = 0;
    int n = 0;
    for (const RunResult& run : runs) {
      if (run.summary.design != design) continue;
      const std::optional<double> value = summary_field(run.summary, field);
      if (value && !std::isnan(*value)) {
        sum += *value;
        ++n;
      }
    }
    return n > 0 ? sum / n : NAN;
  };
  for (const Expectation& expectation : parse_expectations(scenario)) {
    ExpectationResult result;
    result.text = expectation.text;
    result.percent = expectation.percent;
    result.actual = mean_of(expectation.design, expectation.field);
    result.passed = expectation.other_design.empty()
                        ? expectation.holds(result.actual)
                        : expectation.holds(result.actual, mean_of(expectation.other_design, expectation.other_field));
    results.push_back(result);
  }
  return results;
}

}  // namespace statesim
