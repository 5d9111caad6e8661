#include "model/autoscale_rule.hpp"

#include <algorithm>
#include <cmath>

namespace statesim {

int desired_servers(const AutoscaleSpec& autoscale, int current, double utilization) {
  // The small epsilon keeps an exact fit (4 servers at exactly the target) from rounding up.
  const int proportional = static_cast<int>(std::ceil(current * utilization / autoscale.target - 1e-9));
  return std::clamp(proportional, autoscale.min, autoscale.max);
}

}  // namespace statesim
