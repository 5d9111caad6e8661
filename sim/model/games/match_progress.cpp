#include "model/games/match_progress.hpp"

#include <algorithm>
#include <cmath>

namespace statesim {

std::optional<double> MatchProgress::next_snapshot_at(double now_s, double interval_s) const {
  const double game = game_time(now_s);
  // A relative 1e-9 keeps a game time that is a multiple (a restored snapshot's) from counting
  // as just below it.
  const double next = (std::floor(game / interval_s * (1 + 1e-9)) + 1) * interval_s;
  if (next >= duration_s_) return std::nullopt;
  return now_s + (next - game);
}

void MatchProgress::saved(double game_s) { saved_s_ = std::max(saved_s_, game_s); }

void MatchProgress::stop(double now_s) {
  played_s_ = std::min(game_time(now_s), duration_s_);
  running_ = false;
}

void MatchProgress::restore(double now_s) {
  played_s_ = saved_s_;
  resumed_at_s_ = now_s;
  running_ = true;
}

}  // namespace statesim
