// Reading one `expect:` line, shared by the loader (which reports problems with a position)
// and parse_expectations (which runs on a scenario already checked).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scenario/loader.hpp"

namespace statesim {

// The form of an expect line, for messages.
inline constexpr const char* kExpectationForm =
    "a check \"<design>.<field> <op> <number>\" such as \"shared-redis.sessions_lost == 0\", or "
    "\"<design>.<field> <op> <design>.<field>\"";

// Parses `text` against the known design names; on failure returns nullopt and says why in
// `problem`.
std::optional<Expectation> read_expectation(const std::string& text,
                                            const std::vector<std::string>& design_names,
                                            std::string& problem);

}  // namespace statesim
