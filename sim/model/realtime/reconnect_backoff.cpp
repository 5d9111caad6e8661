#include "model/realtime/reconnect_backoff.hpp"

#include <algorithm>
#include <cmath>

namespace statesim {

double reconnect_backoff_cap_s(const ReconnectSpec& reconnect, int attempt) {
  // 2^k overflows nothing here: beyond 2^1023 the product is infinite and the cap wins.
  const double doubled = std::ldexp(reconnect.backoff_s, std::clamp(attempt, 0, 1100));
  return std::min(reconnect.max_backoff_s, doubled);
}

double reconnect_wait_s(const ReconnectSpec& reconnect, int attempt, RandomStream& rng) {
  const double cap = reconnect_backoff_cap_s(reconnect, attempt);
  switch (reconnect.jitter) {
    case Jitter::none:
      return cap;
    case Jitter::full:
      return cap * rng.uniform01();
    case Jitter::equal:
      return cap / 2 + cap / 2 * rng.uniform01();
  }
  return cap;
}

}  // namespace statesim
