// Indices into a growing table whose freed slots are reused, most recently freed first: users,
// requests, activities and timed actions live in such tables so that their memory follows what
// is in progress, not everything that ever was.
#pragma once

#include <cstdint>
#include <vector>

namespace statesim {

class FreeSlots {
 public:
  // A free index of `table`, growing it (emplace_back) when none is free.
  template <typename Table>
  std::uint32_t take(Table& table) {
    if (!free_.empty()) {
      const std::uint32_t slot = free_.back();
      free_.pop_back();
      return slot;
    }
    table.emplace_back();
    return static_cast<std::uint32_t>(table.size() - 1);
  }
  void give_back(std::uint32_t slot) { free_.push_back(slot); }

 private:
  std::vector<std::uint32_t> free_;
};

}  // namespace statesim
