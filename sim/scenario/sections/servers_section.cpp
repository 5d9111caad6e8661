// load_balancer, servers and autoscale: the pool and who decides its size and routing.
#include <fmt/format.h>

#include "scenario/design_draft.hpp"

namespace statesim::loading {

void apply_load_balancer(const Node& node, const std::string& path, DesignDraft& draft,
                         const LoadContext& context) {
  const Section section(node, path, {"policy", "health_check", "virtual_nodes"});
  LoadBalancerSpec& balancer = draft.design.load_balancer;
  if (const Node* value = section.get("policy"))
    balancer.policy = read_choice(*value, section.path("policy"), kLbPolicyNames);
  if (const Node* value = section.get("health_check")) {
    const Section health(*value, section.path("health_check"),
                         {"interval", "unhealthy_after", "healthy_after"});
    HealthCheckSpec& check = balancer.health_check;
    if (const Node* item = health.get("interval"))
      check.interval_s = read_duration(*item, health.path("interval"), Lowest::above_zero);
    if (const Node* item = health.get("unhealthy_after"))
      check.unhealthy_after = read_int(*item, health.path("unhealthy_after"), 1);
    if (const Node* item = health.get("healthy_after"))
      check.healthy_after = read_int(*item, health.path("healthy_after"), 1);
  }
  if (const Node* value = section.get("virtual_nodes"))
    balancer.virtual_nodes =
        read_int(*value, section.path("virtual_nodes"), 1, context.limits.max_virtual_nodes);
}

void apply_servers(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext&) {
  const Section section(node, path,
                        {"count", "max", "cores", "speed", "workers", "queue_limit", "startup_time", "drop_expired"});
  ServerSpec& servers = draft.design.servers;
  if (const Node* value = section.get("count")) {
    servers.count = read_int(*value, section.path("count"), 1);
    draft.servers_count = origin_of(*value, section.path("count"));
  }
  if (const Node* value = section.get("max")) {
    servers.max = read_int(*value, section.path("max"), 1);
    draft.servers_max = origin_of(*value, section.path("max"));
  }
  if (const Node* value = section.get("cores")) servers.cores = read_int(*value, section.path("cores"), 1);
  if (const Node* value = section.get("speed"))
    servers.speed = read_positive_number(*value, section.path("speed"), kLowestServerSpeed, kHighestServerSpeed,
                                         "a speed multiplies the built-in 1e9 flops per second; SimGrid cannot "
                                         "simulate hosts far beyond");
  if (const Node* value = section.get("workers")) {
    servers.workers = read_int(*value, section.path("workers"), 1);
    draft.servers_workers = origin_of(*value, section.path("workers"));
  }
  if (const Node* value = section.get("queue_limit"))
    servers.queue_limit =
        read_integer(*value, section.path("queue_limit"), 0, std::numeric_limits<std::int64_t>::max());
  if (const Node* value = section.get("startup_time"))
    servers.startup_time_s = read_duration(*value, section.path("startup_time"), Lowest::zero);
  if (const Node* value = section.get("drop_expired"))
    servers.drop_expired = read_bool(*value, section.path("drop_expired"));
}

void apply_autoscale(const Node& node, const std::string& path, DesignDraft& draft, const LoadContext&) {
  const Section section(node, path,
                        {"metric", "target", "min", "max", "interval", "cooldown", "scale_in_drain", "scale_in_pick"});
  AutoscaleSpec& autoscale = draft.design.autoscale;
  autoscale.enabled = true;
  if (const Node* value = section.get("metric"))
    read_choice(*value, section.path("metric"), kAutoscaleMetrics);
  if (const Node* value = section.get("target"))
    autoscale.target = read_fraction(*value, section.path("target"), Lowest::above_zero);
  if (const Node* value = section.get("min")) {
    autoscale.min = read_int(*value, section.path("min"), 1);
    draft.autoscale_min = origin_of(*value, section.path("min"));
  }
  if (const Node* value = section.get("max")) {
    autoscale.max = read_int(*value, section.path("max"), 1);
    draft.autoscale_max = origin_of(*value, section.path("max"));
  }
  if (const Node* value = section.get("interval"))
    autoscale.interval_s = read_duration(*value, section.path("interval"), Lowest::above_zero);
  if (const Node* value = section.get("cooldown"))
    autoscale.cooldown_s = read_duration(*value, section.path("cooldown"), Lowest::zero);
  if (const Node* value = section.get("scale_in_drain"))
    autoscale.scale_in_drain_s = read_duration(*value, section.path("scale_in_drain"), Lowest::zero);
  if (const Node* value = section.get("scale_in_pick"))
    autoscale.scale_in_pick = read_choice(*value, section.path("scale_in_pick"), kScaleInPickNames);
}

}  // namespace statesim::loading
