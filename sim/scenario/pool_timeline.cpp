#include "scenario/pool_timeline.hpp"

#include <algorithm>

namespace statesim {

PoolTimeline::PoolTimeline(int count, int pool_size, bool autoscaler, int autoscale_min)
    : pool_size_(pool_size),
      autoscaler_(autoscaler),
      active_(count),
      ever_started_(autoscaler ? pool_size : count),
      always_members_(autoscaler ? std::min(count, autoscale_min) : count),
      exact_(!autoscaler) {}

void PoolTimeline::stop(int index) {
  if (!autoscaler_ && membership(index) == Membership::member) active_--;
  always_members_ = std::min(always_members_, index);
  exact_ = false;
  stopped_.push_back(index);
}

void PoolTimeline::scale(double at_s, int to, double drain_s) {
  if (to > active_) {
    stopped_.clear();  // a scale-out may start a stopped host again
    // Hosts still draining are skipped, so a scale-out may start hosts beyond `to`.
    const bool drains_over = at_s >= drains_end_s_;
    if (!drains_over) exact_ = false;
    ever_started_ = std::min(pool_size_, drains_over && exact_ ? std::max(ever_started_, to)
                                                               : ever_started_ + (to - active_));
  } else if (to < active_) {
    // With an exact pool the most recently started are the highest numbers.
    always_members_ = std::min(always_members_, to);
    drains_end_s_ = std::max(drains_end_s_, at_s + drain_s);
  }
  if (!autoscaler_) active_ = to;
}

bool PoolTimeline::never_started(int index) const { return index + 1 > ever_started_; }

PoolTimeline::Membership PoolTimeline::membership(int index) const {
  const int number = index + 1;
  if (number <= always_members_) return Membership::member;
  if (never_started(index) || std::find(stopped_.begin(), stopped_.end(), index) != stopped_.end()) return Membership::out;
  if (exact_) return number <= active_ ? Membership::member : Membership::out;
  return Membership::unknown;
}

}  // namespace statesim
