// The grammar of an `expect:` line, "shared-redis.sessions_lost == 0": a check on a design's
// summary field against a number or another design's field. The loader reads each line with
// it; which fields exist is the report's business (model/expectations.hpp checks them).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace statesim {

struct Expectation {
  std::string design;        // an existing design name
  std::string field;         // a summary field: sessions_lost, latency_p95_ms, ...
  std::string op;            // <, <=, >, >=, ==, !=
  double value = 0;          // the number compared with, unless other_design is set
  std::string other_design;  // "a.f < b.g": compare with another design's field
  std::string other_field;
  bool percent = false;      // the number was written "60%" (value holds 0.6)
  std::string text;          // the line as written
  bool holds(double actual) const;                // against `value`; false when `actual` is NaN
  bool holds(double actual, double other) const;  // against `other`; false when either is NaN
};

// The form of an expect line, for messages.
inline constexpr const char* kExpectationForm =
    "a check \"<design>.<field> <op> <number>\" such as \"shared-redis.sessions_lost == 0\", or "
    "\"<design>.<field> <op> <design>.<field>\"";

// Parses `text` against the known design names (fields are not checked here); on failure
// returns nullopt and says why in `problem`.
std::optional<Expectation> read_expectation(const std::string& text, const std::vector<std::string>& design_names,
                                            std::string& problem);

}  // namespace statesim
