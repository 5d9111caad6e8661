#include "engine/autoscaler.hpp"

#include <fmt/format.h>

#include "model/autoscale_rule.hpp"

namespace statesim::engine {

void Autoscaler::start() {
  if (!world_.design.autoscale.enabled) return;
  world_.clock.schedule(world_.design.autoscale.interval_s, [this] { tick(); });
}

void Autoscaler::tick() {
  const AutoscaleSpec& autoscale = world_.design.autoscale;
  const double now = world_.now();
  world_.clock.schedule(now + autoscale.interval_s, [this] { tick(); });
  const CpuTotals totals = pool_.cpu_totals(now);
  const double busy = totals.busy_core_s - mark_.busy_core_s;
  const double service = totals.service_core_s - mark_.service_core_s;
  mark_ = totals;
  if (service <= 0 || now - pool_.last_resize_at() < autoscale.cooldown_s) return;
  const double utilization = busy / service;
  const int current = pool_.active_members();
  const int desired = desired_servers(autoscale, current, utilization);
  if (desired == current) return;
  pool_.resize(desired, autoscale.scale_in_drain_s,
               fmt::format("autoscaler: cpu {:.0f}% {} target {:.0f}%", utilization * 100,
                           utilization > autoscale.target ? "above" : "below", autoscale.target * 100),
               autoscale.scale_in_pick);
}

}  // namespace statesim::engine
