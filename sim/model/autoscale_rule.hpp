// The autoscaler's decision: target tracking on mean CPU utilisation.
#pragma once

#include "scenario/config.hpp"

namespace statesim {

// desired = ceil(current x utilization / target), within [min, max].
int desired_servers(const AutoscaleSpec& autoscale, int current, double utilization);

}  // namespace statesim
