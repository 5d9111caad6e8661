#include "model/lb/policies.hpp"

namespace statesim::lb {

std::unique_ptr<Policy> make_policy(const LoadBalancerSpec& spec) {
  switch (spec.policy) {
    case LbPolicy::round_robin:
      return std::make_unique<RoundRobinPolicy>();
    case LbPolicy::random:
      return std::make_unique<RandomPolicy>();
    case LbPolicy::least_connections:
      return std::make_unique<LeastConnectionsPolicy>();
    case LbPolicy::power_of_two:
      return std::make_unique<PowerOfTwoPolicy>();
    case LbPolicy::ip_hash:
      return std::make_unique<IpHashPolicy>();
    case LbPolicy::consistent_hash:
      return std::make_unique<ConsistentHashPolicy>(spec.virtual_nodes);
    case LbPolicy::sticky_cookie:
      return std::make_unique<StickyCookiePolicy>();
  }
  return std::make_unique<RoundRobinPolicy>();
}

}  // namespace statesim::lb
