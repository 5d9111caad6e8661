#include "model/lb/policy.hpp"

namespace statesim::lb {

// splitmix64 applied to x: adding the golden-ratio constant first keeps hash64(0) != 0,
// and the finalizer spreads every input bit over every output bit.
std::uint64_t hash64(std::uint64_t x) {
  std::uint64_t z = x + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace statesim::lb
