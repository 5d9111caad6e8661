#include "engine/rolling_deploy.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace statesim::engine {

void RollingDeploy::begin(const DeployEvent& deploy) {
  if (!pending_.empty() || !batch_.empty()) {
    world_.recorder.add_note(world_.now(), EventKind::deploy, "all", "ignored: a deploy is already in progress");
    return;
  }
  deploy_ = deploy;
  for (int s = 0; s < pool_.size(); ++s)
    if (pool_.member(s) && !pool_.leaving(s)) pending_.push_back(s);
  world_.recorder.add_event(world_.now(), EventKind::deploy, "all", 0,
                            fmt::format("rolling restart of {} servers, {} at a time, drain {}s", pending_.size(),
                                        deploy.batch, deploy.drain_s));
  next_batch();
}

void RollingDeploy::after_probe_round() {
  // A batch server a stop (or a scale-in) took out of the pool meanwhile does not come back.
  if (!batch_.empty() && std::all_of(batch_.begin(), batch_.end(), [this](int s) {
        return balancer_.view(s).accepts_new_sessions || !pool_.member(s);
      }))
    next_batch();
}

void RollingDeploy::next_batch() {
  batch_.clear();
  while (static_cast<int>(batch_.size()) < deploy_.batch && !pending_.empty()) {
    const int s = pending_.front();
    pending_.pop_front();
    if (!pool_.member(s) || pool_.leaving(s)) continue;
    batch_.push_back(s);
  }
  if (batch_.empty()) {
    world_.recorder.add_note(world_.now(), EventKind::deploy_done, "all", "every server runs the new version");
    return;
  }
  for (int s : std::vector<int>(batch_)) pool_.start_drain(s, deploy_.drain_s, /*leaving=*/false);
}

}  // namespace statesim::engine
