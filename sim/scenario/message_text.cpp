#include "scenario/message_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace statesim {

std::string yaml_double_quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string quote_value(std::string_view text) {
  constexpr std::size_t kMaxShown = 60;
  if (text.size() <= kMaxShown) return yaml_double_quoted(text);
  std::string out = yaml_double_quoted(text.substr(0, kMaxShown));
  out.insert(out.size() - 1, "...");
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment distance over a full table: keys are short.
  const std::size_t rows = a.size() + 1, cols = b.size() + 1;
  std::vector<std::size_t> d(rows * cols);
  auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * cols + j]; };
  for (std::size_t i = 0; i < rows; ++i) at(i, 0) = i;
  for (std::size_t j = 0; j < cols; ++j) at(0, j) = j;
  for (std::size_t i = 1; i < rows; ++i) {
    for (std::size_t j = 1; j < cols; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
    }
  }
  return at(rows - 1, cols - 1);
}

std::string closest_name(std::string_view typo, const std::vector<std::string>& candidates) {
  std::string lowered(typo);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // About one mistake per four letters still reads as a typo; more is another word.
  const std::size_t tolerance = std::max<std::size_t>(1, (lowered.size() + 2) / 4);
  std::string best;
  std::size_t best_distance = tolerance + 1;
  for (const auto& candidate : candidates) {
    // The distance is at least the difference in length: skipping hopeless candidates keeps a
    // megabyte-long value from costing a table of megabytes times the candidate's length.
    const std::size_t length_gap = lowered.size() > candidate.size() ? lowered.size() - candidate.size()
                                                                     : candidate.size() - lowered.size();
    if (length_gap > tolerance) continue;
    const std::size_t distance = edit_distance(lowered, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

std::string join_names(const std::vector<std::string>& names) {
  return fmt::format("{}", fmt::join(names, ", "));
}

}  // namespace statesim
