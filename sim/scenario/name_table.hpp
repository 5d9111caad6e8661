// The names of an enum's values as written in scenario files and reports, in one table per
// enum, so that reading (the loader) and writing (the resolved scenario, the CSV files) cannot
// disagree. The table order is the order shown in messages ("one of a, b, c").
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace statesim {

template <typename Enum, std::size_t N>
struct NameTable {
  std::array<std::pair<std::string_view, Enum>, N> entries;

  // The name of `value`; every value of the enum has one (a table that misses one fails the
  // unit test that walks the tables).
  constexpr std::string_view name(Enum value) const {
    for (const auto& [text, entry] : entries)
      if (entry == value) return text;
    return {};
  }
  constexpr std::optional<Enum> parse(std::string_view text) const {
    for (const auto& [name_text, entry] : entries)
      if (name_text == text) return entry;
    return std::nullopt;
  }
  std::vector<std::string> names() const {
    std::vector<std::string> all;
    for (const auto& entry : entries) all.emplace_back(entry.first);
    return all;
  }
  static constexpr std::size_t size() { return N; }
};

}  // namespace statesim
