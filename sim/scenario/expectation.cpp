#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "scenario/expectation.hpp"
#include "scenario/message_text.hpp"
#include "scenario/units.hpp"

namespace statesim {
namespace {

bool is_name_char(char c, bool underscore) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || (underscore && c == '_');
}

}  // namespace

bool Expectation::holds(double actual) const { return holds(actual, value); }

bool Expectation::holds(double actual, double other) const {
  if (std::isnan(actual) || std::isnan(other)) return false;
  if (op == "<") return actual < other;
  if (op == "<=") return actual <= other;
  if (op == ">") return actual > other;
  if (op == ">=") return actual >= other;
  if (op == "==") return actual == other;
  if (op == "!=") return actual != other;
  return false;
}

namespace {

std::string check_design(const std::string& design, const std::vector<std::string>& design_names) {
  if (std::find(design_names.begin(), design_names.end(), design) != design_names.end()) return "";
  return fmt::format("unknown design {} (designs: {})", quote_value(design), join_names(design_names));
}

}  // namespace

std::optional<Expectation> read_expectation(const std::string& text,
                                            const std::vector<std::string>& design_names,
                                            std::string& problem) {
  Expectation result;
  result.text = text;
  std::size_t pos = 0;
  auto skip_spaces = [&] {
    while (pos < text.size() && text[pos] == ' ') ++pos;
  };
  skip_spaces();
  const std::size_t design_start = pos;
  while (pos < text.size() && is_name_char(text[pos], false)) ++pos;
  result.design = text.substr(design_start, pos - design_start);
  if (result.design.empty() || pos >= text.size() || text[pos] != '.') {
    problem = "it does not start with a design name and a dot";
    return std::nullopt;
  }
  ++pos;
  const std::size_t field_start = pos;
  while (pos < text.size() && is_name_char(text[pos], true)) ++pos;
  result.field = text.substr(field_start, pos - field_start);
  skip_spaces();
  for (const char* op : {"<=", ">=", "==", "!=", "<", ">"}) {
    if (text.compare(pos, std::char_traits<char>::length(op), op) == 0) {
      result.op = op;
      break;
    }
  }
  if (result.field.empty() || result.op.empty()) {
    problem = "a field name and one of < <= > >= == != must follow the design";
    return std::nullopt;
  }
  pos += result.op.size();
  skip_spaces();
  std::string number = text.substr(pos);
  while (!number.empty() && number.back() == ' ') number.pop_back();
  // A number if it reads as one; otherwise another design's field.
  const bool negative = !number.empty() && number[0] == '-';
  // "60%" on a fraction field, as the table prints it: 0.6 (the field is checked by the report).
  result.percent = !number.empty() && number.back() == '%';
  bool is_number = true;
  try {
    std::string digits = negative ? number.substr(1) : number;
    if (result.percent) digits.pop_back();
    result.value = parse_number(digits) / (result.percent ? 100.0 : 1.0);
    if (negative) result.value = -result.value;
  } catch (const UnitError&) {
    is_number = false;
  }
  const std::size_t dot = number.find('.');
  const bool is_reference = !is_number && dot != std::string::npos && dot > 0 &&
                            std::all_of(number.begin(), number.begin() + static_cast<std::ptrdiff_t>(dot),
                                        [](char c) { return is_name_char(c, false); });
  if (is_reference) {
    result.other_design = number.substr(0, dot);
    result.other_field = number.substr(dot + 1);
    const bool well_formed =
        std::all_of(result.other_design.begin(), result.other_design.end(), [](char c) { return is_name_char(c, false); }) &&
        !result.other_field.empty() &&
        std::all_of(result.other_field.begin(), result.other_field.end(), [](char c) { return is_name_char(c, true); });
    if (!well_formed) {
      problem = fmt::format("{} is neither a number nor <design>.<field>", quote_value(number));
      return std::nullopt;
    }
  } else if (!is_number) {
    problem = fmt::format("{} is not a finite decimal number", quote_value(number));
    return std::nullopt;
  }
  problem = check_design(result.design, design_names);
  if (problem.empty() && is_reference) problem = check_design(result.other_design, design_names);
  if (!problem.empty()) return std::nullopt;
  return result;
}

}  // namespace statesim
