// Which app servers a design's own events leave in the balancer's pool, replayed at load time
// so that a crash or restart the run could not act on is refused (or flagged) with its line.
// The run starts app-1..app-<count>; a scale-out starts the lowest-numbered hosts that are
// neither in the pool nor still powered (draining), a scale-in drains the most recently
// started; a stop takes a named server out. A drain may end early (once the server is empty), so while one may still be in
// progress the exact pool is unknown; the autoscaler makes it unknown too.
#pragma once

#include <vector>

namespace statesim {

class PoolTimeline {
 public:
  enum class Membership { member, out, unknown };

  PoolTimeline(int count, int pool_size, bool autoscaler, int autoscale_min);

  // A scheduled scale event, in time order.
  void scale(double at_s, int to, double drain_s);

  // A scheduled stop of server `index`: it leaves the pool (after its drain). The pool is no
  // longer app-1 .. app-<n>, so later memberships are known only for the servers below it.
  void stop(int index);

  // Whether server `index` (0-based) has certainly never been started by now.
  bool never_started(int index) const;

  // Whether server `index` is in the pool after the scale events given so far.
  Membership membership(int index) const;

 private:
  int pool_size_;
  bool autoscaler_;
  int active_;            // servers in the pool, not leaving
  int ever_started_;      // no server above this number has been started
  int always_members_;    // app-1 .. app-<this> have never left the pool
  bool exact_ = true;     // the pool is exactly app-1 .. app-<active_>
  double drains_end_s_ = 0;  // every drain begun so far is over by then
  std::vector<int> stopped_;  // servers stops took out: certainly out until a scale-out
};

}  // namespace statesim
