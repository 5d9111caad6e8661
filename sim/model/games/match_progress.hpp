// A match's game time against the wall clock. A running match advances one game second per
// second from where it last resumed; a stopped one (its server went down) is frozen until it
// is restored from its newest snapshot, which rolls it back to that snapshot's game time.
// Snapshots are taken at multiples of the interval of game time from the match's start, so a
// match restored from one takes its next one an interval later. Plain arithmetic: the engine
// schedules what it computes.
#pragma once

#include <optional>

namespace statesim {

class MatchProgress {
 public:
  MatchProgress(double duration_s, double now_s) : duration_s_(duration_s), resumed_at_s_(now_s) {}

  // Game time reached at `now_s` while running (frozen at the stop when stopped).
  double game_time(double now_s) const { return running_ ? played_s_ + (now_s - resumed_at_s_) : played_s_; }
  // When the match ends if it keeps running.
  double end_at() const { return resumed_at_s_ + (duration_s_ - played_s_); }
  // When the next snapshot is due (the first multiple of `interval_s` of game time after the
  // game time it resumed from), or nothing when the match ends first.
  std::optional<double> next_snapshot_at(double now_s, double interval_s) const;

  // A snapshot of game time `game_s` is in the store.
  void saved(double game_s);
  double saved_s() const { return saved_s_; }

  // The server went down at `now_s`: the match freezes.
  void stop(double now_s);
  // Game time a restore from the newest snapshot gives up (0 without any: from the start).
  double rollback_s() const { return played_s_ - saved_s_; }
  // Restored at `now_s` from the newest snapshot: it runs again from there.
  void restore(double now_s);

 private:
  double duration_s_;
  double played_s_ = 0;  // game time when it last resumed (running) or stopped
  double resumed_at_s_;  // wall time it last resumed
  double saved_s_ = 0;   // game time of the newest snapshot in the store
  bool running_ = true;
};

}  // namespace statesim
